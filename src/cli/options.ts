import { currencies, currencyByCode, parseAmount, type Currency } from '../ledger/currency.js';
import { parseAccountId, parseTransferId, type AccountId, type TransferId } from '../ledger/ids.js';
import { REFERENCE_MAX_LENGTH } from '../ledger/model.js';
import { fitsLength, notPlainReason, textLength } from '../ledger/text.js';
import { UsageError } from './errors.js';

/**
 * Parsers for command-line values. Each names the option it parses in its message, because
 * "invalid id" is no help when a command takes three ids. All throw UsageError (exit code 2).
 */

export function parseAccountIdOption(option: string, text: string): AccountId {
  const id = parseAccountId(text);
  if (id === undefined)
    throw new UsageError(
      `${option}: "${clip(text)}" is not an account id (a UUID such as 0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b)`,
    );
  return id;
}

export function parseTransferIdOption(option: string, text: string): TransferId {
  const id = parseTransferId(text);
  if (id === undefined)
    throw new UsageError(
      `${option}: "${clip(text)}" is not a transfer id (a UUID such as 0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b)`,
    );
  return id;
}

/** A whole number written in plain digits, within [minimum, maximum]; "1e3", "0x10", "5.0" are refused. */
export function parseIntegerOption(
  option: string,
  text: string,
  bounds: { minimum: number; maximum: number },
): number {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text))
    throw new UsageError(`${option}: "${clip(text)}" is not a whole number`);
  const value = Number(text);
  if (value < bounds.minimum || value > bounds.maximum) {
    throw new UsageError(
      `${option}: ${value} is out of range, it must be between ${bounds.minimum} and ${bounds.maximum}`,
    );
  }
  return value;
}

/** A nanosecond timestamp, as printed by `history` in its `next` cursor. */
export function parseTimestampOption(option: string, text: string): bigint {
  if (!/^[1-9][0-9]{0,18}$/.test(text))
    throw new UsageError(
      `${option}: "${clip(text)}" is not a timestamp (nanoseconds since the Unix epoch, as history prints it)`,
    );
  return BigInt(text);
}

export function parseCurrencyOption(option: string, text: string): Currency {
  const currency = currencyByCode(text);
  if (currency === undefined) {
    throw new UsageError(
      `${option}: unknown currency "${clip(text)}"; supported: ${currencies.map((known) => known.code).join(', ')}`,
    );
  }
  return currency;
}

/** Decimal major units in the currency's precision, e.g. "12500.00" INR; never through a float. */
export function parseAmountOption(option: string, text: string, currency: Currency): bigint {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) throw new UsageError(`${option}: ${parsed.error.message}`);
  return parsed.amountMinor;
}

/** A reference: plain text (no control characters: src/ledger/text.ts) of at most 64 characters. */
export function parseReferenceOption(option: string, text: string | undefined): string {
  const reference = text ?? '';
  if (!fitsLength(reference, REFERENCE_MAX_LENGTH)) {
    throw new UsageError(
      `${option}: the reference is ${textLength(reference)} characters long, at most ${REFERENCE_MAX_LENGTH} are allowed`,
    );
  }
  const reason = notPlainReason(reference);
  if (reason !== undefined) throw new UsageError(`${option}: the reference ${reason}`);
  return reference;
}

/** Participant ids are short slugs (`sbi`, `sberbank`), so they are safe in tables, URLs and file names. */
const PARTICIPANT = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function parseParticipantOption(option: string, text: string): string {
  if (!PARTICIPANT.test(text)) {
    throw new UsageError(
      `${option}: "${clip(text)}" is not a participant id: use 1 to 64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return text;
}

/** Echoes at most 64 characters of what was given, so a pasted file does not flood the terminal. */
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
