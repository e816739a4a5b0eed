import { HubError } from '../../domain/errors.js';
import { Hub } from '../../hub/hub.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../io.js';
import { RefusedError, runLedgerCommand } from '../ledger-context.js';

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

/**
 * Runs a hub operation; its refusal (a HubError) ends the command with exit code 1 and a message
 * that names the option at fault, e.g. `--country: a bank … is in India (IN) or Russia (RU)`.
 */
export async function hubOperation<T>(
  work: () => Promise<T>,
  options: Readonly<Record<string, string>> = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    const field =
      error.field === undefined
        ? undefined
        : (options[error.field] ?? options[error.field.split('/')[0] ?? ''] ?? undefined);
    throw new RefusedError(
      `${field === undefined ? '' : `${field}: `}${error.message} (${error.code})`,
    );
  }
}
