import { isDeepStrictEqual } from 'node:util';
import { Type } from '@sinclair/typebox';
import {
  parseTitleEntry,
  SignedTitleEntrySchema,
  verifyTitleChain,
  type SignedTitleEntry,
  type TitleChainReport,
} from '../documents/bill-of-lading.js';
import type { RegisterSnapshot } from '../documents/register-snapshot.js';
import { keyStanding } from '../documents/verify.js';
import { auditEntry, type Actor } from '../domain/actor.js';
import { documentKind, strict, type DocumentReader } from '../domain/documents.js';
import { HubError, invalidField } from '../domain/errors.js';
import { isoOfNs, parseInstant } from '../domain/time.js';
import type { Ledger } from '../ledger/ledger.js';
import type { TrustRegister } from './register.js';
import { storedDocuments } from './stored-documents.js';
import { maySee, tradeIn, type TradeRecord } from './trades.js';

/**
 * The title to a transferable bill of lading: one holder at a time (the UNCITRAL MLETR's
 * singularity and exclusive control). The B/L itself is a signed document (src/trade/
 * trade-documents.ts); its title is a chain of signed entries, each hash-linked to the one before
 * (like DCSA PINT's transfer chain; the pure rules are `verifyTitleChain` in
 * src/documents/bill-of-lading.ts): the carrier issues it to the shipper (entry 0), each holder
 * transfers or endorses it to the next, and the last holder surrenders it to the carrier for
 * delivery, which ends the chain.
 *
 * `record` appends one entry in one store transaction that reads the chain's head again, checks
 * the entry follows it and verifies the whole chain with the entry at the end; two transfers by
 * the same holder that race therefore cannot both win: the second finds its place taken and gets
 * `title_conflict` naming the entry now at the head. A transfer by a former holder, anything after
 * a surrender and an entry that does not link to the head are refused, each with its own reason.
 *
 * Entries are stored under `${blHash}/${seq, 6 digits}` in `title_entries` (a hash is 71
 * characters, the key 78, well under the store's 200); the chain's head (its last entry, holder
 * and whether it was surrendered) is one more document, in `title_heads`, under the B/L's hash.
 */
export const TITLE_ENTRIES = 'title_entries';
const TITLE_HEADS = 'title_heads';
/** The most entries one chain may have (the key's six digits). */
const SEQ_MAX = 999_999;
const HASH = /^sha256:[0-9a-f]{64}$/;

const titleEntryDocuments = documentKind<SignedTitleEntry>(TITLE_ENTRIES, SignedTitleEntrySchema);

/** Where a B/L's title stands: the last entry, who holds it, and whether it was surrendered. */
export interface TitleStatus {
  billOfLading: string;
  trade: string;
  seq: number;
  /** The hash of the last entry. */
  head: string;
  /** The register issuer id that holds it (the carrier, once surrendered). */
  holder: string;
  surrendered: boolean;
}

const titleHeads = documentKind<TitleStatus>(
  TITLE_HEADS,
  Type.Object(
    {
      billOfLading: Type.String(),
      trade: Type.String(),
      seq: Type.Integer({ minimum: 0, maximum: SEQ_MAX }),
      head: Type.String(),
      holder: Type.String(),
      surrendered: Type.Boolean(),
    },
    strict,
  ),
);

/** The title of a B/L as `reader` sees it, or undefined when none was issued. */
export async function titleStatusIn(
  reader: DocumentReader,
  billOfLading: string,
): Promise<TitleStatus | undefined> {
  return titleHeads.get(reader, billOfLading);
}

function entryKey(billOfLading: string, seq: number): string {
  return `${billOfLading}/${String(seq).padStart(6, '0')}`;
}

/** The first `count` entries of a chain, in order. */
async function entriesIn(
  reader: DocumentReader,
  billOfLading: string,
  count: number,
): Promise<SignedTitleEntry[]> {
  const keys = Array.from({ length: count }, (_, seq) => entryKey(billOfLading, seq));
  const found = await titleEntryDocuments.getMany(reader, keys);
  return keys.map((key) => {
    const entry = found.get(key);
    if (entry === undefined) throw new Error(`bug: title entry ${key} is missing below its head`);
    return entry;
  });
}

export interface RecordResult {
  holder: string;
  seq: number;
  status: 'created' | 'exists';
}

export class TitleService {
  constructor(
    private readonly ledger: Ledger,
    private readonly register: TrustRegister,
  ) {}

  /**
   * Appends a signed title entry (issue, transfer, endorse or surrender) to its B/L's chain, after
   * the checks in the file comment; the same entry again changes nothing. Audited as
   * `titles.transfer`.
   */
  async record(entry: unknown, actor: Actor): Promise<RecordResult> {
    const recorded = shapeOf(entry);
    const { billOfLading, seq, previous } = recorded.content;
    const hash = recorded.hash;
    if (seq > SEQ_MAX)
      throw invalidField({
        field: 'content/seq',
        message: `a title chain has at most ${SEQ_MAX + 1} entries (seq 0 to ${SEQ_MAX})`,
      });
    const prepared = await this.prepare(recorded);
    return this.ledger.transact(async (tx) => {
      const bl = (await storedDocuments(tx, [billOfLading])).get(billOfLading);
      const trade = bl === undefined ? undefined : await tradeIn(tx, bl.trade);
      if (
        bl?.type !== 'bill_of_lading' ||
        trade === undefined ||
        !(await this.mayRecord(tx, actor, trade, recorded))
      )
        throw new HubError('document_not_found', {
          field: 'content/billOfLading',
          message: `no bill of lading ${billOfLading}: submit it as a document first`,
        });
      const head = await titleHeads.get(tx, billOfLading);
      const next = head === undefined ? 0 : head.seq + 1;
      if (head !== undefined && seq <= head.seq) {
        const stored = await titleEntryDocuments.get(tx, entryKey(billOfLading, seq));
        const taken = stored?.hash;
        // The same entry again, byte for byte: not merely one that states the same hash.
        if (taken === hash && isDeepStrictEqual(stored, recorded))
          return { holder: head.holder, seq, status: 'exists' };
        if (head.surrendered) throw surrenderedError(head);
        throw new HubError('title_conflict', {
          field: 'content/seq',
          message: `entry ${seq} of ${billOfLading} is taken by ${taken ?? '?'}; the chain's head is entry ${head.seq} (${head.head}), held by ${head.holder}`,
        });
      }
      if (head?.surrendered === true) throw surrenderedError(head);
      if (seq > next)
        throw new HubError('title_invalid', {
          field: 'content/seq',
          message:
            head === undefined
              ? `no title of ${billOfLading} was issued yet: the first entry is 0, the carrier's issue`
              : `entry ${seq} does not follow the chain's head, entry ${head.seq} (${head.head}): the next entry is ${next}`,
        });
      const expected = head?.head ?? null;
      if (previous !== expected)
        throw new HubError('title_invalid', {
          field: 'content/previous',
          message:
            expected === null
              ? `entry 0 starts the chain: its previous is null, not ${previous ?? 'null'}`
              : `entry ${seq} links to ${previous ?? 'null'}, but entry ${head?.seq ?? 0} is ${expected}: the chain is broken`,
        });
      const register = await this.register.snapshotIn(tx, tx.nowNs);
      // Verified against this very head before the transaction began, or (the head moved since
      // and the entry still follows it) now.
      const verdict =
        prepared !== undefined && prepared.head === expected
          ? prepared.verdict
          : verifyTitleChain(
              bl.document,
              [...(await entriesIn(tx, billOfLading, next)), recorded],
              register,
            );
      if (!verdict.valid || verdict.holder === undefined) {
        const failed = verdict.checks.filter((check) => check.status === 'fail');
        throw new HubError('title_invalid', {
          field: 'entry',
          message: `the title entry is refused: ${failed.map((check) => check.reason).join('; ') || 'the chain does not verify'}`,
        });
      }
      checkAtReceipt(recorded, register, tx.nowNs);
      const status: TitleStatus = {
        billOfLading,
        trade: bl.trade,
        seq,
        head: hash,
        holder: verdict.holder,
        surrendered: verdict.surrendered,
      };
      await tx.putRecords([
        titleEntryDocuments.put(entryKey(billOfLading, seq), recorded),
        titleHeads.put(billOfLading, status),
      ]);
      await tx.appendAudit([
        auditEntry(actor, tx.nowNs, 'titles.transfer', billOfLading, {
          seq,
          action: recorded.content.action,
          from: recorded.content.from,
          to: recorded.content.to,
          entry: hash,
          holder: status.holder,
          surrendered: status.surrendered,
        }),
      ]);
      return { holder: status.holder, seq, status: 'created' };
    });
  }

  /**
   * The chain verified with `entry` at its end, against the committed head and register, before
   * the write transaction: the signatures (one pair per entry) are the cost, and the store's
   * writes should not wait for them. Undefined when the entry does not follow the head, which the
   * transaction then refuses precisely. The transaction uses the verdict only if the head is still
   * the one verified against; entries already in the chain were signed at their own times, so a
   * register change since cannot undo them, and the new entry's key is checked again at the
   * hub's time inside the transaction (`checkAtReceipt`).
   */
  private async prepare(
    entry: SignedTitleEntry,
  ): Promise<{ head: string | null; verdict: TitleChainReport } | undefined> {
    const store = this.ledger.store;
    const { billOfLading, seq, previous } = entry.content;
    const bl = (await storedDocuments(store, [billOfLading])).get(billOfLading);
    if (bl?.type !== 'bill_of_lading') return undefined;
    const head = await titleHeads.get(store, billOfLading);
    const next = head === undefined ? 0 : head.seq + 1;
    if (seq !== next || previous !== (head?.head ?? null) || head?.surrendered === true)
      return undefined;
    const [entries, register] = await Promise.all([
      entriesIn(store, billOfLading, next),
      this.register.snapshot(),
    ]);
    return {
      head: head?.head ?? null,
      verdict: verifyTitleChain(bl.document, [...entries, entry], register),
    };
  }

  /** The chain of a B/L, entry 0 first, to whoever may see its trade or took part in its chain. */
  async chain(billOfLading: string, actor: Actor): Promise<SignedTitleEntry[]> {
    const { entries } = await this.read(billOfLading, actor);
    return entries;
  }

  /** Where the title of a B/L stands (undefined when none was issued yet), to the same readers as `chain`. */
  async status(billOfLading: string, actor: Actor): Promise<TitleStatus | undefined> {
    const { head } = await this.read(billOfLading, actor);
    return head;
  }

  private async read(
    billOfLading: string,
    actor: Actor,
  ): Promise<{ head: TitleStatus | undefined; entries: SignedTitleEntry[] }> {
    const store = this.ledger.store;
    const bl = HASH.test(billOfLading)
      ? (await storedDocuments(store, [billOfLading])).get(billOfLading)
      : undefined;
    const trade = bl === undefined ? undefined : await tradeIn(store, bl.trade);
    const head = await titleHeads.get(store, billOfLading);
    const entries = head === undefined ? [] : await entriesIn(store, billOfLading, head.seq + 1);
    if (
      bl?.type === 'bill_of_lading' &&
      trade !== undefined &&
      (await this.mayRead(store, actor, trade, entries))
    )
      return { head, entries };
    throw new HubError('document_not_found', {
      field: 'billOfLading',
      message: `no bill of lading ${billOfLading}`,
    });
  }

  /** The operator, auditors, the trade's parties and their banks, and the participants of the chain's holders. */
  private async mayRead(
    reader: DocumentReader,
    actor: Actor,
    trade: TradeRecord,
    entries: readonly SignedTitleEntry[],
  ): Promise<boolean> {
    if (maySee(trade, actor)) return true;
    const participant = actor.role === 'participant' ? actor.participant : undefined;
    if (participant === undefined) return false;
    const holders = new Set(entries.flatMap((entry) => [entry.content.from, entry.content.to]));
    return this.linkedTo(reader, participant, holders);
  }

  /** The operator, the trade's parties and their banks, and the participant of the entry's signer or recipient. */
  private async mayRecord(
    reader: DocumentReader,
    actor: Actor,
    trade: TradeRecord,
    entry: SignedTitleEntry,
  ): Promise<boolean> {
    if (actor.role === 'operator') return true;
    const participant = actor.role === 'participant' ? actor.participant : undefined;
    if (participant === undefined) return false;
    if (maySee(trade, actor)) return true;
    const content = entry.content;
    return this.linkedTo(reader, participant, new Set([content.from, content.to]));
  }

  /** Whether one of these register issuers acts for `participant`. */
  private async linkedTo(
    reader: DocumentReader,
    participant: string,
    issuers: ReadonlySet<unknown>,
  ): Promise<boolean> {
    const register = await this.register.snapshotIn(reader);
    return register.issuers.some(
      (issuer) => issuers.has(issuer.id) && issuer.participant === participant,
    );
  }
}

/** How far ahead of the hub's clock an entry may be dated (clocks differ a little). */
const CLOCK_SKEW_NS = 5n * 60n * 1_000_000_000n;

/**
 * What the chain's own rules cannot know: the hub's time. An entry is not dated ahead of it (so
 * that no holder dates an entry into a key's validity it has not reached), and its key still
 * stands when the hub records it: an entry signed with a key revoked, superseded or expired by now
 * is refused even if dated earlier, as a document received after its key's revocation is.
 */
function checkAtReceipt(entry: SignedTitleEntry, register: RegisterSnapshot, nowNs: bigint): void {
  const now = isoOfNs(nowNs);
  const { content, signature } = entry;
  if (parseInstant(content.at, 'content/at') > nowNs + CLOCK_SKEW_NS)
    throw new HubError('title_invalid', {
      field: 'content/at',
      message: `the entry is dated ${content.at}, after the hub's time ${now}`,
    });
  const signer = register.issuers.find((issuer) => issuer.id === content.from);
  const key = signer?.keys.find((candidate) => candidate.keyId === signature.keyId);
  // verifyTitleChain passed, so the signer and its key are in the register.
  if (signer === undefined || key === undefined)
    throw new Error(`bug: a verified title entry's key ${signature.keyId} is not in the register`);
  if (nowNs >= parseInstant(key.validTo, 'validTo'))
    throw new HubError('title_invalid', {
      field: 'signature/keyId',
      message: `key ${key.keyId} of ${signer.id} expired at ${key.validTo}; the hub received the entry at ${now}`,
    });
  const standing = keyStanding(signer, key, now, 'the hub received the entry');
  if (standing.status === 'fail')
    throw new HubError('title_invalid', { field: 'signature/keyId', message: standing.reason });
}

function surrenderedError(head: TitleStatus): HubError {
  return new HubError('title_surrendered', {
    field: 'content/billOfLading',
    message: `the bill of lading ${head.billOfLading} was surrendered to ${head.holder} at entry ${head.seq} (${head.head}); nothing follows a surrender`,
  });
}

/** The entry's shape, or `invalid_field` naming the field at fault (`content/seq`) and why. */
function shapeOf(entry: unknown): SignedTitleEntry {
  const parsed = parseTitleEntry(entry);
  if (parsed.ok) return parsed.entry;
  throw invalidField({
    field: parsed.field,
    message: `the title entry's ${parsed.field} ${parsed.reason}`,
  });
}
