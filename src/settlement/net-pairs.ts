/**
 * From the exact total of every ordered pair (who paid whom, in one currency) to everything netting
 * reports: gross, multilateral positions and instructions through the hub, bilateral positions and
 * instructions, money moved and efficiencies. The definitions are in `netting.ts`; this file is the
 * arithmetic, kept apart from accumulation so that it runs once per window, over at most one entry
 * per pair of participants, not once per payment.
 */
import type { Currency } from '../ledger/currency.js';
import { nettingEfficiency } from './efficiency.js';
import type { BilateralInstruction, BilateralPosition, CurrencyNetting, NetPosition, SettlementInstruction } from './netting.js';
import type { PairTotal } from './pair-sums.js';

export interface NetPairsContext {
  /** Participant ids by index. */
  readonly names: readonly string[];
  /** rank[index]: the participant's position in id order, for sorting without comparing strings. */
  readonly rank: Int32Array;
  readonly transferCount: number;
  readonly onUsCount: number;
  /** Decimals of the efficiency texts. */
  readonly digits: number;
}

/** Sorts `values` by a numeric key computed once per value. */
function sortByKey<T>(values: T[], key: (value: T) => number): T[] {
  const keys = values.map(key);
  const order = values.map((_, index) => index).sort((a, b) => keys[a]! - keys[b]!);
  return order.map((index) => values[index]!);
}

/** Nets one currency from its pair totals (each pair with a positive total, any order). */
export function netPairTotals(currency: Currency, totals: readonly PairTotal[], context: NetPairsContext): CurrencyNetting {
  const { names, rank } = context;
  const count = names.length;
  const debits = new Map<number, bigint>();
  const credits = new Map<number, bigint>();
  const byPair = new Map<number, bigint>();
  let gross = 0n;
  for (const { debit, credit, amount } of totals) {
    gross += amount;
    debits.set(debit, (debits.get(debit) ?? 0n) + amount);
    credits.set(credit, (credits.get(credit) ?? 0n) + amount);
    byPair.set(debit * count + credit, amount);
  }

  // Bilateral: each unordered pair once, oriented A < B by id.
  let bilateral: BilateralPosition[] = [];
  const bilateralKeys = new Map<BilateralPosition, number>();
  let bilateralInstructions: BilateralInstruction[] = [];
  const instructionKeys = new Map<BilateralInstruction, number>();
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
    const position: BilateralPosition = { participantA: names[a]!, participantB: names[b]!, aToBMinor: aToB, bToAMinor: bToA, netMinor: net };
    bilateral.push(position);
    bilateralKeys.set(position, rank[a]! * count + rank[b]!);
    if (net !== 0n) {
      const [payer, payee, owed] = net < 0n ? [a, b, -net] : [b, a, net];
      const instruction: BilateralInstruction = { payer: names[payer]!, payee: names[payee]!, amountMinor: owed };
      bilateralInstructions.push(instruction);
      instructionKeys.set(instruction, rank[payer]! * count + rank[payee]!);
      bilateralMoved += owed;
    }
  }
  bilateral = sortByKey(bilateral, (position) => bilateralKeys.get(position)!);
  bilateralInstructions = sortByKey(bilateralInstructions, (instruction) => instructionKeys.get(instruction)!);

  // Multilateral: positions, then pay-ins (net < 0) and pay-outs (net > 0) through the hub.
  const participants = new Set<number>([...debits.keys(), ...credits.keys()]);
  const order = [...participants].sort((x, y) => rank[x]! - rank[y]!);
  const positions: NetPosition[] = [];
  const payIns: SettlementInstruction[] = [];
  const payOuts: SettlementInstruction[] = [];
  let moved = 0n;
  for (const index of order) {
    const debitsMinor = debits.get(index) ?? 0n;
    const creditsMinor = credits.get(index) ?? 0n;
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
    efficiency: nettingEfficiency(gross, moved, context.digits),
    bilateral,
    bilateralInstructions,
    bilateralMovedMinor: bilateralMoved,
    bilateralEfficiency: nettingEfficiency(gross, bilateralMoved, context.digits),
  };
}
