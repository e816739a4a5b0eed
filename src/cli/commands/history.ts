import type { AccountId } from '../../ledger/ids.js';
import type { Account, StoredTransfer } from '../../ledger/model.js';
import type { LedgerStore } from '../../store/store.js';
import { amountText, currencyCode } from '../../views/amounts.js';
import { netPostedMinor } from '../../views/accounts.js';
import { isoTime } from '../../views/time.js';
import { postedAmountMinor, transferKind, type TransferKind } from '../../views/transfers.js';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import { parseAccountIdOption, parseIntegerOption, parseTimestampOption } from '../options.js';
import { requireAccount } from '../shared/accounts.js';
import { humanAmount } from '../shared/human.js';
import { printJson, renderTable } from '../shared/output.js';

export const HISTORY_LIMIT_MAX = 1000;
const HISTORY_LIMIT_DEFAULT = 20;
/** Transfers read per query while walking back to a `--before` cursor. */
const WALK_PAGE = 1000;
/**
 * The running balance at a `--before` cursor is found by walking back from the newest transfer.
 * Past this many transfers the walk stops and the balances of that page are reported as unknown.
 */
export const BALANCE_WALK_MAX = 100_000;

export interface HistoryLine {
  readonly transfer: StoredTransfer;
  readonly kind: TransferKind;
  readonly direction: 'debit' | 'credit';
  readonly counterpartyAccountId: AccountId;
  /** Credits − debits after this transfer, posted only; undefined when it could not be worked out. */
  readonly balanceAfterMinor: bigint | undefined;
}

/** `vostro history <account-id>`: the account's transfers, newest first, with the running balance. */
export const registerHistory: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('history')
      .description(
        'list the transfers of an account, newest first, with the posted balance after each',
      )
      .argument('<account-id>', 'the account id (UUID)')
      .option(
        '--limit <count>',
        `at most this many transfers, 1 to ${HISTORY_LIMIT_MAX}`,
        String(HISTORY_LIMIT_DEFAULT),
      )
      .option(
        '--before <timestamp>',
        'only transfers older than this one (the `next` value printed by the previous page)',
      )
      .option('--json', 'print the history as JSON'),
  ).action(
    commandAction(
      context,
      async (
        idText: string,
        options: { limit: string; before?: string; json?: boolean; db?: string },
      ) => {
        const id = parseAccountIdOption('<account-id>', idText);
        const limit = parseIntegerOption('--limit', options.limit, {
          minimum: 1,
          maximum: HISTORY_LIMIT_MAX,
        });
        const before =
          options.before === undefined
            ? undefined
            : parseTimestampOption('--before', options.before);
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const account = await requireAccount(session, id, 'account');
            if (before !== undefined) await requireCursorOf(session.store, account.id, before);
            const page = await readHistory(session, account, { limit, before });
            printHistory(context.io, account, page, options.json === true);
            return ExitCode.ok;
          },
        );
      },
    ),
  );
};

/** The store follows the account's history chain from the cursor, so the cursor must be one of its transfers. */
async function requireCursorOf(
  store: LedgerStore,
  accountId: AccountId,
  beforeTimestamp: bigint,
): Promise<void> {
  const [cursor] = await store.transfersInRange(beforeTimestamp, beforeTimestamp);
  if (
    cursor === undefined ||
    (cursor.debitAccountId !== accountId && cursor.creditAccountId !== accountId)
  ) {
    throw new UsageError(
      `--before: no transfer of account ${accountId} has timestamp ${beforeTimestamp}; use the \`next\` value of the previous page`,
    );
  }
}

export async function readHistory(
  session: LedgerSession,
  account: Account,
  page: { limit: number; before: bigint | undefined },
): Promise<{ lines: HistoryLine[]; next: bigint | undefined }> {
  // One more than asked tells whether an older page exists without a second query.
  const found = await session.store.listAccountTransfers({
    accountId: account.id,
    beforeTimestamp: page.before,
    limit: page.limit + 1,
  });
  const transfers = found.slice(0, page.limit);
  const next =
    found.length > page.limit ? (transfers.at(-1) as StoredTransfer).timestamp : undefined;
  const newer =
    page.before === undefined ? 0n : await postedSince(session.store, account.id, page.before);
  let balance = newer === undefined ? undefined : netPostedMinor(account) - newer;
  const lines = transfers.map((transfer): HistoryLine => {
    const direction = transfer.creditAccountId === account.id ? 'credit' : 'debit';
    const line: HistoryLine = {
      transfer,
      kind: transferKind(transfer),
      direction,
      counterpartyAccountId:
        direction === 'credit' ? transfer.debitAccountId : transfer.creditAccountId,
      balanceAfterMinor: balance,
    };
    if (balance !== undefined) balance -= signedPostedMinor(transfer, account.id);
    return line;
  });
  return { lines, next };
}

/** How much a transfer raised the account's posted balance (credits − debits); negative for a debit. */
function signedPostedMinor(transfer: StoredTransfer, accountId: AccountId): bigint {
  const posted = postedAmountMinor(transfer);
  return transfer.creditAccountId === accountId ? posted : -posted;
}

/** The posted change made by the account's transfers at or after `fromTimestamp`; undefined past BALANCE_WALK_MAX. */
async function postedSince(
  store: LedgerStore,
  accountId: AccountId,
  fromTimestamp: bigint,
): Promise<bigint | undefined> {
  let sum = 0n;
  let cursor: bigint | undefined;
  for (let walked = 0; walked < BALANCE_WALK_MAX; walked += WALK_PAGE) {
    const transfers = await store.listAccountTransfers({
      accountId,
      beforeTimestamp: cursor,
      limit: WALK_PAGE,
    });
    for (const transfer of transfers) {
      if (transfer.timestamp < fromTimestamp) return sum;
      sum += signedPostedMinor(transfer, accountId);
    }
    if (transfers.length < WALK_PAGE) return sum;
    cursor = (transfers.at(-1) as StoredTransfer).timestamp;
  }
  return undefined;
}

function printHistory(
  io: CliIo,
  account: Account,
  page: { lines: HistoryLine[]; next: bigint | undefined },
  json: boolean,
): void {
  const amount = (minor: bigint | undefined): string | null =>
    minor === undefined ? null : amountText(minor, account.ledger);
  if (json) {
    printJson(io, {
      accountId: account.id,
      currency: currencyCode(account.ledger),
      balance: amount(netPostedMinor(account)),
      transfers: page.lines.map((line) => ({
        id: line.transfer.id,
        timestamp: line.transfer.timestamp.toString(),
        time: isoTime(line.transfer.timestamp),
        kind: line.kind,
        direction: line.direction,
        counterpartyAccountId: line.counterpartyAccountId,
        amount: amount(line.transfer.amount),
        balanceAfter: amount(line.balanceAfterMinor),
        reference: line.transfer.reference,
      })),
      next: page.next?.toString() ?? null,
    });
    return;
  }
  const human = (minor: bigint | undefined): string =>
    minor === undefined ? '?' : humanAmount(minor, account.ledger);
  io.out(
    `${account.id}  ${account.owner}  ${currencyCode(account.ledger)}  balance ${human(netPostedMinor(account))}\n`,
  );
  if (page.lines.length === 0) {
    io.out('No transfers.\n');
    return;
  }
  const rows = page.lines.map((line) => [
    isoTime(line.transfer.timestamp),
    line.kind,
    line.direction,
    line.counterpartyAccountId,
    `${line.direction === 'debit' ? '-' : '+'}${human(line.transfer.amount)}`,
    human(line.balanceAfterMinor),
    line.transfer.reference,
  ]);
  io.out(
    renderTable(
      ['time (UTC, ns)', 'kind', 'side', 'counterparty', 'amount', 'balance after', 'reference'],
      rows,
      [4, 5],
    ),
  );
  if (page.next !== undefined) io.out(`older: --before ${page.next}\n`);
}
