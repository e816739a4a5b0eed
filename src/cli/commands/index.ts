import type { RegisterCommand } from '../program.js';

/** Every top-level command of `vostro`, one file per verb, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [];
