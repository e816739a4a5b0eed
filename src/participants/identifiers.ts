import { invalidField } from '../domain/errors.js';
import type { AccountId } from '../ledger/ids.js';

/**
 * How the world outside the hub names participants and accounts: a BIC (ISO 9362) for a bank, an
 * IBAN (ISO 13616) or another identifier (an ISO 20022 `Othr/Id`) for an account. ISO 20022
 * messages carry only these, so the hub keeps them beside its own ids, unique across the hub.
 */

/** BICFI as the ISO 20022 schemas write it: 4 letters or digits, the country, location, optional branch. */
export const BIC_PATTERN = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** A checked BIC, or an `invalid_field` refusal naming `field`. */
export function parseBic(bic: unknown, field = 'bic'): string {
  if (typeof bic !== 'string' || !BIC_PATTERN.test(bic))
    throw invalidField({
      field,
      message:
        'a BIC is 8 or 11 capital letters and digits: institution (4), country (2 letters), location (2), optional branch (3), e.g. SBININBB or SBININBBXXX',
    });
  return bic;
}

/**
 * The institution a BIC names, as the hub's index keys it: the 8-character form and the same with
 * the `XXX` branch (the head office) are one institution; any other branch code is its own key.
 */
export function bicKey(bic: string): string {
  return bic.length === 11 && bic.endsWith('XXX') ? bic.slice(0, 8) : bic;
}

/** An account as an ISO 20022 message names it (`Acct/Id/IBAN` or `Acct/Id/Othr/Id`). */
export type AccountIdentifier = { readonly iban: string } | { readonly other: string };

const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/;
const OTHER_MAX = 34;
const HEX32 = /^[0-9a-fA-F]{32}$/;

/**
 * Whether an IBAN in electronic form (no spaces, capitals) passes ISO 13616's check: move the first
 * four characters to the end, letters to numbers (A = 10 … Z = 35), and the number mod 97 is 1.
 */
export function ibanChecksumValid(iban: string): boolean {
  if (!IBAN_SHAPE.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return remainder === 1;
}

/**
 * A checked identifier in the form the hub stores it: an IBAN without spaces, in capitals, with a
 * valid check; an `other` of 1 to 34 printable characters without surrounding spaces, not 32 hex
 * digits (that form is the account's own id, which every account answers to unregistered).
 */
export function parseAccountIdentifier(
  identifier: unknown,
  field = 'identifier',
): AccountIdentifier {
  if (typeof identifier === 'object' && identifier !== null) {
    const keys = Object.keys(identifier);
    if (keys.length === 1 && keys[0] === 'iban') {
      const raw = (identifier as { iban: unknown }).iban;
      const iban = typeof raw === 'string' ? raw.replaceAll(' ', '').toUpperCase() : '';
      if (!IBAN_SHAPE.test(iban))
        throw invalidField({
          field: `${field}/iban`,
          message:
            'an IBAN is a country code, 2 check digits and 11 to 30 letters or digits (ISO 13616)',
        });
      if (!ibanChecksumValid(iban))
        throw invalidField({
          field: `${field}/iban`,
          message: `IBAN ${iban} fails its ISO 13616 check digits (mod 97)`,
        });
      return { iban };
    }
    if (keys.length === 1 && keys[0] === 'other') {
      const other = (identifier as { other: unknown }).other;
      if (
        typeof other !== 'string' ||
        other.length === 0 ||
        other.length > OTHER_MAX ||
        other.trim() !== other ||
        !/^[\x21-\x7e][\x20-\x7e]*$/.test(other)
      )
        throw invalidField({
          field: `${field}/other`,
          message: `another identifier is 1 to ${OTHER_MAX} printable ASCII characters without surrounding spaces`,
        });
      if (HEX32.test(other))
        throw invalidField({
          field: `${field}/other`,
          message:
            "32 hex digits are an account's own id, which every account answers to without registering it",
        });
      return { other };
    }
  }
  throw invalidField({
    field,
    message: 'an account identifier is { "iban": "…" } or { "other": "…" }',
  });
}

/** The key of an identifier in the hub's index (and in the registry's memory). */
export function identifierKey(identifier: AccountIdentifier): string {
  return 'iban' in identifier ? `IBAN:${identifier.iban}` : `OTHR:${identifier.other}`;
}

/** An account id written as 32 hex digits (as outgoing messages write it), as the id; else undefined. */
export function accountIdFromHex(text: string): AccountId | undefined {
  if (!HEX32.test(text)) return undefined;
  const hex = text.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as AccountId;
}
