import type { RegisterCommand } from '../context.js';
import { registerAccount } from './account.js';
import { registerAudit } from './audit.js';
import { registerBalance } from './balance.js';
import { registerBench } from './bench.js';
import { registerCorridors } from './corridors.js';
import { registerDocument } from './document.js';
import { registerEvents } from './events.js';
import { registerFx } from './fx.js';
import { registerHistory } from './history.js';
import { registerInit } from './init.js';
import { registerIso20022 } from './iso20022.js';
import { registerIssuer } from './issuer.js';
import { registerKey } from './key.js';
import { registerParticipant } from './participant.js';
import { registerReports } from './report.js';
import { registerRoute } from './route.js';
import { registerServe } from './serve.js';
import { registerSettlement } from './settle.js';
import { registerSigningKey } from './signing-key.js';
import { registerStart } from './start.js';
import { registerTrade } from './trade.js';
import { registerTransfer } from './transfer.js';
import { registerVerify } from './verify.js';
import { registerWebhook } from './webhook.js';

/** Every top-level command of `vostro`, one file per verb, in the order `--help` lists them. */
export const commands: readonly RegisterCommand[] = [
  registerStart,
  registerServe,
  registerInit,
  registerParticipant,
  registerKey,
  registerAccount,
  registerTransfer,
  registerSettlement,
  registerFx,
  registerReports,
  registerIso20022,
  registerEvents,
  registerWebhook,
  registerTrade,
  registerDocument,
  registerIssuer,
  registerSigningKey,
  registerBalance,
  registerHistory,
  registerVerify,
  registerAudit,
  registerBench,
  registerRoute,
  registerCorridors,
];
