import type { RegisterCommand } from '../program.js';
import { registerCorridors } from './corridors.js';
import { registerRoute } from './route.js';

/** Every top-level command of `vostro`, one file per verb, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [registerRoute, registerCorridors];
