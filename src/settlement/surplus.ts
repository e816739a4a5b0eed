import { AMOUNT_MAX, currencyByCode, formatAmount, type Currency } from '../ledger/currency.js';
import { parseTransferId, ZERO_ID, type AccountId, type TransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import type { TransferInput } from '../ledger/model.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { HubError, invalidField } from '../domain/errors.js';
import type { ParticipantAccount } from '../participants/accounts.js';
import {
  participantDocuments,
  type ParticipantRecord,
  type ParticipantRegistry,
} from '../participants/registry.js';
import { creditBalancesAtPoints } from '../ledger/account-history.js';
import { dayStartNs, dayText, parseDay } from '../domain/time.js';
import { TransferCode } from './codes.js';
import { windowId, WindowService } from './windows.js';

/**
 * The rupee surplus: the INR that Russian banks (participants of kind `bank` in country `RU`) hold
 * in their Special Rupee Vostro Accounts (role `vostro`, currency INR, kept by an Indian bank),
 * per bank and in total, now and over time; and the operator's sweep of surplus into the bank's
 * INR investment account, for the uses the RBI framework permits (treasury bills, government
 * securities).
 *
 * Balances are posted balances, credits − debits (vostro accounts are credit-normal: what the
 * Russian bank holds). Pending reservations do not lower the surplus; they do lower what a sweep
 * may take, since the ledger keeps debits (posted and pending) within posted credits.
 *
 * Series: a balance "at" a point t counts every posting with timestamp ≤ t. The daily series gives
 * each day's end-of-day balance (the last nanosecond of the day, in UTC or at a given offset east
 * of UTC, e.g. +330 for India Standard Time); the window series gives the balance at each closed
 * INR window's boundary (its `closedAt`). Both are computed from each vostro account's history
 * walked back from its current balance to the earliest point (src/ledger/account-history.ts), so
 * the cost is the vostro accounts' postings since the series starts, in memory of one sum per
 * point and account.
 *
 * The sweep moves `amountMinor` from the bank's INR vostro account to its INR investment account
 * as ONE ordinary transfer with code `TransferCode.sweep` (not netted: it moves no money between
 * settling banks), written through `ledger.transact` together with its audit entry. The
 * instrument is recorded three ways: in the audit detail, as the transfer reference's prefix
 * (`T-bill: …`, `G-sec: …`) and as the transfer's `userData32` (SWEEP_INSTRUMENT_CODE). The
 * investment account is NOT opened by the sweep: a missing one is refused (`account_not_found`),
 * because opening an account is its own audited operator action and a transaction holds one
 * ledger batch, so opening it inside the sweep could leave an account behind when the sweep is
 * then refused. Every refusal writes nothing. The sweep id is the idempotency key and the
 * transfer's id: the same request again answers `exists` and moves nothing; the same id with other
 * content is refused (`payment_refused`). Who may sweep is the route's access policy (operator).
 */
export const SURPLUS_CURRENCY = 'INR';

export const SWEEP_INSTRUMENTS = ['treasury_bill', 'government_security'] as const;
export type SweepInstrument = (typeof SWEEP_INSTRUMENTS)[number];
/** The sweep transfer's `userData32`. */
export const SWEEP_INSTRUMENT_CODE: Readonly<Record<SweepInstrument, number>> = {
  treasury_bill: 1,
  government_security: 2,
};
const INSTRUMENT_TAG: Readonly<Record<SweepInstrument, string>> = {
  treasury_bill: 'T-bill',
  government_security: 'G-sec',
};
/** Longest sweep reference: the transfer reference (64) less the longest tag and `: `. */
export const SWEEP_REFERENCE_MAX = 56;
/** Longest daily series. */
export const SURPLUS_DAYS_MAX = 3660;

export interface SweepRequest {
  /** The Russian bank's participant id. */
  readonly bank: string;
  readonly amountMinor: bigint;
  /** UUID: the idempotency key and the sweep transfer's id. */
  readonly id: string;
  readonly reference: string;
  readonly instrument: SweepInstrument;
  /** The Indian bank that keeps the vostro account; needed only when the bank has several INR vostro accounts. */
  readonly heldAt?: string;
}

export interface SweepResult {
  readonly id: string;
  readonly status: 'created' | 'exists';
  readonly bank: string;
  readonly from: AccountId;
  readonly to: AccountId;
  readonly heldAt: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly instrument: SweepInstrument;
  readonly transferReference: string;
}

export interface VostroBalance {
  readonly accountId: AccountId;
  /** The Indian bank that keeps it. */
  readonly heldAt: string;
  readonly balanceMinor: bigint;
}

export interface BankSurplus {
  readonly bank: string;
  readonly name: string;
  readonly vostro: readonly VostroBalance[];
  /** Σ of its INR vostro balances. */
  readonly surplusMinor: bigint;
  /** Its INR investment account's balance (0 without one). */
  readonly investedMinor: bigint;
  readonly investmentAccountId: AccountId | undefined;
}

export interface SurplusNow {
  readonly currency: string;
  readonly asOfIso: string;
  /** Every Russian bank, by id (a bank without an INR vostro account shows 0). */
  readonly banks: readonly BankSurplus[];
  readonly totalMinor: bigint;
  readonly investedTotalMinor: bigint;
}

export interface SurplusPoint {
  /** `YYYY-MM-DD` for a day, the window id for a window. */
  readonly label: string;
  /** Balances count every posting with timestamp ≤ atNs. */
  readonly atNs: bigint;
  /** Per bank, in the order of the series' `banks`. */
  readonly byBankMinor: readonly bigint[];
  readonly totalMinor: bigint;
}

export interface SurplusSeries {
  readonly currency: string;
  readonly kind: 'daily' | 'window';
  /** For a daily series: minutes east of UTC the days are taken in. */
  readonly utcOffsetMinutes: number;
  readonly banks: readonly { readonly bank: string; readonly name: string }[];
  readonly points: readonly SurplusPoint[];
}

export class SurplusService {
  private readonly windows: WindowService;

  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
  ) {
    this.windows = new WindowService(ledger, registry);
  }

  /** Every Russian bank's INR vostro balances and investment balance, read in one consistent read. */
  async now(options: { now?: Date } = {}): Promise<SurplusNow> {
    const banks = await this.russianBanks();
    const ids = banks.flatMap((bank) => [
      ...vostroAccounts(bank).map((account) => account.id),
      ...investmentAccount(bank).map((account) => account.id),
    ]);
    const accounts = new Map(
      (await this.ledger.lookupAccounts(ids)).map((account) => [account.id, account]),
    );
    const balance = (id: AccountId): bigint => {
      const account = accounts.get(id);
      return account === undefined ? 0n : account.creditsPosted - account.debitsPosted;
    };
    const rows = banks.map((bank): BankSurplus => {
      const vostro = vostroAccounts(bank).map((account) => ({
        accountId: account.id,
        heldAt: account.heldAt ?? '',
        balanceMinor: balance(account.id),
      }));
      const investment = investmentAccount(bank)[0];
      return {
        bank: bank.id,
        name: bank.name,
        vostro,
        surplusMinor: vostro.reduce((sum, account) => sum + account.balanceMinor, 0n),
        investedMinor: investment === undefined ? 0n : balance(investment.id),
        investmentAccountId: investment?.id,
      };
    });
    return {
      currency: SURPLUS_CURRENCY,
      asOfIso: (options.now ?? new Date()).toISOString(),
      banks: rows,
      totalMinor: rows.reduce((sum, row) => sum + row.surplusMinor, 0n),
      investedTotalMinor: rows.reduce((sum, row) => sum + row.investedMinor, 0n),
    };
  }

  /** End-of-day surplus for every day from `from` to `to` inclusive (`YYYY-MM-DD`). */
  async daily(request: {
    from: string;
    to: string;
    utcOffsetMinutes?: number;
  }): Promise<SurplusSeries> {
    const first = parseDay(request.from, 'from');
    const last = parseDay(request.to, 'to');
    const offset = request.utcOffsetMinutes ?? 0;
    if (!Number.isInteger(offset) || offset < -720 || offset > 840)
      throw invalidField({
        field: 'utc_offset_minutes',
        message: 'utc_offset_minutes is a whole number of minutes from −720 to +840',
      });
    if (last < first)
      throw invalidField({
        field: 'to',
        message: 'the series must end on or after the day it starts',
      });
    if (last - first + 1 > SURPLUS_DAYS_MAX)
      throw invalidField({
        field: 'to',
        message: `a daily series covers at most ${SURPLUS_DAYS_MAX} days`,
      });
    const points: { label: string; atNs: bigint }[] = [];
    for (let day = first; day <= last; day += 1)
      points.push({ label: dayText(day), atNs: dayStartNs(day + 1, offset) - 1n });
    return this.series('daily', offset, points);
  }

  /** The surplus at the boundary of each of the last `last` closed INR windows (default 30), oldest first. */
  async byWindow(request: { last?: number } = {}): Promise<SurplusSeries> {
    const count = request.last ?? 30;
    if (!Number.isSafeInteger(count) || count < 1 || count > 10_000)
      throw invalidField({
        field: 'last',
        message: 'last is a whole number of windows from 1 to 10000',
      });
    const open = await this.windows.current(SURPLUS_CURRENCY);
    const points: { label: string; atNs: bigint }[] = [];
    for (let seq = Math.max(1, open.seq - count); seq < open.seq; seq += 1) {
      const window = await this.windows.find(windowId(SURPLUS_CURRENCY, seq));
      if (window?.closedAt !== undefined)
        points.push({ label: window.id, atNs: BigInt(window.closedAt) });
    }
    return this.series('window', 0, points);
  }

  /** Moves surplus from a Russian bank's INR vostro account to its INR investment account (see the file comment). */
  async sweep(request: SweepRequest, actor: Actor): Promise<SweepResult> {
    const id = parseTransferId(request.id);
    if (id === undefined || id === ZERO_ID)
      throw invalidField({ field: 'id', message: 'the sweep id is a non-zero UUID' });
    if (typeof request.amountMinor !== 'bigint' || request.amountMinor <= 0n)
      throw invalidField({ field: 'amount', message: 'the amount must be positive' });
    if (request.amountMinor > AMOUNT_MAX)
      throw invalidField({
        field: 'amount',
        message: `the amount must be at most ${formatAmount(AMOUNT_MAX, inr())} INR`,
      });
    if (!SWEEP_INSTRUMENTS.includes(request.instrument))
      throw invalidField({
        field: 'instrument',
        message: `instrument must be one of ${SWEEP_INSTRUMENTS.join(', ')}`,
      });
    if (typeof request.bank !== 'string' || request.bank.length === 0)
      throw invalidField({ field: 'bank', message: "bank is the Russian bank's participant id" });
    if (request.heldAt !== undefined && typeof request.heldAt !== 'string')
      throw invalidField({
        field: 'held_at',
        message: 'held_at is the participant id of the Indian bank that keeps the vostro account',
      });
    if (typeof request.reference !== 'string' || request.reference.length > SWEEP_REFERENCE_MAX)
      throw invalidField({
        field: 'reference',
        message: `the reference is text of at most ${SWEEP_REFERENCE_MAX} characters`,
      });
    const transferReference =
      request.reference.length === 0
        ? INSTRUMENT_TAG[request.instrument]
        : `${INSTRUMENT_TAG[request.instrument]}: ${request.reference}`;
    return this.ledger.transact(async (tx) => {
      const bank = await participantDocuments.get(tx, request.bank);
      if (bank === undefined)
        throw new HubError('participant_not_found', {
          field: 'bank',
          message: `no participant ${request.bank}`,
        });
      if (bank.kind !== 'bank')
        throw new HubError('participant_kind_mismatch', {
          field: 'bank',
          message: `${bank.id} is a ${bank.kind}, not a bank: only Russian banks' rupee surplus is swept`,
        });
      if (bank.country !== 'RU')
        throw new HubError('participant_kind_mismatch', {
          field: 'bank',
          message: `${bank.id} is a bank in ${bank.country}: only Russian banks' rupee surplus is swept`,
        });
      if (bank.status === 'suspended')
        throw new HubError('participant_suspended', {
          field: 'bank',
          message: `${bank.id} is suspended`,
        });
      const candidates = vostroAccounts(bank).filter(
        (account) => request.heldAt === undefined || account.heldAt === request.heldAt,
      );
      if (candidates.length === 0) {
        throw request.heldAt === undefined
          ? new HubError('account_not_found', {
              field: 'bank',
              message: `${bank.id} has no INR vostro account`,
            })
          : new HubError('account_not_found', {
              field: 'held_at',
              message: `${bank.id} has no INR vostro account kept by ${request.heldAt}`,
            });
      }
      if (candidates.length > 1)
        throw invalidField({
          field: 'held_at',
          message: `${bank.id} has INR vostro accounts at ${candidates.map((account) => account.heldAt).join(', ')}: name the one to sweep from`,
        });
      const from = candidates[0] as ParticipantAccount;
      const to = investmentAccount(bank)[0];
      if (to === undefined)
        throw new HubError('account_not_found', {
          field: 'bank',
          message: `${bank.id} has no INR investment account; open one first (role investment, currency INR)`,
        });
      const input: TransferInput = {
        id,
        debitAccountId: from.id,
        creditAccountId: to.id,
        amount: request.amountMinor,
        pendingId: ZERO_ID as TransferId,
        ledger: inr().ledger,
        code: TransferCode.sweep,
        flags: 0,
        timeoutSeconds: 0,
        reference: transferReference,
        userData64: 0n,
        userData32: SWEEP_INSTRUMENT_CODE[request.instrument],
      };
      const [result] = await tx.createTransfers([input]);
      const outcome: SweepResult = {
        id,
        status: 'created',
        bank: bank.id,
        from: from.id,
        to: to.id,
        heldAt: from.heldAt ?? '',
        amountMinor: request.amountMinor,
        currency: SURPLUS_CURRENCY,
        instrument: request.instrument,
        transferReference,
      };
      if (result === 'exists') return { ...outcome, status: 'exists' };
      if (result === 'exceeds_credits') {
        const account = (await tx.accounts([from.id])).get(from.id);
        const available =
          account === undefined
            ? 0n
            : account.creditsPosted - account.debitsPosted - account.debitsPending;
        throw new HubError('insufficient_funds', {
          field: 'amount',
          message: `${bank.id}'s INR vostro account at ${from.heldAt ?? '?'} has ${formatAmount(available, inr())} INR available; it cannot sweep ${formatAmount(request.amountMinor, inr())}`,
        });
      }
      if (result !== undefined && result.startsWith('exists_with_different'))
        throw new HubError('payment_refused', {
          field: 'id',
          message: `the sweep id was used before with different content (${result})`,
        });
      if (result !== 'ok')
        throw new HubError('payment_refused', {
          field: 'amount',
          message: `the ledger refused the sweep: ${result ?? 'no result'}`,
        });
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'surplus.sweep', id, {
          bank: bank.id,
          from: from.id,
          held_at: from.heldAt ?? '',
          to: to.id,
          amount: request.amountMinor.toString(),
          currency: SURPLUS_CURRENCY,
          instrument: request.instrument,
          reference: request.reference,
        }),
      ]);
      return outcome;
    });
  }

  private async series(
    kind: SurplusSeries['kind'],
    offset: number,
    points: readonly { label: string; atNs: bigint }[],
  ): Promise<SurplusSeries> {
    const banks = await this.russianBanks();
    const byBank: bigint[][] = banks.map(() => new Array<bigint>(points.length).fill(0n));
    const instants = points.map((point) => point.atNs);
    for (const [index, bank] of banks.entries()) {
      const row = byBank[index] as bigint[];
      for (const account of vostroAccounts(bank)) {
        const { balances } = await creditBalancesAtPoints(this.ledger.store, account.id, instants);
        balances.forEach((balance, at) => {
          row[at] = (row[at] as bigint) + balance;
        });
      }
    }
    return {
      currency: SURPLUS_CURRENCY,
      kind,
      utcOffsetMinutes: offset,
      banks: banks.map((bank) => ({ bank: bank.id, name: bank.name })),
      points: points.map((point, at) => {
        const values = byBank.map((row) => row[at] ?? 0n);
        return {
          label: point.label,
          atNs: point.atNs,
          byBankMinor: values,
          totalMinor: values.reduce((sum, value) => sum + value, 0n),
        };
      }),
    };
  }

  private async russianBanks(): Promise<ParticipantRecord[]> {
    return (await this.registry.all())
      .filter((participant) => participant.kind === 'bank' && participant.country === 'RU')
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

function vostroAccounts(bank: ParticipantRecord): ParticipantAccount[] {
  return bank.accounts.filter(
    (account) => account.role === 'vostro' && account.currency === SURPLUS_CURRENCY,
  );
}

function investmentAccount(bank: ParticipantRecord): ParticipantAccount[] {
  return bank.accounts.filter(
    (account) => account.role === 'investment' && account.currency === SURPLUS_CURRENCY,
  );
}

function inr(): Currency {
  const currency = currencyByCode(SURPLUS_CURRENCY);
  if (currency === undefined) throw new Error('bug: INR is not in the currency table');
  return currency;
}
