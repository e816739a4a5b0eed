import { Type } from '@sinclair/typebox';
import { currencyByCode } from '../ledger/currency.js';
import { AccountFlags } from '../ledger/flags.js';
import type { AccountId } from '../ledger/ids.js';
import type { EventPartiesHook } from '../ledger/events.js';
import type { Ledger, LedgerTransaction } from '../ledger/ledger.js';
import type { AccountInput } from '../ledger/model.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { HubError, invalidField } from '../domain/errors.js';
import { documentKind, oneOf, strict, type DocumentReader } from '../domain/documents.js';
import {
  ACCOUNT_ROLES,
  accountCode,
  ParticipantAccountSchema,
  participantAccountId,
  ROLES_OPENED_LATER,
  ROLES_OPENED_WITH,
  type AccountRole,
  type ParticipantAccount,
} from './accounts.js';
import {
  accountIdFromHex,
  bicKey,
  BIC_PATTERN,
  identifierKey,
  parseAccountIdentifier,
  parseBic,
  type AccountIdentifier,
} from './identifiers.js';
import { eventPartiesHook } from './event-parties.js';
import { flowAccountsHook } from './flow-accounts.js';
import type { FlowAccountsHook } from '../ledger/flows.js';
import { claimBic, claimIdentifier, releaseBic, releaseIdentifier } from './name-index.js';
import {
  checkBicKind,
  HUB_ID,
  PARTICIPANT_KINDS,
  validateParticipantInput,
  type Participant,
  type ParticipantInput,
} from './participant.js';

export const PARTICIPANTS = 'participants';

/** A participant with the accounts it holds. */
export interface ParticipantRecord extends Participant {
  readonly accounts: readonly ParticipantAccount[];
}

/** The participants' documents, one per participant under its id. */
export const participantDocuments = documentKind<ParticipantRecord>(
  PARTICIPANTS,
  Type.Object(
    {
      id: Type.String(),
      name: Type.String(),
      kind: oneOf(PARTICIPANT_KINDS),
      country: Type.String(),
      bank: Type.Optional(Type.String()),
      currencies: Type.Array(Type.String()),
      status: oneOf(['active', 'suspended']),
      bic: Type.Optional(Type.String()),
      createdAt: Type.String(),
      accounts: Type.Array(ParticipantAccountSchema),
    },
    strict,
  ),
);

/** What an account is for, as the settlement code needs it: who owns it and which bank settles for it. */
export interface AccountEntry {
  readonly id: AccountId;
  readonly participant: string;
  readonly role: AccountRole;
  readonly currency: string;
  /** The bank or FX provider whose net position the account's payments count towards; undefined for the hub's accounts. */
  readonly settlesWith?: string;
}

/**
 * Participants and their accounts, kept as documents beside the ledger. Opening a participant and
 * its accounts is one transaction, audited; so is every later change.
 */
export class ParticipantRegistry {
  /** Account id → entry, for every account of every participant seen by this process. */
  private readonly directory = new Map<AccountId, AccountEntry>();
  private directoryLoaded = false;
  /** The directory's version when it was last read from the store, and the read under way. */
  private loadedVersion = 0;
  private loading: Promise<void> | undefined;
  /** Participants as last written or read by this process (another process's change shows after `loadDirectory`). */
  private readonly known = new Map<string, ParticipantRecord>();
  /** BIC key (see `bicKey`) → participant id, and identifier key → account id, of the participants in `known`. */
  private readonly bics = new Map<string, string>();
  private readonly identifiers = new Map<string, AccountId>();
  /** Who else sees an owner's or a kept account's transfer events: the Hub installs it in the Ledger. */
  readonly eventParties: EventPartiesHook = eventPartiesHook({
    known: (id) => this.known.get(id),
    keeper: (accountId) => {
      const entry = this.directory.get(accountId);
      return entry?.role === 'vostro' || entry?.role === 'nostro' ? entry.settlesWith : undefined;
    },
    read: (tx, ids) => participantDocuments.getMany(tx, ids),
  });
  /** Accounts' countries and parties for the ledger's monthly flow totals: the Hub installs it in the Ledger. */
  readonly flowAccounts: FlowAccountsHook = flowAccountsHook({
    known: (id) => this.known.get(id),
    read: (tx, ids) => participantDocuments.getMany(tx, ids),
  });

  constructor(private readonly ledger: Ledger) {}

  /** Opens the hub itself (its settlement, cap source, fee and suspense accounts), once. */
  async ensureHub(currencies: readonly string[], actor: Actor): Promise<ParticipantRecord> {
    const existing = await this.find(HUB_ID);
    if (existing !== undefined) return existing;
    return this.create(
      { id: HUB_ID, name: 'vostro clearing hub', kind: 'hub', country: 'IN', currencies },
      actor,
    );
  }

  async create(input: ParticipantInput, actor: Actor): Promise<ParticipantRecord> {
    const valid = validateParticipantInput(input);
    const record = await this.ledger.transact(async (tx) => {
      if ((await readParticipant(tx, valid.id)) !== undefined)
        throw new HubError('participant_exists', {
          field: 'id',
          message: `participant ${valid.id} exists already`,
        });
      if (valid.kind === 'corporate') await this.checkBank(tx, valid.bank ?? '', valid.currencies);
      if (valid.bic !== undefined) await claimBic(tx, valid.bic, valid.id);
      const accounts = valid.currencies.flatMap((currency) =>
        ROLES_OPENED_WITH[valid.kind].map((role) => planAccount(valid.id, currency, role)),
      );
      const record: ParticipantRecord = {
        ...valid,
        status: 'active',
        createdAt: new Date(Number(tx.nowNs / 1_000_000n)).toISOString(),
        accounts,
      };
      // A customs authority holds no accounts (ROLES_OPENED_WITH.customs is empty): no ledger batch.
      if (accounts.length > 0) await this.openAccounts(tx, record, accounts);
      await putParticipant(tx, record);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'participants.create', record.id, {
          kind: record.kind,
          country: record.country,
          currencies: [...record.currencies],
          ...(record.bic === undefined ? {} : { bic: record.bic }),
        }),
      ]);
      return record;
    });
    this.index(record);
    return record;
  }

  /**
   * Opens a vostro, nostro, investment or suspense account for a participant. A vostro or nostro
   * account names the bank that keeps it (`heldAt`): a Russian bank's rupee vostro account is kept
   * by an Indian bank, and the rupees in it settle with that bank.
   */
  async openAccount(
    participantId: string,
    role: AccountRole,
    currency: string,
    heldAt: string | undefined,
    actor: Actor,
  ): Promise<ParticipantAccount> {
    const code = currencyByCode(currency)?.code;
    if (code === undefined || code !== currency)
      throw new HubError('unknown_currency', {
        field: 'currency',
        message: `${JSON.stringify(currency)} is not a supported ISO 4217 code`,
      });
    const { record, account } = await this.ledger.transact(async (tx) => {
      const participant = await this.require(tx, participantId);
      if (!ROLES_OPENED_LATER[participant.kind].includes(role)) {
        throw new HubError('account_role_mismatch', {
          field: 'role',
          message: `a ${participant.kind} cannot open a ${role} account (it may open: ${ROLES_OPENED_LATER[participant.kind].join(', ') || 'none'})`,
        });
      }
      const needsBank = role === 'vostro' || role === 'nostro';
      if (needsBank && heldAt === undefined)
        throw invalidField({
          field: 'held_at',
          message: `a ${role} account names the bank that keeps it`,
        });
      if (!needsBank && heldAt !== undefined)
        throw invalidField({
          field: 'held_at',
          message: `only vostro and nostro accounts name the bank that keeps them`,
        });
      if (heldAt !== undefined) {
        if (heldAt === participant.id)
          throw invalidField({
            field: 'held_at',
            message: 'a bank does not keep a vostro or nostro account with itself',
          });
        await this.checkBank(tx, heldAt, [code]);
      }
      const account = planAccount(participant.id, code, role, heldAt);
      if (participant.accounts.some((existing) => existing.id === account.id))
        return { record: participant, account };
      const record: ParticipantRecord = {
        ...participant,
        currencies: participant.currencies.includes(code)
          ? participant.currencies
          : [...participant.currencies, code],
        accounts: [...participant.accounts, account],
      };
      await this.openAccounts(tx, record, [account]);
      await putParticipant(tx, record);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'accounts.open', account.id, {
          participant: record.id,
          role,
          currency: code,
          ...(heldAt === undefined ? {} : { held_at: heldAt }),
        }),
      ]);
      return { record, account };
    });
    this.index(record);
    return account;
  }

  /** Suspends or reactivates a participant: a suspended one cannot pay or quote. */
  async setStatus(
    participantId: string,
    status: Participant['status'],
    actor: Actor,
  ): Promise<ParticipantRecord> {
    const record = await this.ledger.transact(async (tx) => {
      const participant = await this.require(tx, participantId);
      if (participant.kind === 'hub')
        throw new HubError('participant_kind_mismatch', {
          field: 'id',
          message: 'the hub cannot be suspended',
        });
      const record: ParticipantRecord = { ...participant, status };
      await putParticipant(tx, record);
      await tx.appendAudit([
        auditEntry(
          actor,
          tx.nowNs,
          status === 'active' ? 'participants.activate' : 'participants.suspend',
          record.id,
          {},
        ),
      ]);
      return record;
    });
    this.index(record);
    return record;
  }

  /**
   * Gives a participant its BIC, changes it, or (null) takes it away; audited. A BIC is unique across
   * the hub (the 8-character form and the XXX branch form are one institution): another
   * participant's is `identifier_exists`. Setting the BIC it has already changes nothing.
   */
  async setBic(
    participantId: string,
    bic: string | null,
    actor: Actor,
  ): Promise<ParticipantRecord> {
    const wanted = bic === null ? undefined : parseBic(bic);
    const record = await this.ledger.transact(async (tx) => {
      const participant = await this.require(tx, participantId);
      if (wanted !== undefined) checkBicKind(participant.kind);
      if (participant.bic === wanted) return participant;
      if (participant.bic !== undefined) await releaseBic(tx, participant.bic);
      if (wanted !== undefined) await claimBic(tx, wanted, participant.id);
      const record: ParticipantRecord = withOptional(participant, 'bic', wanted);
      await putParticipant(tx, record);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'participants.set_bic', record.id, {
          bic: wanted ?? null,
          previous: participant.bic ?? null,
        }),
      ]);
      return record;
    });
    this.index(record);
    return record;
  }

  /** The participant with this BIC (either form of a head office's), or undefined. */
  async byBic(bic: string): Promise<ParticipantRecord | undefined> {
    if (!BIC_PATTERN.test(bic)) return undefined;
    const key = bicKey(bic);
    const lookup = (): ParticipantRecord | undefined => {
      const id = this.bics.get(key);
      const record = id === undefined ? undefined : this.known.get(id);
      return record?.bic !== undefined && bicKey(record.bic) === key ? record : undefined;
    };
    const found = lookup();
    if (found !== undefined) return found;
    await this.refreshAfterMiss();
    return lookup();
  }

  /**
   * Registers an IBAN (checked by ISO 13616 mod 97) or another identifier for an account, unique
   * across the hub; audited. The operator may for any participant account; a participant key for
   * the accounts it owns or keeps (anything else is answered as an account that does not exist).
   * Registering an identifier the account has already changes nothing.
   */
  async addAccountIdentifier(
    accountId: AccountId,
    identifier: AccountIdentifier,
    actor: Actor,
  ): Promise<ParticipantAccount> {
    const valid = parseAccountIdentifier(identifier);
    return this.changeIdentifiers(accountId, actor, async (tx, record, account) => {
      if (!(await claimIdentifier(tx, valid, account.id, record.id))) return undefined;
      return {
        account: { ...account, identifiers: [...(account.identifiers ?? []), valid] },
        action: 'accounts.identifiers.add',
        identifier: valid,
      };
    });
  }

  /** Removes an identifier from an account (`identifier_not_found` if it has not that one); audited. */
  async removeAccountIdentifier(
    accountId: AccountId,
    identifier: AccountIdentifier,
    actor: Actor,
  ): Promise<ParticipantAccount> {
    const valid = parseAccountIdentifier(identifier);
    return this.changeIdentifiers(accountId, actor, async (tx, _record, account) => {
      await releaseIdentifier(tx, valid, account.id);
      const key = identifierKey(valid);
      const identifiers = (account.identifiers ?? []).filter(
        (existing) => identifierKey(existing) !== key,
      );
      return {
        account: withOptional(
          account,
          'identifiers',
          identifiers.length === 0 ? undefined : identifiers,
        ),
        action: 'accounts.identifiers.remove',
        identifier: valid,
      };
    });
  }

  private async changeIdentifiers(
    accountId: AccountId,
    actor: Actor,
    change: (
      tx: LedgerTransaction,
      record: ParticipantRecord,
      account: ParticipantAccount,
    ) => Promise<
      { account: ParticipantAccount; action: string; identifier: AccountIdentifier } | undefined
    >,
  ): Promise<ParticipantAccount> {
    const entry = await this.account(accountId);
    const permitted =
      entry !== undefined &&
      (actor.role === 'operator' ||
        (actor.role === 'participant' &&
          actor.participant !== undefined &&
          (entry.participant === actor.participant || entry.settlesWith === actor.participant)));
    if (entry === undefined || !permitted)
      throw new HubError('account_not_found', {
        field: 'account',
        message: `account ${accountId} belongs to no participant`,
      });
    const { record, account } = await this.ledger.transact(async (tx) => {
      const participant = await this.require(tx, entry.participant);
      const current = participant.accounts.find((candidate) => candidate.id === accountId);
      if (current === undefined) throw new Error(`bug: account ${accountId} left its participant`);
      const changed = await change(tx, participant, current);
      if (changed === undefined) return { record: participant, account: current };
      const record: ParticipantRecord = {
        ...participant,
        accounts: participant.accounts.map((candidate) =>
          candidate.id === accountId ? changed.account : candidate,
        ),
      };
      await putParticipant(tx, record);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, changed.action, accountId, {
          participant: record.id,
          ...changed.identifier,
        }),
      ]);
      return { record, account: changed.account };
    });
    this.index(record);
    return account;
  }

  /**
   * The account an ISO 20022 message names: a registered IBAN (spaces and case as people write
   * it) or other identifier, or, for `other`, the account's own id as 32 hex digits (the form the
   * hub's outgoing messages use), which needs no registration. Undefined when none matches.
   */
  async accountByIdentifier(ref: AccountIdentifier): Promise<AccountId | undefined> {
    if ('other' in ref) {
      const own = accountIdFromHex(ref.other);
      if (own !== undefined) return (await this.account(own)) === undefined ? undefined : own;
    }
    const key = identifierKey(
      'iban' in ref ? { iban: ref.iban.replaceAll(' ', '').toUpperCase() } : ref,
    );
    const found = this.identifiers.get(key);
    if (found !== undefined) return found;
    await this.refreshAfterMiss();
    return this.identifiers.get(key);
  }

  async find(id: string): Promise<ParticipantRecord | undefined> {
    return participantDocuments.get(this.ledger.store, id);
  }

  async get(id: string): Promise<ParticipantRecord> {
    const found = await this.find(id);
    if (found === undefined)
      throw new HubError('participant_not_found', {
        field: 'participant',
        message: `no participant ${id}`,
      });
    return found;
  }

  async list(afterId: string | undefined, limit: number): Promise<ParticipantRecord[]> {
    return participantDocuments.list(this.ledger.store, {
      ...(afterId === undefined ? {} : { afterKey: afterId }),
      limit,
    });
  }

  /** Every participant (the registry is small: hundreds, not millions). */
  async all(): Promise<ParticipantRecord[]> {
    const found: ParticipantRecord[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.list(after, 500);
      found.push(...page);
      if (page.length < 500) return found;
      after = page.at(-1)?.id;
    }
  }

  /** What an account is for, or undefined for an account that belongs to no participant's plan. */
  async account(id: AccountId): Promise<AccountEntry | undefined> {
    if (!this.directoryLoaded || !this.directory.has(id)) await this.refreshAfterMiss();
    return this.directory.get(id);
  }

  /**
   * What a lookup that found nothing does: read the directory again if another process (or another
   * registry over the same ledger) changed a participant since it was read. That costs one read of
   * the directory's version, not a read of every participant: a client sending payments to random
   * account ids would otherwise make each of them read the whole directory through the store's
   * queue, which every other client's writes wait in.
   */
  async refreshAfterMiss(): Promise<void> {
    if (this.directoryLoaded && (await directoryVersion(this.ledger.store)) === this.loadedVersion)
      return;
    await this.loadDirectory();
  }

  /** The account of a participant's role in a currency, or a precise refusal. */
  async roleAccount(
    participant: ParticipantRecord,
    role: AccountRole,
    currency: string,
    field: string,
  ): Promise<ParticipantAccount> {
    const account = participant.accounts.find(
      (candidate) => candidate.role === role && candidate.currency === currency,
    );
    if (account === undefined)
      throw new HubError('currency_not_used', {
        field,
        message: `${participant.id} has no ${ACCOUNT_ROLES[role].description} in ${currency}`,
      });
    return account;
  }

  /** Loads every participant's accounts into the directory; callers at the same time share one read. */
  async loadDirectory(): Promise<void> {
    this.loading ??= (async () => {
      try {
        // The version first: a change made while the participants are read shows as a new version next time.
        const version = await directoryVersion(this.ledger.store);
        for (const record of await this.all()) this.index(record);
        this.directoryLoaded = true;
        this.loadedVersion = version;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /**
   * A participant from this process's memory, loaded from the store when not seen yet: the payment
   * path asks for every payment, and a read through the store costs a turn of the write pipeline.
   */
  async cached(id: string): Promise<ParticipantRecord | undefined> {
    if (!this.known.has(id)) await this.refreshAfterMiss();
    return this.known.get(id);
  }

  private index(record: ParticipantRecord): void {
    const previous = this.known.get(record.id);
    if (previous !== undefined) this.unindexNames(previous);
    this.known.set(record.id, record);
    if (record.bic !== undefined) this.bics.set(bicKey(record.bic), record.id);
    for (const account of record.accounts)
      for (const identifier of account.identifiers ?? [])
        this.identifiers.set(identifierKey(identifier), account.id);
    for (const account of record.accounts) {
      this.directory.set(account.id, {
        id: account.id,
        participant: record.id,
        role: account.role,
        currency: account.currency,
        ...settlesWith(record, account),
      });
    }
  }

  /** Forgets the BIC and identifiers `record` had, where they still name it. */
  private unindexNames(record: ParticipantRecord): void {
    if (record.bic !== undefined && this.bics.get(bicKey(record.bic)) === record.id)
      this.bics.delete(bicKey(record.bic));
    for (const account of record.accounts)
      for (const identifier of account.identifiers ?? []) {
        const key = identifierKey(identifier);
        if (this.identifiers.get(key) === account.id) this.identifiers.delete(key);
      }
  }

  /** A participant as this transaction sees it, or undefined: a read inside a write never waits for the write itself. */
  async findIn(tx: LedgerTransaction, id: string): Promise<ParticipantRecord | undefined> {
    return readParticipant(tx, id);
  }

  async require(tx: LedgerTransaction, id: string): Promise<ParticipantRecord> {
    const participant = await readParticipant(tx, id);
    if (participant === undefined)
      throw new HubError('participant_not_found', {
        field: 'participant',
        message: `no participant ${id}`,
      });
    return participant;
  }

  private async checkBank(
    tx: LedgerTransaction,
    bankId: string,
    currencies: readonly string[],
  ): Promise<void> {
    const bank = await readParticipant(tx, bankId);
    if (bank === undefined)
      throw new HubError('bank_not_found', { field: 'bank', message: `no bank ${bankId}` });
    if (bank.kind !== 'bank')
      throw new HubError('participant_kind_mismatch', {
        field: 'bank',
        message: `${bankId} is a ${bank.kind}, not a bank`,
      });
    const missing = currencies.filter((currency) => !bank.currencies.includes(currency));
    if (missing.length > 0)
      throw new HubError('currency_not_used', {
        field: 'currencies',
        message: `bank ${bankId} does not hold ${missing.join(', ')}`,
      });
  }

  private async openAccounts(
    tx: LedgerTransaction,
    record: ParticipantRecord,
    accounts: readonly ParticipantAccount[],
  ): Promise<void> {
    const inputs: AccountInput[] = accounts.map((account) => ({
      id: account.id,
      ledger: currencyByCode(account.currency)?.ledger ?? 0,
      code: accountCode(account.role),
      // Tallied: netting reads the pair tallies of payments between participants' accounts.
      flags: ACCOUNT_ROLES[account.role].flags | AccountFlags.tallied,
      owner: record.id,
      reference:
        `${record.id} ${ACCOUNT_ROLES[account.role].description}${account.heldAt === undefined ? '' : ` at ${account.heldAt}`}`.slice(
          0,
          64,
        ),
      userData64: 0n,
      userData32: 0,
    }));
    const results = await tx.createAccounts(inputs);
    const refused = results
      .map((result, index) => [result, inputs[index]?.id] as const)
      .filter(([result]) => result !== 'ok');
    // Ids are derived from the participant's id, which is new, so anything but ok is a bug.
    if (refused.length > 0)
      throw new Error(
        `bug: opening accounts of ${record.id} was refused: ${refused.map(([result, id]) => `${id} ${result}`).join(', ')}`,
      );
  }
}

async function readParticipant(
  tx: LedgerTransaction,
  id: string,
): Promise<ParticipantRecord | undefined> {
  return participantDocuments.get(tx, id);
}

function planAccount(
  participant: string,
  currency: string,
  role: AccountRole,
  heldAt?: string,
): ParticipantAccount {
  return {
    role,
    currency,
    id: participantAccountId(participant, currency, role, heldAt),
    ...(heldAt === undefined ? {} : { heldAt }),
  };
}

/** Banks and FX providers settle for themselves; a corporate's bank for it; a vostro account's keeper for the money in it. */
function settlesWith(
  record: ParticipantRecord,
  account: ParticipantAccount,
): { settlesWith?: string } {
  if (record.kind === 'hub') return {};
  if (account.heldAt !== undefined) return { settlesWith: account.heldAt };
  if (record.kind === 'corporate')
    return record.bank === undefined ? {} : { settlesWith: record.bank };
  return { settlesWith: record.id };
}

/** A counter bumped in the same transaction as every change to a participant (see `putParticipant`). */
const DIRECTORY_VERSION_KEY = 'version';
const directoryDocuments = documentKind<{ readonly version: number }>(
  'directory',
  Type.Object({ version: Type.Integer({ minimum: 0 }) }, strict),
);

async function directoryVersion(reader: DocumentReader): Promise<number> {
  return (await directoryDocuments.get(reader, DIRECTORY_VERSION_KEY))?.version ?? 0;
}

/** Writes a participant's record and bumps the directory's version, in the caller's transaction. */
async function putParticipant(tx: LedgerTransaction, record: ParticipantRecord): Promise<void> {
  const version = await directoryVersion(tx);
  await tx.putRecords([
    participantDocuments.put(record.id, record),
    directoryDocuments.put(DIRECTORY_VERSION_KEY, { version: version + 1 }),
  ]);
}

/** `object` with `key` set to `value`, or without `key` at all when `value` is undefined. */
function withOptional<T extends object, K extends keyof T>(
  object: T,
  key: K,
  value: T[K] | undefined,
): T {
  const copy = { ...object };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}
