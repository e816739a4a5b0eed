/**
 * From the exact total of every ordered pair (who paid whom, in one currency) to everything netting
 * reports: gross, multilateral positions and instructions through the hub, bilateral positions and
 * instructions, money moved and efficiencies. The definitions are in `netting.ts`; this file is the
 * arithmetic, kept apart from accumulation so that it runs once per window, over at most one entry
 * per pair of participants, not once per payment. The shapes of its results are here too, and
 * `netting.ts` re-exports them, so that the dependency runs one way: netting → net-pairs.
 */
import type { Currency } from '../ledger/currency.js';
import { nettingEfficiency, type NettingEfficiency } from './efficiency.js';
import type { PairTotal } from './pair-sums.js';

/** A participant's totals in one currency over the window. */
export interface NetPosition {
  readonly participant: string;
  /** What it paid to other participants. */
  readonly debitsMinor: bigint;
  /** What other participants paid it. */
  readonly creditsMinor: bigint;
  /** creditsMinor − debitsMinor: positive, the hub pays it; negative, it pays the hub. */
  readonly netMinor: bigint;
}

/** One movement through the central settlement account: `pay_in` participant → hub, `pay_out` hub → participant. */
export interface SettlementInstruction {
  readonly kind: 'pay_in' | 'pay_out';
  readonly participant: string;
  /** Minor units, > 0. */
  readonly amountMinor: bigint;
}

/** The payments between one pair of participants, A < B by id. */
export interface BilateralPosition {
  readonly participantA: string;
  readonly participantB: string;
  /** Σ of what A paid B. */
  readonly aToBMinor: bigint;
  /** Σ of what B paid A. */
  readonly bToAMinor: bigint;
  /** From A's side: bToAMinor − aToBMinor (positive, B owes A). */
  readonly netMinor: bigint;
}

/** A bilateral settlement: `payer` pays `payee` directly. */
export interface BilateralInstruction {
  readonly payer: string;
  readonly payee: string;
  /** Minor units, > 0. */
  readonly amountMinor: bigint;
}

/** Everything netting says about one currency. Lists are sorted by participant id (instructions: pay-ins first). */
export interface CurrencyNetting {
  readonly currency: string;
  readonly ledger: number;
  /** Interbank items netted. */
  readonly transferCount: number;
  /** On-us items (both sides the same participant), not netted. */
  readonly onUsCount: number;
  readonly grossMinor: bigint;
  /** One per participant with at least one interbank item in this currency. */
  readonly positions: readonly NetPosition[];
  /** Multilateral settlement through the hub; nothing for a participant whose net is 0. */
  readonly instructions: readonly SettlementInstruction[];
  /** Σ pay-ins (= Σ pay-outs = ½ Σ |net|). */
  readonly movedMinor: bigint;
  /** 1 − movedMinor / grossMinor; null when grossMinor is 0. */
  readonly efficiency: NettingEfficiency | null;
  /** One per pair of participants with at least one item between them (empty with `bilateral: false`). */
  readonly bilateral: readonly BilateralPosition[];
  /** One per pair whose bilateral net is not 0 (empty with `bilateral: false`). */
  readonly bilateralInstructions: readonly BilateralInstruction[];
  /** Σ |bilateral net| over pairs. */
  readonly bilateralMovedMinor: bigint;
  /** 1 − bilateralMovedMinor / grossMinor; null when grossMinor is 0. */
  readonly bilateralEfficiency: NettingEfficiency | null;
}

export interface NetPairsContext {
  /** Participant ids by index. */
  readonly names: readonly string[];
  /** rank[index]: the participant's position in id order, for sorting without comparing strings. */
  readonly rank: Int32Array;
  readonly transferCount: number;
  readonly onUsCount: number;
  /** Decimals of the efficiency texts. */
  readonly digits: number;
  /** Whether to build the bilateral lists (their totals are computed either way). */
  readonly bilateralLists: boolean;
}

/**
 * `values` ordered by `keys` (parallel arrays of non-negative integers below `keyLimit`). When
 * key · n + index stays an exact double, the pairs are packed into one Float64Array and sorted
 * natively, several times faster than a comparator over 10 000 entries; otherwise a comparator.
 */
function sortedBy<T>(values: readonly T[], keys: readonly number[], keyLimit: number): T[] {
  const n = values.length;
  if (keyLimit * n <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let index = 0; index < n; index++) packed[index] = keys[index]! * n + index;
    packed.sort();
    const sorted: T[] = new Array<T>(n);
    for (let position = 0; position < n; position++)
      sorted[position] = values[packed[position]! % n]!;
    return sorted;
  }
  const order = values.map((_, index) => index).sort((a, b) => keys[a]! - keys[b]!);
  return order.map((index) => values[index]!);
}

/** Nets one currency from its pair totals (each pair with a positive total, each pair once, any order). */
export function netPairTotals(
  currency: Currency,
  totals: readonly PairTotal[],
  context: NetPairsContext,
): CurrencyNetting {
  const { names, rank } = context;
  const count = names.length;
  const debits: bigint[] = new Array<bigint>(count).fill(0n);
  const credits: bigint[] = new Array<bigint>(count).fill(0n);
  const present = new Uint8Array(count);
  const byPair = new Map<number, bigint>();
  let gross = 0n;
  for (const { debit, credit, amount } of totals) {
    gross += amount;
    debits[debit]! += amount;
    credits[credit]! += amount;
    present[debit] = 1;
    present[credit] = 1;
    byPair.set(debit * count + credit, amount);
  }

  // Bilateral: each unordered pair once, oriented A < B by id.
  const bilateral: BilateralPosition[] = [];
  const bilateralKeys: number[] = [];
  const bilateralInstructions: BilateralInstruction[] = [];
  const instructionKeys: number[] = [];
  let bilateralMoved = 0n;
  for (const { debit, credit, amount } of totals) {
    const back = byPair.get(credit * count + debit);
    if (back !== undefined && credit < debit) continue; // seen from the other side
    const reverse = back ?? 0n;
    const debitFirst = rank[debit]! < rank[credit]!;
    const a = debitFirst ? debit : credit;
    const b = debitFirst ? credit : debit;
    const aToB = debitFirst ? amount : reverse;
    const bToA = debitFirst ? reverse : amount;
    const net = bToA - aToB;
    if (context.bilateralLists) {
      bilateral.push({
        participantA: names[a]!,
        participantB: names[b]!,
        aToBMinor: aToB,
        bToAMinor: bToA,
        netMinor: net,
      });
      bilateralKeys.push(rank[a]! * count + rank[b]!);
    }
    if (net !== 0n) {
      const payer = net < 0n ? a : b;
      const payee = net < 0n ? b : a;
      const owed = net < 0n ? -net : net;
      if (context.bilateralLists) {
        bilateralInstructions.push({
          payer: names[payer]!,
          payee: names[payee]!,
          amountMinor: owed,
        });
        instructionKeys.push(rank[payer]! * count + rank[payee]!);
      }
      bilateralMoved += owed;
    }
  }

  // Multilateral: positions, then pay-ins (net < 0) and pay-outs (net > 0) through the hub.
  const order: number[] = [];
  for (let index = 0; index < count; index++) if (present[index] === 1) order.push(index);
  order.sort((x, y) => rank[x]! - rank[y]!);
  const positions: NetPosition[] = [];
  const payIns: SettlementInstruction[] = [];
  const payOuts: SettlementInstruction[] = [];
  let moved = 0n;
  for (const index of order) {
    const debitsMinor = debits[index]!;
    const creditsMinor = credits[index]!;
    const netMinor = creditsMinor - debitsMinor;
    const participant = names[index]!;
    positions.push({ participant, debitsMinor, creditsMinor, netMinor });
    if (netMinor < 0n) {
      payIns.push({ kind: 'pay_in', participant, amountMinor: -netMinor });
      moved -= netMinor;
    } else if (netMinor > 0n) {
      payOuts.push({ kind: 'pay_out', participant, amountMinor: netMinor });
    }
  }

  return {
    currency: currency.code,
    ledger: currency.ledger,
    transferCount: context.transferCount,
    onUsCount: context.onUsCount,
    grossMinor: gross,
    positions,
    instructions: [...payIns, ...payOuts],
    movedMinor: moved,
    efficiency: nettingEfficiency({ grossMinor: gross, movedMinor: moved }, context.digits),
    bilateral: sortedBy(bilateral, bilateralKeys, count * count),
    bilateralInstructions: sortedBy(bilateralInstructions, instructionKeys, count * count),
    bilateralMovedMinor: bilateralMoved,
    bilateralEfficiency: nettingEfficiency(
      { grossMinor: gross, movedMinor: bilateralMoved },
      context.digits,
    ),
  };
}
