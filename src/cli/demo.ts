import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../hub/actor.js';
import { currencyByCode, parseAmount } from '../ledger/currency.js';
import { AccountFlags, TransferFlags } from '../ledger/flags.js';
import { newAccountId, newTransferId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import { AccountKind, type AccountInput, type AccountKindName, type TransferInput } from '../ledger/model.js';

/**
 * A small, realistic demo for `vostro start` on an empty database: two Indian and two Russian
 * banks, an FX provider and the hub, with settlement accounts in both currencies, Special Rupee
 * Vostro Accounts of the Russian banks, and a few dozen payments of a trading month.
 */

interface DemoAccount {
  readonly key: string;
  readonly owner: string;
  readonly currency: 'INR' | 'RUB';
  readonly kind: AccountKindName;
  readonly reference: string;
  /** Funded accounts may not go below zero; the hub's reserve accounts are where money enters. */
  readonly funded: boolean;
}

const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { key: 'hub-inr', owner: 'hub', currency: 'INR', kind: 'hub', reference: 'Hub reserve at RBI', funded: false },
  { key: 'hub-rub', owner: 'hub', currency: 'RUB', kind: 'hub', reference: 'Hub reserve at Bank of Russia', funded: false },
  { key: 'fees-inr', owner: 'hub', currency: 'INR', kind: 'fees', reference: 'Hub clearing fees', funded: true },
  { key: 'sbi-inr', owner: 'sbi', currency: 'INR', kind: 'settlement', reference: 'State Bank of India settlement', funded: true },
  { key: 'bob-inr', owner: 'bob', currency: 'INR', kind: 'settlement', reference: 'Bank of Baroda settlement', funded: true },
  { key: 'sberbank-rub', owner: 'sberbank', currency: 'RUB', kind: 'settlement', reference: 'Sberbank settlement', funded: true },
  { key: 'vtb-rub', owner: 'vtb', currency: 'RUB', kind: 'settlement', reference: 'VTB settlement', funded: true },
  { key: 'sberbank-srva', owner: 'sberbank', currency: 'INR', kind: 'vostro', reference: 'Sberbank SRVA with SBI', funded: true },
  { key: 'vtb-srva', owner: 'vtb', currency: 'INR', kind: 'vostro', reference: 'VTB SRVA with Bank of Baroda', funded: true },
  { key: 'fx-inr', owner: 'indorus-fx', currency: 'INR', kind: 'fxLiquidity', reference: 'IndoRus FX rupee liquidity', funded: true },
  { key: 'fx-rub', owner: 'indorus-fx', currency: 'RUB', kind: 'fxLiquidity', reference: 'IndoRus FX rouble liquidity', funded: true },
];

type DemoKey = (typeof DEMO_ACCOUNTS)[number]['key'];

/** [debit, credit, amount in major units, reference]; the pending one is added separately. */
const DEMO_PAYMENTS: readonly (readonly [DemoKey, DemoKey, string, string])[] = [
  ['hub-inr', 'sbi-inr', '500000000.00', 'opening funds SBI'],
  ['hub-inr', 'bob-inr', '350000000.00', 'opening funds BoB'],
  ['hub-inr', 'fx-inr', '250000000.00', 'opening funds IndoRus FX'],
  ['hub-rub', 'sberbank-rub', '600000000.00', 'opening funds Sberbank'],
  ['hub-rub', 'vtb-rub', '450000000.00', 'opening funds VTB'],
  ['hub-rub', 'fx-rub', '300000000.00', 'opening funds IndoRus FX'],
  ['sbi-inr', 'sberbank-srva', '42500000.00', 'INV-2026-0112 urea, Novorossiysk'],
  ['sbi-inr', 'fees-inr', '2125.00', 'fee INV-2026-0112'],
  ['bob-inr', 'vtb-srva', '18750000.00', 'INV-2026-0117 sunflower oil'],
  ['bob-inr', 'fees-inr', '937.50', 'fee INV-2026-0117'],
  ['sbi-inr', 'vtb-srva', '9600000.00', 'INV-2026-0121 coking coal'],
  ['sbi-inr', 'fees-inr', '480.00', 'fee INV-2026-0121'],
  ['bob-inr', 'sberbank-srva', '27300000.00', 'INV-2026-0125 fertiliser DAP'],
  ['bob-inr', 'fees-inr', '1365.00', 'fee INV-2026-0125'],
  ['sberbank-srva', 'sbi-inr', '12400000.00', 'EXP-2026-0044 pharmaceuticals'],
  ['vtb-srva', 'bob-inr', '6850000.00', 'EXP-2026-0047 tea, Kolkata'],
  ['sberbank-srva', 'fx-inr', '30000000.00', 'FX-2026-0009 sell INR'],
  ['fx-rub', 'sberbank-rub', '32400000.00', 'FX-2026-0009 buy RUB at 1.08'],
  ['vtb-srva', 'fx-inr', '15000000.00', 'FX-2026-0010 sell INR'],
  ['fx-rub', 'vtb-rub', '16170000.00', 'FX-2026-0010 buy RUB at 1.078'],
  ['sbi-inr', 'sberbank-srva', '7825000.00', 'INV-2026-0131 sunflower meal'],
  ['sbi-inr', 'fees-inr', '391.25', 'fee INV-2026-0131'],
  ['bob-inr', 'vtb-srva', '11200000.00', 'INV-2026-0134 newsprint'],
  ['bob-inr', 'fees-inr', '560.00', 'fee INV-2026-0134'],
  ['sberbank-srva', 'bob-inr', '4310000.00', 'EXP-2026-0052 auto parts, Pune'],
  ['vtb-srva', 'sbi-inr', '2975000.00', 'EXP-2026-0055 rice, Kakinada'],
  ['sberbank-rub', 'vtb-rub', '5400000.00', 'interbank RUB liquidity'],
  ['vtb-rub', 'sberbank-rub', '1250000.00', 'interbank RUB repayment'],
];

export type DemoAccountIds = ReadonlyMap<string, AccountId>;

/** Seeds the demo; the caller checks first that the database is empty. Returns the demo's account ids. */
export async function seedDemo(ledger: Ledger): Promise<DemoAccountIds> {
  const ids = new Map(DEMO_ACCOUNTS.map((account) => [account.key, newAccountId()]));
  const accounts = DEMO_ACCOUNTS.map((account): AccountInput => ({
    id: ids.get(account.key) as AccountId,
    ledger: demoCurrency(account.currency).ledger,
    code: AccountKind[account.kind],
    flags: account.funded ? AccountFlags.debitsMustNotExceedCredits : AccountFlags.none,
    owner: account.owner,
    reference: account.reference,
    userData64: 0n,
    userData32: 0,
  }));
  requireAllOk('accounts', await ledger.createAccounts(accounts));
  const payments = DEMO_PAYMENTS.map(([debit, credit, amount, reference]) => demoTransfer(ids, { debit, credit, amount, reference, flags: TransferFlags.none }));
  // A letter-of-credit style reservation awaiting shipping documents; it lapses after 72 hours.
  payments.push({
    ...demoTransfer(ids, { debit: 'sbi-inr', credit: 'vtb-srva', amount: '14200000.00', reference: 'LC-2026-0007 awaiting bill of lading', flags: TransferFlags.pending }),
    timeoutSeconds: 72 * 3600,
  });
  requireAllOk('transfers', await ledger.createTransfers(payments));
  return ids;
}

function demoTransfer(ids: DemoAccountIds, spec: { debit: DemoKey; credit: DemoKey; amount: string; reference: string; flags: number }): TransferInput {
  const debit = DEMO_ACCOUNTS.find((account) => account.key === spec.debit) as DemoAccount;
  const currency = demoCurrency(debit.currency);
  const parsed = parseAmount(spec.amount, currency);
  if (!parsed.ok) throw new Error(`bug: demo amount ${spec.amount}: ${parsed.error.message}`);
  return {
    id: newTransferId(),
    debitAccountId: ids.get(spec.debit) as AccountId,
    creditAccountId: ids.get(spec.credit) as AccountId,
    amount: parsed.amountMinor,
    pendingId: ZERO_ID as TransferId,
    ledger: currency.ledger,
    code: 1,
    flags: spec.flags,
    timeoutSeconds: 0,
    reference: spec.reference,
    userData64: 0n,
    userData32: 0,
  };
}

function demoCurrency(code: string) {
  const currency = currencyByCode(code);
  if (currency === undefined) throw new Error(`bug: demo currency ${code} is not in the currency table`);
  return currency;
}

/** The demo is fixed data: a refused item is a bug in it, not a user's mistake. */
function requireAllOk(what: string, outcome: { ok: true; results: readonly string[] } | { ok: false; error: string }): void {
  if (!outcome.ok) throw new Error(`bug: demo ${what} batch refused: ${outcome.error}`);
  const failed = outcome.results.findIndex((result) => result !== 'ok');
  if (failed >= 0) throw new Error(`bug: demo ${what} item ${failed} refused: ${outcome.results[failed]}`);
}

/**
 * The operator API key of the local demo, kept in a file only its owner can read (mode 0600) so
 * that it is never printed to a terminal or a log. `vostro start` reuses the key in the file while
 * it still works, and otherwise issues a new one (label "demo (vostro start)") and writes it there.
 * Fine for a demo on one's own machine; a real hub issues keys with `vostro key issue` and keeps
 * them in a secret manager.
 */
export async function ensureDemoOperatorKey(keys: ApiKeys, path: string): Promise<{ path: string; issued: boolean; keyId: string }> {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').trim();
    const verification = await keys.verifier.verify(text);
    if (verification.ok && verification.key.role === 'operator') {
      chmodSync(path, 0o600);
      return { path, issued: false, keyId: verification.key.keyId };
    }
  }
  const issued = await keys.issue({ role: 'operator', label: 'demo (vostro start)' }, CLI_ACTOR);
  mkdirSync(dirname(path), { recursive: true });
  // A new file, so that it is created 0600 rather than keeping the mode of one found there.
  rmSync(path, { force: true });
  writeFileSync(path, `${issued.key}\n`, { mode: 0o600, flag: 'wx' });
  return { path, issued: true, keyId: issued.info.keyId };
}
