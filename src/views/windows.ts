import type {
  BilateralPosition,
  CurrencyNetting,
  NetPosition,
  SettlementInstruction,
} from '../settlement/netting.js';
import type { WindowRecord } from '../settlement/windows.js';
import { amountsIn, type AmountText } from './amounts.js';

/**
 * Settlement windows and their netting as the API (`/v1/windows…`) and the CLI's `window …` and
 * `positions … --json` show them: amounts as decimal strings in the window's currency.
 */

/** A window; its tally period is the ledger's bookkeeping, not part of the answer. */
export function windowJson(window: WindowRecord) {
  return {
    id: window.id,
    currency: window.currency,
    seq: window.seq,
    status: window.status,
    openedAfter: window.openedAfter,
    ...(window.closedAt === undefined ? {} : { closedAt: window.closedAt }),
    openedAtIso: window.openedAtIso,
    ...(window.closedAtIso === undefined ? {} : { closedAtIso: window.closedAtIso }),
    ...(window.closedBy === undefined ? {} : { closedBy: window.closedBy }),
    ...(window.settledAtIso === undefined ? {} : { settledAtIso: window.settledAtIso }),
    ...(window.settlementTransfers === undefined
      ? {}
      : { settlementTransfers: [...window.settlementTransfers] }),
  };
}

function positionJson(position: NetPosition, amount: AmountText) {
  return {
    participant: position.participant,
    debits: amount(position.debitsMinor),
    credits: amount(position.creditsMinor),
    net: amount(position.netMinor),
  };
}

function instructionJson(instruction: SettlementInstruction, amount: AmountText) {
  return {
    kind: instruction.kind,
    participant: instruction.participant,
    amount: amount(instruction.amountMinor),
  };
}

/** A closed window's net positions, settlement instructions, bilateral instructions and efficiency. */
export function positionsJson(window: WindowRecord, netting: CurrencyNetting | undefined) {
  const amount = amountsIn(window.currency);
  return {
    window: windowJson(window),
    currency: window.currency,
    transfers: netting?.transferCount ?? 0,
    gross: amount(netting?.grossMinor ?? 0n),
    moved: amount(netting?.movedMinor ?? 0n),
    efficiency: netting?.efficiency?.text ?? null,
    positions: (netting?.positions ?? []).map((position) => positionJson(position, amount)),
    instructions: (netting?.instructions ?? []).map((instruction) =>
      instructionJson(instruction, amount),
    ),
    bilateralInstructions: (netting?.bilateralInstructions ?? []).map((instruction) => ({
      payer: instruction.payer,
      payee: instruction.payee,
      amount: amount(instruction.amountMinor),
    })),
  };
}

/**
 * One participant's share of a window's netting: its entries of `positionsJson`'s positions and
 * instructions, and its bilateral nets seen from its side. One that had no interbank payment in the
 * window has a position of zeros, no instruction and no bilateral rows.
 */
export function participantPositionJson(
  window: WindowRecord,
  netting: CurrencyNetting | undefined,
  participant: string,
) {
  const amount = amountsIn(window.currency);
  const position = netting?.positions.find((entry) => entry.participant === participant) ?? {
    participant,
    debitsMinor: 0n,
    creditsMinor: 0n,
    netMinor: 0n,
  };
  const instruction = netting?.instructions.find((entry) => entry.participant === participant);
  return {
    window: windowJson(window),
    participant,
    currency: window.currency,
    position: positionJson(position, amount),
    instruction: instruction === undefined ? null : instructionJson(instruction, amount),
    bilateral: (netting?.bilateral ?? []).flatMap((pair) =>
      counterpartyNet(pair, participant, amount),
    ),
  };
}

/** The participant's row of a bilateral position (none when the pair is not its): net from its own side. */
function counterpartyNet(
  pair: BilateralPosition,
  participant: string,
  amount: AmountText,
): { counterparty: string; net: string }[] {
  if (pair.participantA === participant)
    return [{ counterparty: pair.participantB, net: amount(pair.netMinor) }];
  if (pair.participantB === participant)
    return [{ counterparty: pair.participantA, net: amount(-pair.netMinor) }];
  return [];
}
