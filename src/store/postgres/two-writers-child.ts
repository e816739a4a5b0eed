/**
 * One of the two writers of the two-process test. Opens the PostgreSQL store at the URL on the
 * command line, creates the shared accounts (or finds them), then writes `batches` batches to the
 * same few hot accounts as the other writer, and prints `ack <json>` per batch with the ids
 * acknowledged as created (`ok`) and as already there (`exists`).
 */
import { derivedId } from '../conformance/crash-child.js';
import { accountId, transferId } from '../conformance/fixtures.js';
import { AccountFlags } from '../../ledger/flags.js';
import { ZERO_TRANSFER_ID, type AccountId } from '../../ledger/ids.js';
import { Ledger } from '../../ledger/ledger.js';
import type { TransferInput } from '../../ledger/model.js';
import { PostgresStore } from './postgres-store.js';

export const HOT_ACCOUNTS = 6;
/** Debits of this account may never exceed its credits; the writers keep trying to overdraw it. */
export const LIMITED_ACCOUNT = accountId(derivedId('two-writers-limited'));
const ALLOWED_RESULTS = new Set(['ok', 'exists', 'exceeds_credits']);

export function hotAccountId(index: number): AccountId {
  return accountId(derivedId(`two-writers-account-${index}`));
}

function transfer(id: string, debit: AccountId, credit: AccountId, amount: bigint): TransferInput {
  return {
    id: transferId(id),
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    pendingId: ZERO_TRANSFER_ID,
    ledger: 356,
    code: 1,
    flags: 0,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
  };
}

/** Own transfers between the hot accounts, transfers both writers send alike, and attempts to overdraw the limited account. */
export function twoWritersBatch(writer: string, batch: number): TransferInput[] {
  const events: TransferInput[] = [];
  for (let index = 0; index < 150; index += 1) {
    const debit = (batch + index) % HOT_ACCOUNTS;
    const credit = (debit + 1 + (index % (HOT_ACCOUNTS - 1))) % HOT_ACCOUNTS;
    events.push(
      transfer(
        derivedId(`two-writers-${writer}-${batch}-${index}`),
        hotAccountId(debit),
        hotAccountId(credit),
        BigInt(1 + (index % 97)),
      ),
    );
  }
  for (let index = 0; index < 20; index += 1) {
    events.push(
      transfer(
        derivedId(`two-writers-shared-${batch}-${index}`),
        hotAccountId(index % HOT_ACCOUNTS),
        hotAccountId((index + 1) % HOT_ACCOUNTS),
        BigInt(10 + index),
      ),
    );
  }
  events.push(
    transfer(
      derivedId(`two-writers-${writer}-${batch}-fund`),
      hotAccountId(0),
      LIMITED_ACCOUNT,
      50n,
    ),
  );
  for (let index = 0; index < 10; index += 1) {
    events.push(
      transfer(
        derivedId(`two-writers-${writer}-${batch}-spend-${index}`),
        LIMITED_ACCOUNT,
        hotAccountId(1 + (index % 5)),
        30n,
      ),
    );
  }
  return events;
}

async function main(): Promise<void> {
  const [url, writer, batchesText] = process.argv.slice(2);
  if (url === undefined || writer === undefined || batchesText === undefined)
    throw new Error('usage: two-writers-child <postgres url> <writer name> <batches>');
  const store = await PostgresStore.open({ url, poolMax: 2 });
  const ledger = new Ledger(store);
  const accounts = [
    ...Array.from({ length: HOT_ACCOUNTS }, (_, index) => hotAccountId(index)),
    LIMITED_ACCOUNT,
  ].map((id) => ({
    id,
    ledger: 356,
    code: 1,
    flags: id === LIMITED_ACCOUNT ? AccountFlags.debitsMustNotExceedCredits : AccountFlags.none,
    owner: 'two-writers',
    reference: '',
    userData64: 0n,
    userData32: 0,
  }));
  const created = await ledger.createAccounts(accounts);
  if (!created.ok || created.results.some((result) => result !== 'ok' && result !== 'exists'))
    throw new Error(`accounts refused: ${JSON.stringify(created)}`);
  for (let batch = 0; batch < Number(batchesText); batch += 1) {
    const events = twoWritersBatch(writer, batch);
    const outcome = await ledger.createTransfers(events);
    if (!outcome.ok) throw new Error(outcome.error);
    const unexpected = outcome.results.find((result) => !ALLOWED_RESULTS.has(result));
    if (unexpected !== undefined)
      throw new Error(`batch ${batch}: unexpected result ${unexpected}`);
    const ids = (wanted: string): string[] =>
      events.filter((_, index) => outcome.results[index] === wanted).map((event) => event.id);
    process.stdout.write(
      `ack ${JSON.stringify({ batch, ok: ids('ok'), exists: ids('exists') })}\n`,
    );
  }
  await store.close();
}

if (
  process.argv[1]?.endsWith('two-writers-child.ts') === true ||
  process.argv[1]?.endsWith('two-writers-child.js') === true
) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
