import { currencyByCode } from '../ledger/currency.js';
import { checkPlainText, HubError, invalidField } from '../domain/errors.js';
import { fitsLength } from '../ledger/text.js';
import { parseBic } from './identifiers.js';

/**
 * Who takes part in clearing. Banks (in India or Russia) settle at the hub; FX providers quote and
 * hold liquidity in both currencies and settle like banks; corporates are customers of a bank and
 * hold customer accounts there; the hub is the operator itself. Every party is named: nothing in
 * vostro moves money for an account whose owner is not a registered participant.
 *
 * A `customs` participant is the customs authority of India or Russia. It moves no money and so
 * holds no accounts (its `currencies` are empty): it takes part in the trade half of the hub, where
 * the exporting country's customs signs an export declaration addressed to the importing country's
 * customs, which reads it before the goods arrive and acknowledges it with a signed receipt.
 */
export const PARTICIPANT_KINDS = ['bank', 'fx_provider', 'corporate', 'hub', 'customs'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const PARTICIPANT_ID = /^[a-z][a-z0-9-]{1,39}$/;
export const HUB_ID = 'hub';

export interface Participant {
  readonly id: string;
  readonly name: string;
  readonly kind: ParticipantKind;
  /** ISO 3166-1 alpha-2, e.g. IN, RU. */
  readonly country: string;
  /** For a corporate: the bank that keeps its accounts and settles for it. */
  readonly bank?: string;
  /** ISO 4217 codes of the currencies it holds accounts in; none for a customs authority. */
  readonly currencies: readonly string[];
  readonly status: 'active' | 'suspended';
  /** Its BIC (ISO 9362), how ISO 20022 messages name it; unique across the hub (see identifiers.ts). */
  readonly bic?: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

export interface ParticipantInput {
  readonly id: string;
  readonly name: string;
  readonly kind: ParticipantKind;
  readonly country: string;
  readonly bank?: string;
  readonly currencies: readonly string[];
  readonly bic?: string;
}

/** Kinds that may have a BIC: the financial institutions that send and receive ISO 20022 messages. */
export const KINDS_WITH_BIC: readonly ParticipantKind[] = ['bank', 'fx_provider', 'hub'];

const COUNTRY = /^[A-Z]{2}$/;

/** Checks shape and values; the registry checks what needs the store (a corporate's bank exists). */
export function validateParticipantInput(input: ParticipantInput): ParticipantInput {
  if (typeof input.id !== 'string' || !PARTICIPANT_ID.test(input.id)) {
    throw invalidField({
      field: 'id',
      message:
        'a participant id is 2 to 40 characters: a lower-case letter, then lower-case letters, digits or hyphens',
    });
  }
  if (input.id === HUB_ID && input.kind !== 'hub')
    throw invalidField({ field: 'id', message: `"${HUB_ID}" is the hub's own id` });
  if (
    typeof input.name !== 'string' ||
    input.name.trim().length === 0 ||
    !fitsLength(input.name, 120)
  )
    throw invalidField({ field: 'name', message: 'a name of 1 to 120 characters is required' });
  checkPlainText(input.name, { field: 'name', max: 120 });
  if (!PARTICIPANT_KINDS.includes(input.kind))
    throw invalidField({
      field: 'kind',
      message: `kind must be one of ${PARTICIPANT_KINDS.join(', ')}`,
    });
  if (typeof input.country !== 'string' || !COUNTRY.test(input.country))
    throw invalidField({
      field: 'country',
      message: 'country is an ISO 3166-1 alpha-2 code in capitals, e.g. IN or RU',
    });
  if (input.kind === 'bank' && input.country !== 'IN' && input.country !== 'RU')
    throw invalidField({
      field: 'country',
      message: 'a bank in the rupee–rouble corridor is in India (IN) or Russia (RU)',
    });
  if (input.kind === 'customs' && input.country !== 'IN' && input.country !== 'RU')
    throw invalidField({
      field: 'country',
      message:
        'a customs authority in the rupee–rouble corridor is that of India (IN) or Russia (RU)',
    });
  if (input.kind === 'corporate' && (input.bank === undefined || !PARTICIPANT_ID.test(input.bank)))
    throw invalidField({
      field: 'bank',
      message: 'a corporate names the bank that keeps its accounts',
    });
  if (input.kind !== 'corporate' && input.bank !== undefined)
    throw invalidField({ field: 'bank', message: 'only a corporate names a bank' });
  if (input.bic !== undefined) {
    parseBic(input.bic);
    checkBicKind(input.kind);
  }
  if (input.kind === 'customs') {
    if (!Array.isArray(input.currencies) || input.currencies.length > 0)
      throw invalidField({
        field: 'currencies',
        message: 'a customs authority holds no money accounts: its currencies are empty',
      });
    return { ...input, name: input.name.trim(), currencies: [] };
  }
  if (
    !Array.isArray(input.currencies) ||
    input.currencies.length === 0 ||
    input.currencies.length > 8
  )
    throw invalidField({ field: 'currencies', message: 'one to eight currencies are required' });
  const currencies = input.currencies.map((code, index) => {
    const currency = typeof code === 'string' ? currencyByCode(code) : undefined;
    if (currency === undefined || currency.code !== code)
      throw new HubError('unknown_currency', {
        field: `currencies/${index}`,
        message: `currencies[${index}]: ${JSON.stringify(code)} is not a supported ISO 4217 code`,
      });
    return currency.code;
  });
  if (new Set(currencies).size !== currencies.length)
    throw invalidField({ field: 'currencies', message: 'a currency is listed twice' });
  return { ...input, name: input.name.trim(), currencies };
}

/** A BIC names a financial institution: a bank, an FX provider or the hub, not a corporate or customs. */
export function checkBicKind(kind: ParticipantKind): void {
  if (!KINDS_WITH_BIC.includes(kind))
    throw invalidField({
      field: 'bic',
      message: `a ${kind} has no BIC: only ${KINDS_WITH_BIC.join(', ')} participants are financial institutions`,
    });
}
