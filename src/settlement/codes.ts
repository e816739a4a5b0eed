/**
 * Transfer codes the hub writes, so that a transfer says why it was made. Netting counts the
 * codes in NETTED_CODES (money one settling participant owes another); the others are the hub's
 * own bookkeeping: cap headroom, settlement of a window, prefunding, fees, investment sweeps.
 * Raw transfers made by the operator through /v1/transfers may use any code; only these mean
 * something to settlement.
 */
export const TransferCode = {
  /** A payment between two accounts (customer, bank, vostro...). */
  payment: 1,
  /** The cap-headroom leg of a payment between two settling participants. */
  capUse: 2,
  /** Setting a cap, and restoring every headroom when a window closes. */
  capReset: 3,
  /** A leg of a cross-currency payment through an FX provider. */
  fxLeg: 4,
  /** A settlement instruction of a closed window, carried out. */
  settlement: 5,
  /** Money entering the hub for a participant (prefunding), or leaving it. */
  funding: 6,
  /** A fee to the hub. */
  fee: 7,
  /** A rupee surplus swept from a vostro account into an investment account. */
  sweep: 8,
} as const;
export type TransferCodeName = keyof typeof TransferCode;

/** The codes whose transfers between different settling participants are netted in a window. */
export const NETTED_CODES: ReadonlySet<number> = new Set([
  TransferCode.payment,
  TransferCode.fxLeg,
]);

export function transferCodeName(code: number): string {
  return (
    (Object.keys(TransferCode) as TransferCodeName[]).find((name) => TransferCode[name] === code) ??
    `code-${code}`
  );
}
