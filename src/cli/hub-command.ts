import { Hub } from '../hub/hub.js';
import { ExitCode } from './io.js';
import { runLedgerCommand } from './ledger-context.js';
import type { CliContext } from './program.js';

/** Runs a hub command (payments, caps, windows, FX, reports) on the database of `--db`; exit 0 unless it throws. */
export async function runHubCommand(
  context: CliContext,
  db: string | undefined,
  work: (hub: Hub) => Promise<void>,
): Promise<void> {
  await runLedgerCommand(context, { dbOption: db, create: false }, async (session) => {
    await work(new Hub(session.ledger));
    return ExitCode.ok;
  });
}
