import type { Command } from 'commander';
import { currencyByLedger } from '../../ledger/currency.js';
import { TransferFlags } from '../../ledger/flags.js';
import { newTransferId, ZERO_ID, type AccountId, type TransferId } from '../../ledger/ids.js';
import {
  TIMEOUT_SECONDS_MAX,
  type StoredTransfer,
  type TransferInput,
} from '../../ledger/model.js';
import { TRANSFER_RESULT_MESSAGES, type CreateTransferResult } from '../../ledger/results.js';
import { isoTime } from '../../views/time.js';
import { transferJson, transferKind } from '../../views/transfers.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  RefusedError,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import {
  parseAccountIdOption,
  parseAmountOption,
  parseIntegerOption,
  parseReferenceOption,
  parseTransferIdOption,
} from '../options.js';
import { requireAccount } from '../shared/accounts.js';
import { humanAmountWithCode } from '../shared/human.js';
import { printJson } from '../shared/output.js';

/** Transfer codes say why money moved; 16 bits, as in TigerBeetle. */
const TRANSFER_CODE_MAX = 65_535;

/**
 * `vostro transfer [create] | post | void`. Commander gives a parent's own options to the parent
 * even when they follow a subcommand (`transfer post X --amount 5` would lose `--amount`), so the
 * plain transfer is the default subcommand `create` rather than an action on `transfer` itself.
 */
export const registerTransfer: RegisterCommand = (program, context) => {
  const transfer = program
    .command('transfer')
    .description(
      'move money between two accounts of one currency; `vostro transfer --debit …` is short for `vostro transfer create --debit …`',
    );
  registerCreate(transfer, context);
  registerPost(transfer, context);
  registerVoid(transfer, context);
};

interface CreateOptions {
  readonly debit: string;
  readonly credit: string;
  readonly amount: string;
  readonly id?: string;
  readonly code: string;
  readonly reference?: string;
  readonly pending?: boolean;
  readonly timeout?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerCreate(transfer: Command, context: CliContext): void {
  addDbOption(
    transfer
      .command('create', { isDefault: true })
      .description(
        'debit one account and credit another with the same amount (the default when no subcommand is named)',
      )
      .requiredOption('--debit <account-id>', 'the account to debit (money leaves it)')
      .requiredOption('--credit <account-id>', 'the account to credit (money arrives there)')
      .requiredOption(
        '--amount <decimal>',
        "amount in major units of the debit account's currency, e.g. 12500.00",
      )
      .option(
        '--id <uuid>',
        'the transfer id (default: a new UUIDv7); re-sending the same id and content is harmless',
      )
      .option('--code <number>', `why the money moved, 1 to ${TRANSFER_CODE_MAX}`, '1')
      .option('--reference <text>', 'free reference text, at most 64 characters')
      .option('--pending', 'reserve the amount now; post or void it later (two-phase transfer)')
      .option(
        '--timeout <seconds>',
        'with --pending: void the reservation after this many seconds (default: never)',
      )
      .option('--json', 'print the result as JSON'),
  ).action(
    commandAction(context, async (options: CreateOptions) => {
      const debitAccountId = parseAccountIdOption('--debit', options.debit);
      const creditAccountId = parseAccountIdOption('--credit', options.credit);
      if (options.timeout !== undefined && options.pending !== true)
        throw new UsageError('--timeout: only a --pending transfer can time out');
      const partial = {
        id: options.id === undefined ? newTransferId() : parseTransferIdOption('--id', options.id),
        code: parseIntegerOption('--code', options.code, {
          minimum: 1,
          maximum: TRANSFER_CODE_MAX,
        }),
        reference: parseReferenceOption('--reference', options.reference),
        flags: options.pending === true ? TransferFlags.pending : TransferFlags.none,
        timeoutSeconds:
          options.timeout === undefined
            ? 0
            : parseIntegerOption('--timeout', options.timeout, {
                minimum: 1,
                maximum: TIMEOUT_SECONDS_MAX,
              }),
      };
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const debit = await requireAccount(session, debitAccountId, 'debit account (--debit)');
        await requireAccount(session, creditAccountId, 'credit account (--credit)');
        // The amount is in the debit account's currency; a credit account in another currency is
        // refused by the ledger with its own code, which says more than a parse error would.
        const currency = currencyByLedger(debit.ledger);
        if (currency === undefined)
          throw new RefusedError(
            `debit account ${debit.id} is in ledger ${debit.ledger}, which is no known currency`,
          );
        const amount = parseAmountOption('--amount', options.amount, currency);
        const input: TransferInput = {
          ...partial,
          debitAccountId,
          creditAccountId,
          amount,
          pendingId: ZERO_ID as TransferId,
          ledger: debit.ledger,
          userData64: 0n,
          userData32: 0,
        };
        return submitTransfer(session, input, options.json === true, context.io);
      });
    }),
  );
}

interface ResolveOptions {
  readonly amount?: string;
  readonly id?: string;
  readonly reference?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerPost(transfer: Command, context: CliContext): void {
  addDbOption(
    transfer
      .command('post')
      .description('post a pending transfer: move the reserved amount, or part of it, for good')
      .argument('<pending-id>', 'id of the pending transfer')
      .option(
        '--amount <decimal>',
        'post only this much, at most the pending amount (default: all of it); the rest is released',
      )
      .option('--id <uuid>', 'id of the posting transfer (default: a new UUIDv7)')
      .option('--reference <text>', 'free reference text, at most 64 characters')
      .option('--json', 'print the result as JSON'),
  ).action(
    commandAction(context, async (pendingText: string, options: ResolveOptions) => {
      await resolvePending(context, pendingText, options, TransferFlags.postPending);
    }),
  );
}

function registerVoid(transfer: Command, context: CliContext): void {
  addDbOption(
    transfer
      .command('void')
      .description('void a pending transfer: release the whole reserved amount')
      .argument('<pending-id>', 'id of the pending transfer')
      .option('--id <uuid>', 'id of the voiding transfer (default: a new UUIDv7)')
      .option('--reference <text>', 'free reference text, at most 64 characters')
      .option('--json', 'print the result as JSON'),
  ).action(
    commandAction(context, async (pendingText: string, options: ResolveOptions) => {
      await resolvePending(context, pendingText, options, TransferFlags.voidPending);
    }),
  );
}

/** Post or void: accounts, ledger and code are left zero, so the ledger takes them from the pending transfer. */
async function resolvePending(
  context: CliContext,
  pendingText: string,
  options: ResolveOptions,
  flags: number,
): Promise<void> {
  const pendingId = parseTransferIdOption('<pending-id>', pendingText);
  const id = options.id === undefined ? newTransferId() : parseTransferIdOption('--id', options.id);
  const reference = parseReferenceOption('--reference', options.reference);
  await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
    const pending = await requirePendingTransfer(session, pendingId);
    const currency = currencyByLedger(pending.ledger);
    if (currency === undefined)
      throw new RefusedError(
        `pending transfer ${pending.id} is in ledger ${pending.ledger}, which is no known currency`,
      );
    const amount =
      options.amount === undefined ? 0n : parseAmountOption('--amount', options.amount, currency);
    const input: TransferInput = {
      id,
      debitAccountId: ZERO_ID as AccountId,
      creditAccountId: ZERO_ID as AccountId,
      amount,
      pendingId,
      ledger: 0,
      code: 0,
      flags,
      timeoutSeconds: 0,
      reference,
      userData64: 0n,
      userData32: 0,
    };
    return submitTransfer(session, input, options.json === true, context.io);
  });
}

async function requirePendingTransfer(
  session: LedgerSession,
  pendingId: TransferId,
): Promise<StoredTransfer> {
  const [pending] = await session.ledger.lookupTransfers([pendingId]);
  if (pending === undefined)
    throw new RefusedError(`pending transfer ${pendingId} does not exist in ${session.dbPath}`);
  return pending;
}

/** Sends a batch of one and reports its result: 0 when created or already there, 1 when refused. */
async function submitTransfer(
  session: LedgerSession,
  input: TransferInput,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const outcome = await session.ledger.createTransfers([input]);
  if (!outcome.ok) throw new Error(`bug: a batch of one transfer was refused as ${outcome.error}`);
  const result: CreateTransferResult = outcome.results[0] ?? 'ok';
  const accepted = result === 'ok' || result === 'exists';
  const [stored] = accepted ? await session.ledger.lookupTransfers([input.id]) : [];
  if (json) {
    printJson(io, {
      id: input.id,
      result,
      message: TRANSFER_RESULT_MESSAGES[result],
      transfer: stored === undefined ? null : transferJson(stored),
    });
  } else if (stored !== undefined) {
    io.out(describeTransfer(stored));
    if (result === 'exists') io.err(`note: ${TRANSFER_RESULT_MESSAGES.exists}\n`);
  } else {
    io.err(`error: transfer refused: ${result}: ${TRANSFER_RESULT_MESSAGES[result]}\n`);
  }
  return accepted ? ExitCode.ok : ExitCode.refused;
}

function describeTransfer(transfer: StoredTransfer): string {
  const kind = transferKind(transfer);
  const lines = [
    `${transfer.id}`,
    `  ${kind} transfer of ${humanAmountWithCode(transfer.amount, transfer.ledger)} at ${isoTime(transfer.timestamp)}`,
    `  debit  ${transfer.debitAccountId}`,
    `  credit ${transfer.creditAccountId}`,
  ];
  if (kind === 'post' || kind === 'void')
    lines.push(`  resolves pending transfer ${transfer.pendingId}`);
  if (transfer.expiresAt !== undefined && transfer.expiresAt !== 0n)
    lines.push(`  expires at ${isoTime(transfer.expiresAt)} unless posted or voided`);
  if (transfer.reference !== '') lines.push(`  reference ${transfer.reference}`);
  return `${lines.join('\n')}\n`;
}
