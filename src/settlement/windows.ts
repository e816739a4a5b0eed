import { Type } from '@sinclair/typebox';
import { currencyByCode } from '../ledger/currency.js';
import { AccountFlags, TransferFlags } from '../ledger/flags.js';
import { BATCH_MAX } from '../ledger/model.js';
import { newTransferId, type AccountId } from '../ledger/ids.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { decimalString, documentKind, oneOf, strict } from '../domain/documents.js';
import { HubError } from '../domain/errors.js';
import { participantAccountId } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import type { EventInput } from '../store/events.js';
import type { JsonObject } from '../store/records.js';
import type { PairTotal } from '../store/store.js';
import { capDocuments, capKey, type CapRecord } from './caps.js';
import { NETTED_CODES, TransferCode } from './codes.js';
import { chainInputs, chainOutcome, type Leg } from './legs.js';
import { NettingAccumulator, type CurrencyNetting } from './netting.js';

export const WINDOWS = 'windows';
const HEADS = 'window_heads';

/**
 * Settlement windows. Each currency has one open window at a time; window n holds every transfer
 * with openedAfter < timestamp ≤ closedAt. Closing is a write transaction ordered with every
 * batch, and its boundary is the newest timestamp written before it, so a transfer in flight at the
 * moment of closing lands in exactly one window: in the closed one if its batch was ordered before
 * the close, else in the next. The same transaction restores every settling participant's cap
 * headroom for the new window (posted cap balance back to its cap; reservations of pending
 * payments stay, and count against the new window, where they will post).
 *
 * Settling a closed window nets its interbank payments (netting.ts) and writes the instructions as
 * transfers through the hub's settlement account, all linked: each participant with a negative
 * net pays it from its settlement account in, each with a positive net is paid out.
 *
 * Each writes its event in its own transaction (docs/events.md): `window.closed` for every
 * participant that settles in the currency, `window.settled` for every participant the netting
 * names. A refused close or settlement writes neither.
 */
export interface WindowRecord {
  readonly id: string;
  readonly currency: string;
  readonly seq: number;
  readonly status: 'open' | 'closed' | 'settled';
  /** Timestamps (ns, decimal strings): the window holds openedAfter < t ≤ closedAt. */
  readonly openedAfter: string;
  readonly closedAt?: string;
  readonly openedAtIso: string;
  readonly closedAtIso?: string;
  readonly closedBy?: string;
  readonly settledAtIso?: string;
  /** The settlement transfers' ids, once settled. */
  readonly settlementTransfers?: readonly string[];
  /** Closed windows: the ledger's tally period that ended with the window (see netTotals). */
  readonly tally?: {
    readonly period: number;
    readonly since: string;
    readonly codes: readonly number[];
  };
}

/** The windows' documents, under `currency:seq` (see `windowKey`). */
const windowDocuments = documentKind<WindowRecord>(
  WINDOWS,
  Type.Object(
    {
      id: Type.String(),
      currency: Type.String(),
      seq: Type.Integer({ minimum: 1 }),
      status: oneOf(['open', 'closed', 'settled']),
      openedAfter: decimalString(),
      closedAt: Type.Optional(decimalString()),
      openedAtIso: Type.String(),
      closedAtIso: Type.Optional(Type.String()),
      closedBy: Type.Optional(Type.String()),
      settledAtIso: Type.Optional(Type.String()),
      settlementTransfers: Type.Optional(Type.Array(Type.String())),
      tally: Type.Optional(
        Type.Object(
          {
            period: Type.Integer({ minimum: 0 }),
            since: decimalString(),
            codes: Type.Array(Type.Integer({ minimum: 0 })),
          },
          strict,
        ),
      ),
    },
    strict,
  ),
);

/** Per currency, the sequence number of its open window (absent until its first close). */
const headDocuments = documentKind<{ readonly seq: number }>(
  HEADS,
  Type.Object({ seq: Type.Integer({ minimum: 1 }) }, strict),
);

export interface WindowNetting {
  readonly window: WindowRecord;
  readonly netting: CurrencyNetting | undefined;
  /** Transfers of the window's currency with a netted code (interbank or not). */
  readonly transfersScanned: number;
}

/** Closed windows whose netting a WindowService keeps in memory (the newest computed). */
const NETTINGS_KEPT = 64;
const nettingKey = (window: WindowRecord): string => `${window.id}@${window.closedAt ?? ''}`;

export class WindowService {
  private readonly nettings = new Map<string, Omit<WindowNetting, 'window'>>();

  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
  ) {}

  /**
   * Makes the ledger tally the netted codes per account pair (a no-op once it does), so that
   * netting a window reads its period's tallies instead of scanning its transfers. Tallies hold only
   * transfers between tallied accounts, so a database whose participant accounts were opened before
   * the hub opened them tallied keeps netting by scanning (returns false): tallies would miss them.
   */
  async prepare(): Promise<boolean> {
    const ids = (await this.registry.all()).flatMap((participant) =>
      participant.accounts.map((account) => account.id),
    );
    for (let start = 0; start < ids.length; start += BATCH_MAX) {
      const accounts = await this.ledger.lookupAccounts(ids.slice(start, start + BATCH_MAX));
      if (accounts.some((account) => (account.flags & AccountFlags.tallied) === 0)) return false;
    }
    await this.ledger.configureTallies([...NETTED_CODES]);
    return true;
  }

  /** The open window of a currency (window 1 until the first close). */
  async current(currency: string): Promise<WindowRecord> {
    const code = checkCurrency(currency);
    const head = await headDocuments.get(this.ledger.store, code);
    if (head === undefined) return firstWindow(code);
    const found = await windowDocuments.get(this.ledger.store, windowKey(code, head.seq));
    if (found === undefined)
      throw new Error(`bug: the head of ${code} names window ${head.seq}, which is missing`);
    return found;
  }

  async find(id: string): Promise<WindowRecord | undefined> {
    const parsed = parseWindowId(id);
    const found = await windowDocuments.get(
      this.ledger.store,
      windowKey(parsed.currency, parsed.seq),
    );
    if (found !== undefined) return found;
    // Window 1 is open, without a document, until the currency's first close.
    const head = await headDocuments.get(this.ledger.store, parsed.currency);
    return parsed.seq === 1 && head === undefined ? firstWindow(parsed.currency) : undefined;
  }

  async get(id: string): Promise<WindowRecord> {
    const window = await this.find(id);
    if (window === undefined)
      throw new HubError('window_not_found', { field: 'window', message: `no window ${id}` });
    return window;
  }

  async list(currency: string, limit = 100): Promise<WindowRecord[]> {
    const code = checkCurrency(currency);
    const stored = await windowDocuments.list(this.ledger.store, { prefix: `${code}:`, limit });
    const open = await this.current(code);
    return stored.some((window) => window.id === open.id) ? stored : [...stored, open];
  }

  /**
   * Closes the open window of `currency` (or, when `expectedId` is given, refuses unless that is the
   * open one: closing a window twice is an error, not a no-op) and opens the next.
   */
  async close(
    currency: string,
    actor: Actor,
    expectedId?: string,
  ): Promise<{ closed: WindowRecord; opened: WindowRecord }> {
    const code = checkCurrency(currency);
    const settling = (await this.registry.all()).filter((participant) =>
      participant.accounts.some((account) => account.role === 'cap' && account.currency === code),
    );
    return this.ledger.transact(async (tx) => {
      const capRecords = await capDocuments.getMany(
        tx,
        settling.map((participant) => capKey(participant.id, code)),
      );
      const caps = [...capRecords.values()];
      const seq = (await headDocuments.get(tx, code))?.seq ?? 1;
      const open = (await windowDocuments.get(tx, windowKey(code, seq))) ?? firstWindow(code);
      if (expectedId !== undefined && expectedId !== open.id) {
        const expected = parseWindowId(expectedId);
        if (expected.currency !== code || expected.seq > seq)
          throw new HubError('window_not_found', {
            field: 'window',
            message: `no window ${expectedId}`,
          });
        throw new HubError('window_already_closed', {
          field: 'window',
          message: `window ${expectedId} is closed already; the open ${code} window is ${open.id}`,
        });
      }
      const boundary = await tx.lastTimestamp();
      // The ledger's pair tallies begin a new period at the same boundary as the next window.
      const ended = await tx.startTallyPeriod(currencyByCode(code)?.ledger ?? 0);
      const nowIso = isoOf(tx.nowNs);
      const closed: WindowRecord = {
        ...open,
        status: 'closed',
        closedAt: boundary.toString(),
        closedAtIso: nowIso,
        closedBy: actor.id,
        ...(ended === undefined
          ? {}
          : {
              tally: {
                period: ended.period,
                since: ended.since.toString(),
                codes: [...ended.codes],
              },
            }),
      };
      const opened: WindowRecord = {
        id: windowId(code, seq + 1),
        currency: code,
        seq: seq + 1,
        status: 'open',
        openedAfter: boundary.toString(),
        openedAtIso: nowIso,
      };
      await this.resetCaps(tx, code, caps);
      await tx.putRecords([
        windowDocuments.put(windowKey(code, seq), closed),
        windowDocuments.put(windowKey(code, seq + 1), opened),
        headDocuments.put(code, { seq: seq + 1 }),
      ]);
      await tx.appendEvents([
        windowClosedEvent(
          closed,
          opened,
          settling.map((participant) => participant.id),
          tx.nowNs,
        ),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'windows.close', closed.id, {
          boundary: boundary.toString(),
          next: opened.id,
        }),
      ]);
      return { closed, opened };
    });
  }

  /** Nets a closed window's interbank payments (posted ones: pending reservations and voids move nothing). */
  async net(id: string): Promise<WindowNetting> {
    const [netting] = await this.netMany([id]);
    if (netting === undefined) throw new Error('bug: netting of one window came back empty');
    return netting;
  }

  /**
   * Nets several closed windows (of different currencies) in one pass over the store: the windows
   * the scheduler closes together cover the same stretch of the ledger, and the database reads it
   * once for all of them.
   */
  async netMany(ids: readonly string[]): Promise<WindowNetting[]> {
    const windows: WindowRecord[] = [];
    for (const id of ids) {
      const window = await this.get(id);
      if (window.status === 'open' || window.closedAt === undefined)
        throw new HubError('window_not_closed', {
          field: 'window',
          message: `window ${id} is still open; close it first`,
        });
      if (windows.some((other) => other.currency === window.currency))
        throw new HubError('invalid_field', {
          field: 'window',
          message: `two windows of ${window.currency}: net them one at a time`,
        });
      windows.push(window);
    }
    // A closed window's transfers are frozen, and so is its netting: computed once per process.
    const missing = windows.filter((window) => !this.nettings.has(nettingKey(window)));
    if (missing.length > 0) {
      for (const [key, computed] of await this.compute(missing)) {
        this.nettings.set(key, computed);
        if (this.nettings.size > NETTINGS_KEPT)
          this.nettings.delete(this.nettings.keys().next().value as string);
      }
    }
    return windows.map((window) => {
      const computed = this.nettings.get(nettingKey(window));
      if (computed === undefined) throw new Error(`bug: no netting for ${window.id}`);
      return { window, ...computed };
    });
  }

  private async compute(
    windows: readonly WindowRecord[],
  ): Promise<Map<string, Omit<WindowNetting, 'window'>>> {
    await this.registry.loadDirectory();
    const settlesWith = new Map<string, string>();
    const lookup = async (account: string): Promise<string | undefined> => {
      if (!settlesWith.has(account))
        settlesWith.set(
          account,
          (await this.registry.account(account as AccountId))?.settlesWith ?? '',
        );
      return settlesWith.get(account) || undefined;
    };
    // Sums by ledger and account pair (windows have millions of rows but few pairs); the pairs'
    // accounts are then resolved to the participants they settle with.
    const pairs = await this.pairTotals(windows);
    const accumulator = new NettingAccumulator();
    const scanned = new Map<number, number>();
    for (const pair of pairs) {
      scanned.set(pair.ledger, (scanned.get(pair.ledger) ?? 0) + pair.count);
      const from = await lookup(pair.debitAccountId);
      const to = await lookup(pair.creditAccountId);
      if (from !== undefined && to !== undefined)
        accumulator.addAggregate(from, to, pair.ledger, pair.amount, pair.count);
    }
    const result = accumulator.result();
    return new Map(
      windows.map((window) => [
        nettingKey(window),
        {
          netting: result.currencies.find((entry) => entry.currency === window.currency),
          transfersScanned: scanned.get(currencyByCode(window.currency)?.ledger ?? 0) ?? 0,
        },
      ]),
    );
  }

  /**
   * The netted codes' totals per account pair of closed windows. A window whose ledger tally period
   * covers exactly its transfers is read from the tallies (a few thousand rows); the others (closed
   * before the database tallied, or tallying other codes) are summed from their transfers. A period
   * covers a window when it began at the window's start, or later with no netted transfer between
   * the two (the hub configures tallies when it starts, after its accounts but before any payment).
   */
  private async pairTotals(windows: readonly WindowRecord[]): Promise<PairTotal[]> {
    const tallied: { ledger: number; period: number }[] = [];
    const scanned: { ledger: number; firstTimestamp: bigint; lastTimestamp: bigint }[] = [];
    const codes = [...NETTED_CODES];
    const excludeFlags = TransferFlags.pending | TransferFlags.voidPending;
    for (const window of windows) {
      const ledger = currencyByCode(window.currency)?.ledger ?? 0;
      const first = BigInt(window.openedAfter) + 1n;
      const range = {
        ledger,
        firstTimestamp: first,
        lastTimestamp: BigInt(window.closedAt ?? '0'),
      };
      const tally = window.tally;
      if (
        tally === undefined ||
        !codes.every((code) => tally.codes.includes(code)) ||
        BigInt(tally.since) < first - 1n
      ) {
        scanned.push(range);
        continue;
      }
      const gap =
        BigInt(tally.since) >= first
          ? await this.ledger.store.pairTotals({
              parts: [{ ledger, firstTimestamp: first, lastTimestamp: BigInt(tally.since) }],
              codes,
              excludeFlags,
            })
          : [];
      if (gap.length === 0) tallied.push({ ledger, period: tally.period });
      else scanned.push(range);
    }
    const fromTallies =
      tallied.length === 0 ? [] : await this.ledger.store.tallies({ parts: tallied, codes });
    const fromTransfers =
      scanned.length === 0
        ? []
        : await this.ledger.store.pairTotals({ parts: scanned, codes, excludeFlags });
    return [...fromTallies, ...fromTransfers];
  }

  /** Writes a closed window's settlement instructions as transfers, all or none, and marks it settled. */
  async settle(
    id: string,
    actor: Actor,
  ): Promise<{ window: WindowRecord; netting: CurrencyNetting | undefined }> {
    const { window, netting } = await this.net(id);
    if (window.status === 'settled')
      throw new HubError('window_already_settled', {
        field: 'window',
        message: `window ${id} is settled already`,
      });
    const hubAccount = participantAccountId(HUB_ID, window.currency, 'hub_settlement');
    const legs: Leg[] = (netting?.instructions ?? []).map((instruction) => {
      const own = participantAccountId(instruction.participant, window.currency, 'settlement');
      const reference = `settlement ${window.id} ${instruction.participant}`;
      return instruction.kind === 'pay_in'
        ? {
            kind: 'settlement',
            debit: own,
            credit: hubAccount,
            amount: instruction.amountMinor,
            currency: window.currency,
            code: TransferCode.settlement,
            reference,
          }
        : {
            kind: 'settlement',
            debit: hubAccount,
            credit: own,
            amount: instruction.amountMinor,
            currency: window.currency,
            code: TransferCode.settlement,
            reference,
          };
    });
    const operationId = newTransferId();
    const inputs = chainInputs(operationId, legs);
    const settled = await this.ledger.transact(async (tx) => {
      const current = await windowDocuments.get(tx, windowKey(window.currency, window.seq));
      if (current?.status === 'settled')
        throw new HubError('window_already_settled', {
          field: 'window',
          message: `window ${id} is settled already`,
        });
      if (inputs.length > 0) {
        try {
          chainOutcome(legs, await tx.createTransfers(inputs), { payerField: 'window' });
        } catch (error) {
          if (error instanceof HubError && error.code === 'insufficient_funds') {
            throw new HubError('insufficient_funds', {
              field: 'window',
              message: `a participant's settlement account cannot cover its pay-in for ${id}: ${error.message}`,
            });
          }
          throw error;
        }
      }
      const settled: WindowRecord = {
        ...window,
        status: 'settled',
        settledAtIso: isoOf(tx.nowNs),
        settlementTransfers: inputs.map((input) => input.id),
      };
      await tx.putRecords([windowDocuments.put(windowKey(window.currency, window.seq), settled)]);
      await tx.appendEvents([
        windowSettledEvent(
          settled,
          inputs.map((input) => input.id),
          netting,
          actor,
          tx.nowNs,
        ),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'windows.settle', window.id, {
          instructions: legs.length,
          moved: (netting?.movedMinor ?? 0n).toString(),
        }),
      ]);
      return settled;
    });
    return { window: settled, netting };
  }

  /** Posted balance of each cap account back to max(cap, pending reservations): see the class comment. */
  private async resetCaps(
    tx: LedgerTransaction,
    currency: string,
    caps: readonly CapRecord[],
  ): Promise<void> {
    if (caps.length === 0) return;
    const ids = caps.map((cap) => participantAccountId(cap.participant, currency, 'cap'));
    const accounts = await tx.accounts(ids);
    const source = participantAccountId(HUB_ID, currency, 'cap_source');
    const legs: Leg[] = [];
    caps.forEach((cap, index) => {
      const account = accounts.get(ids[index] as AccountId);
      if (account === undefined) return;
      const capMinor = BigInt(cap.capMinor);
      const target = capMinor > account.debitsPending ? capMinor : account.debitsPending;
      const delta = target - (account.creditsPosted - account.debitsPosted);
      const reference = `window reset ${cap.participant} ${currency}`;
      if (delta > 0n)
        legs.push({
          kind: 'cap_reset',
          debit: source,
          credit: account.id,
          amount: delta,
          currency,
          code: TransferCode.capReset,
          reference,
        });
      if (delta < 0n)
        legs.push({
          kind: 'cap_reset',
          debit: account.id,
          credit: source,
          amount: -delta,
          currency,
          code: TransferCode.capReset,
          reference,
        });
    });
    if (legs.length === 0) return;
    const results = await tx.createTransfers(chainInputs(newTransferId(), legs));
    if (results.some((result) => result !== 'ok'))
      throw new Error(`bug: resetting cap headroom was refused: ${results.join(', ')}`);
  }
}

/**
 * The window's own fields in its events, as the window view shows them (src/views/windows.ts):
 * `closedAt` is the boundary (the ledger timestamp, ns, of the window's last possible transfer),
 * the `…Iso` fields wall-clock times; the event's own `at` is the ns stamp of the close or settlement.
 */
function windowEventFields(window: WindowRecord): JsonObject {
  const fields = {
    id: window.id,
    currency: window.currency,
    seq: window.seq,
    status: window.status,
    openedAfter: window.openedAfter,
    closedAt: window.closedAt,
    openedAtIso: window.openedAtIso,
    closedAtIso: window.closedAtIso,
    closedBy: window.closedBy,
    settledAtIso: window.settledAtIso,
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as JsonObject;
}

/**
 * `window.closed`, written in the transaction that closes the window. Its participants are every
 * participant that settles in the currency (a cap account in it: the close restores their cap
 * headroom), which includes everyone with a position in the window. The netting is not in it: it
 * reads the window's transfers, which the store cannot read from inside the write that closes
 * it (on SQLite such a read waits for that very write); `window.settled` carries it.
 */
function windowClosedEvent(
  closed: WindowRecord,
  opened: WindowRecord,
  settling: readonly string[],
  nowNs: bigint,
): EventInput {
  return {
    type: 'window.closed',
    subject: closed.id,
    participants: settling.filter((participant) => participant !== HUB_ID),
    data: { ...windowEventFields(closed), next: opened.id },
    at: nowNs,
  };
}

/**
 * `window.settled`, written in the transaction that writes the settlement instructions. Its
 * participants are those the netting names: everyone with a position (every participant with an
 * interbank payment in the window, which includes every bilateral position and instruction).
 * Amounts are minor units as decimal strings; `instructionsTotal` is the sum of the instructions'
 * amounts (pay-ins and pay-outs alike: twice `moved`).
 */
function windowSettledEvent(
  settled: WindowRecord,
  settlementTransfers: readonly string[],
  netting: CurrencyNetting | undefined,
  actor: Actor,
  nowNs: bigint,
): EventInput {
  const parties = new Set<string>();
  for (const position of netting?.positions ?? []) parties.add(position.participant);
  for (const instruction of netting?.instructions ?? []) parties.add(instruction.participant);
  parties.delete(HUB_ID);
  const instructions = netting?.instructions ?? [];
  return {
    type: 'window.settled',
    subject: settled.id,
    participants: [...parties],
    data: {
      ...windowEventFields(settled),
      settledBy: actor.id,
      transfers: netting?.transferCount ?? 0,
      onUs: netting?.onUsCount ?? 0,
      gross: (netting?.grossMinor ?? 0n).toString(),
      moved: (netting?.movedMinor ?? 0n).toString(),
      efficiency: netting?.efficiency?.text ?? null,
      instructions: instructions.length,
      instructionsTotal: instructions
        .reduce((sum, instruction) => sum + instruction.amountMinor, 0n)
        .toString(),
      settlementTransfers: [...settlementTransfers],
    },
    at: nowNs,
  };
}

export function windowId(currency: string, seq: number): string {
  return `${currency}-${seq}`;
}

function windowKey(currency: string, seq: number): string {
  return `${currency}:${String(seq).padStart(10, '0')}`;
}

function parseWindowId(id: string): { currency: string; seq: number } {
  const match = /^([A-Z]{3})-([1-9][0-9]{0,9})$/.exec(id);
  if (match === null || currencyByCode(match[1] ?? '') === undefined)
    throw new HubError('window_not_found', {
      field: 'window',
      message: `${JSON.stringify(id)} is not a window id such as INR-12`,
    });
  return { currency: match[1] ?? '', seq: Number(match[2]) };
}

function firstWindow(currency: string): WindowRecord {
  return {
    id: windowId(currency, 1),
    currency,
    seq: 1,
    status: 'open',
    openedAfter: '0',
    openedAtIso: new Date(0).toISOString(),
  };
}

function checkCurrency(currency: string): string {
  const code = currencyByCode(currency)?.code;
  if (code === undefined || code !== currency)
    throw new HubError('unknown_currency', {
      field: 'currency',
      message: `${JSON.stringify(currency)} is not a supported ISO 4217 code`,
    });
  return code;
}

function isoOf(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
