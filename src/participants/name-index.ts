import { Type } from '@sinclair/typebox';
import type { LedgerTransaction } from '../ledger/ledger.js';
import { documentKind, strict } from '../domain/documents.js';
import { HubError } from '../domain/errors.js';
import { bicKey, identifierKey, type AccountIdentifier } from './identifiers.js';

/**
 * The hub-wide uniqueness of BICs and account identifiers. Each taken name has an index document
 * under its key, written in the same transaction as the participant's record that holds the name,
 * so two participants can never hold one BIC (or two accounts one IBAN), whatever runs at once in
 * however many processes: the second transaction reads the first's document. The store keeps
 * documents forever, so a released name's document stays with no holder.
 */
const bicDocuments = documentKind<{ readonly participant?: string }>(
  'participant_bics',
  Type.Object({ participant: Type.Optional(Type.String()) }, strict),
);

const identifierDocuments = documentKind<{
  readonly account?: string;
  readonly participant?: string;
}>(
  'account_identifiers',
  Type.Object(
    { account: Type.Optional(Type.String()), participant: Type.Optional(Type.String()) },
    strict,
  ),
);

/** Takes `bic` for `participant`, or `identifier_exists` when another participant holds it. */
export async function claimBic(
  tx: LedgerTransaction,
  bic: string,
  participant: string,
): Promise<void> {
  const key = bicKey(bic);
  const holder = (await bicDocuments.get(tx, key))?.participant;
  if (holder !== undefined && holder !== participant)
    throw new HubError('identifier_exists', {
      field: 'bic',
      message: `BIC ${bic} is held by another participant (${holder}); a BIC and its XXX branch form name one institution`,
    });
  await tx.putRecords([bicDocuments.put(key, { participant })]);
}

/** Frees `bic` (its document stays, naming no one). */
export async function releaseBic(tx: LedgerTransaction, bic: string): Promise<void> {
  await tx.putRecords([bicDocuments.put(bicKey(bic), {})]);
}

/**
 * Takes `identifier` for `account`; true when it is taken now, false when the account held it
 * already; `identifier_exists` when another account holds it.
 */
export async function claimIdentifier(
  tx: LedgerTransaction,
  identifier: AccountIdentifier,
  account: string,
  participant: string,
): Promise<boolean> {
  const key = identifierKey(identifier);
  const holder = (await identifierDocuments.get(tx, key))?.account;
  if (holder === account) return false;
  if (holder !== undefined)
    throw new HubError('identifier_exists', {
      field: 'identifier',
      message: `${describe(identifier)} is registered to another account`,
    });
  await tx.putRecords([identifierDocuments.put(key, { account, participant })]);
  return true;
}

/** Frees `identifier` of `account`, or `identifier_not_found` when the account does not hold it. */
export async function releaseIdentifier(
  tx: LedgerTransaction,
  identifier: AccountIdentifier,
  account: string,
): Promise<void> {
  const key = identifierKey(identifier);
  if ((await identifierDocuments.get(tx, key))?.account !== account)
    throw new HubError('identifier_not_found', {
      field: 'identifier',
      message: `account ${account} has no identifier ${describe(identifier)}`,
    });
  await tx.putRecords([identifierDocuments.put(key, {})]);
}

function describe(identifier: AccountIdentifier): string {
  return 'iban' in identifier ? `IBAN ${identifier.iban}` : `identifier ${identifier.other}`;
}
