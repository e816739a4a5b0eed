import { Type } from '@sinclair/typebox';
import { currencyByCode, formatAmount } from '../ledger/currency.js';
import { newTransferId } from '../ledger/ids.js';
import type { Ledger } from '../ledger/ledger.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { decimalString, documentKind, strict } from '../domain/documents.js';
import { HubError, invalidField } from '../domain/errors.js';
import { participantAccountId } from '../participants/accounts.js';
import { HUB_ID } from '../participants/participant.js';
import type { ParticipantRegistry } from '../participants/registry.js';
import { TransferCode } from './codes.js';
import { chainInputs, type Leg } from './legs.js';

export const CAPS = 'caps';

/**
 * Net debit caps. A settling participant's cap in a currency is the most its payments out may
 * exceed its payments in during one settlement window (backed by collateral or prefunding at the
 * central bank). The cap lives in two places that change together, in one transaction: a document
 * (`caps`, for people and reports) and the credit balance of the participant's cap account (for
 * the ledger, which refuses a payment leg that would take that balance below zero). Every change
 * is audited.
 */
export interface CapRecord {
  readonly participant: string;
  readonly currency: string;
  /** Minor units, as a decimal string. */
  readonly capMinor: string;
  readonly updatedAt: string;
}

/** The cap documents, under `participant:currency` (see `capKey`). */
export const capDocuments = documentKind<CapRecord>(
  CAPS,
  Type.Object(
    {
      participant: Type.String(),
      currency: Type.String(),
      capMinor: decimalString(),
      updatedAt: Type.String(),
    },
    strict,
  ),
);

export interface CapStatus {
  readonly participant: string;
  readonly currency: string;
  readonly capMinor: bigint;
  /** What it may still pay out net in the open window (pending reservations count). */
  readonly headroomMinor: bigint;
  /** Its posted net position in the open window: credits − debits of its interbank payments. */
  readonly netMinor: bigint;
}

export class CapService {
  constructor(
    private readonly ledger: Ledger,
    private readonly registry: ParticipantRegistry,
  ) {}

  async set(
    participantId: string,
    currency: string,
    capMinor: bigint,
    actor: Actor,
  ): Promise<CapStatus> {
    if (capMinor < 0n) throw invalidField({ field: 'cap', message: 'a cap is zero or more' });
    const code = currencyByCode(currency)?.code;
    if (code === undefined || code !== currency)
      throw new HubError('unknown_currency', {
        field: 'currency',
        message: `${JSON.stringify(currency)} is not a supported ISO 4217 code`,
      });
    await this.ledger.transact(async (tx) => {
      const participant = await this.registry.require(tx, participantId);
      if (participant.kind !== 'bank' && participant.kind !== 'fx_provider')
        throw new HubError('participant_kind_mismatch', {
          field: 'participant',
          message: `${participantId} is a ${participant.kind}; only banks and FX providers settle and have caps`,
        });
      if (
        !participant.accounts.some((account) => account.role === 'cap' && account.currency === code)
      )
        throw new HubError('currency_not_used', {
          field: 'currency',
          message: `${participantId} does not settle in ${code}`,
        });
      const record = await capDocuments.get(tx, capKey(participantId, code));
      const previous = record === undefined ? 0n : BigInt(record.capMinor);
      const delta = capMinor - previous;
      if (delta !== 0n) {
        const capAccount = participantAccountId(participantId, code, 'cap');
        const source = participantAccountId(HUB_ID, code, 'cap_source');
        const leg: Leg =
          delta > 0n
            ? {
                kind: 'cap_reset',
                debit: source,
                credit: capAccount,
                amount: delta,
                currency: code,
                code: TransferCode.capReset,
                reference: `cap ${participantId} ${code}`,
              }
            : {
                kind: 'cap_reset',
                debit: capAccount,
                credit: source,
                amount: -delta,
                currency: code,
                code: TransferCode.capReset,
                reference: `cap ${participantId} ${code}`,
              };
        const [result] = await tx.createTransfers(chainInputs(newTransferId(), [leg]));
        if (result === 'exceeds_credits') {
          throw new HubError('cap_below_current_use', {
            field: 'cap',
            message: `${participantId} already uses more than ${formatAmount(capMinor, currencyOf(code))} ${code} of its cap in the open window`,
          });
        }
        if (result !== 'ok') throw new Error(`bug: the cap transfer was refused: ${result}`);
      }
      const updated: CapRecord = {
        participant: participantId,
        currency: code,
        capMinor: capMinor.toString(),
        updatedAt: new Date(Number(tx.nowNs / 1_000_000n)).toISOString(),
      };
      await tx.putRecords([capDocuments.put(capKey(participantId, code), updated)]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'caps.set', participantId, {
          currency: code,
          cap: capMinor.toString(),
          previous: previous.toString(),
        }),
      ]);
    });
    return this.status(participantId, code);
  }

  async status(participantId: string, currency: string): Promise<CapStatus> {
    const record = await capDocuments.get(this.ledger.store, capKey(participantId, currency));
    const capMinor = record === undefined ? 0n : BigInt(record.capMinor);
    const [account] = await this.ledger.lookupAccounts([
      participantAccountId(participantId, currency, 'cap'),
    ]);
    if (account === undefined)
      throw new HubError('currency_not_used', {
        field: 'currency',
        message: `${participantId} does not settle in ${currency}`,
      });
    const posted = account.creditsPosted - account.debitsPosted;
    return {
      participant: participantId,
      currency,
      capMinor,
      headroomMinor: posted - account.debitsPending,
      netMinor: posted - capMinor,
    };
  }

  /** Every cap document of a currency. */
  async all(currency: string): Promise<CapRecord[]> {
    const records = await capDocuments.list(this.ledger.store, { limit: 10_000 });
    return records.filter((record) => record.currency === currency);
  }
}

export function capKey(participant: string, currency: string): string {
  return `${participant}:${currency}`;
}

function currencyOf(code: string) {
  const currency = currencyByCode(code);
  if (currency === undefined) throw new Error(`bug: unknown currency ${code}`);
  return currency;
}
