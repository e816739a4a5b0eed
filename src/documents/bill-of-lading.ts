import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidField } from '../domain/errors.js';
import { parseInstant } from '../domain/time.js';
import { documentHash } from './canonical.js';
import { HybridSignatureSchema, parseSignedDocument, type SignedDocument } from './envelope.js';
import type { RegisterSnapshot } from './register-snapshot.js';
import {
  signDigest,
  verifyDigest,
  type HybridSignature,
  type SigningKeyPair,
} from './signature.js';
import {
  DateTime,
  DocumentHash,
  aDocument,
  PartyId,
  schemaFault,
  shown,
  stringEnum,
} from './types.js';
import { keyStanding, type Check } from './verify.js';

/**
 * The title to the goods a bill of lading carries, as a chain of signed entries: one holder at a
 * time, as the UNCITRAL Model Law on Electronic Transferable Records asks (singularity, and
 * exclusive control by one identified person, articles 10 and 11), hash-linked like the transfer
 * chain of DCSA's PINT.
 *
 * - Entry 0 is `issue`: the carrier named on the bill issues the title to the shipper, and signs.
 * - Every later entry is signed by the current holder, who is its `from`: `transfer` or `endorse`
 *   hands the title to another holder (both change the holder; `endorse` records that the bill was
 *   endorsed); `surrender` hands it back to the carrier for delivery of the goods, and ends the
 *   chain: nothing may follow.
 * - Each entry names the bill (its document hash), counts `seq` from 0 without gaps, and carries
 *   the hash of the entry before it (`previous`; null for entry 0), so an entry cannot be removed,
 *   reordered or replaced without breaking every link after it.
 *
 * Holders are issuers in the trust register (the register lists exporters, importers and banks
 * beside carriers), so that each entry's signature is checked with a key the register holds, valid
 * and not revoked at the entry's time. Verification is pure and needs only the bill, the entries
 * and a register snapshot: the chain verifies offline. The hub's title service records one entry at
 * a time and re-reads the chain head in the same transaction, so two racing transfers by the same
 * holder cannot both be recorded.
 */

export const TITLE_ACTIONS = ['issue', 'transfer', 'endorse', 'surrender'] as const;
export type TitleAction = (typeof TITLE_ACTIONS)[number];

export interface TitleEntryContent {
  format: 'vostro-title-entry/1';
  /** The document hash of the bill of lading. */
  billOfLading: string;
  /** 0 for the issue, then each entry the next. */
  seq: number;
  action: TitleAction;
  /** The holder handing the title on (for the issue, the carrier); an issuer id in the register. */
  from: string;
  to: string;
  /** ISO 8601 with a zone. */
  at: string;
  /** The hash of entry seq - 1; null for the issue. */
  previous: string | null;
}

export interface SignedTitleEntry {
  content: TitleEntryContent;
  /** documentHash(content). */
  hash: string;
  signature: HybridSignature;
}

const strict = { additionalProperties: false } as const;

export const TitleEntryContentSchema = Type.Object(
  {
    format: Type.Literal('vostro-title-entry/1'),
    billOfLading: { ...DocumentHash, description: 'the document hash of the bill of lading' },
    seq: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '0 for the issue' }),
    action: stringEnum(TITLE_ACTIONS, 'issue, transfer, endorse or surrender'),
    from: { ...PartyId, description: 'the holder handing the title on (the carrier for an issue)' },
    to: { ...PartyId, description: 'the new holder (the carrier for a surrender)' },
    at: DateTime,
    previous: Type.Union([DocumentHash, Type.Null()], {
      description: 'the hash of the entry before; null for the issue',
    }),
  },
  { ...strict, title: 'Title entry' },
);

export const SignedTitleEntrySchema = Type.Object(
  { content: TitleEntryContentSchema, hash: DocumentHash, signature: HybridSignatureSchema },
  { ...strict, title: 'Signed title entry' },
);

const checkEntry = TypeCompiler.Compile(SignedTitleEntrySchema);

/** A signed title entry's shape, or the first field at fault (`content/seq`) and why. */
export function parseTitleEntry(
  value: unknown,
): { ok: true; entry: SignedTitleEntry } | { ok: false; field: string; reason: string } {
  if (checkEntry.Check(value)) {
    const entry: SignedTitleEntry = value;
    try {
      parseInstant(entry.content.at, 'content/at');
    } catch {
      return {
        ok: false,
        field: 'content/at',
        reason: `${shown(entry.content.at)} is not a valid date-time`,
      };
    }
    return { ok: true, entry };
  }
  const first = checkEntry.Errors(value).First();
  if (first === undefined)
    return { ok: false, field: 'entry', reason: 'does not match its schema' };
  const fault = schemaFault(first, '', 'a title entry');
  return { ok: false, field: fault.field.replace(/^\//, '') || 'entry', reason: fault.reason };
}

/** Signs a title entry with the holder's key (the carrier's for the issue). */
export function signTitleEntry(content: TitleEntryContent, key: SigningKeyPair): SignedTitleEntry {
  const hash = documentHash(content);
  const entry: SignedTitleEntry = {
    content,
    hash,
    signature: signDigest(hash.slice('sha256:'.length), key),
  };
  const parsed = parseTitleEntry(entry);
  if (!parsed.ok)
    throw invalidField({ field: parsed.field, message: `${parsed.field} ${parsed.reason}` });
  return entry;
}

export interface TitleChainReport {
  /** True when the bill and every entry check. */
  valid: boolean;
  /** The holder after the last entry, when the chain is valid (the carrier once surrendered). */
  holder?: string;
  /** Whether a verified entry surrendered the bill (true even if invalid entries follow it). */
  surrendered: boolean;
  /** `title_document` for the bill, then one `title_entry` per entry: 'entry 3: …'. */
  checks: Check[];
}

/**
 * Verifies the title chain of `bl` (see the file comment): every entry in order, each against
 * the state the entries before it left. The first entry that fails ends the walk; the entries
 * after it are reported as not checked.
 */
export function verifyTitleChain(
  bl: SignedDocument,
  entries: readonly SignedTitleEntry[],
  register: RegisterSnapshot,
): TitleChainReport {
  const checks: Check[] = [];
  const document = titleDocument(bl);
  checks.push({ name: 'title_document', ...document.outcome });
  if (document.bill === undefined) return { valid: false, surrendered: false, checks };
  const { hash: blHash, carrier, shipper } = document.bill;

  if (entries.length === 0) {
    checks.push({
      name: 'title_entry',
      status: 'fail',
      reason: `no entries: the carrier ${carrier} has not issued the title (entry 0, issue, is missing)`,
    });
    return { valid: false, surrendered: false, checks };
  }

  let holder: string | undefined;
  let previous: SignedTitleEntry | undefined;
  let surrenderedAt: number | undefined;
  /** Each former holder, with the entry at which it handed the title on. */
  const former = new Map<string, number>();
  let broken = false;
  for (const [index, given] of entries.entries()) {
    if (broken) {
      checks.push({
        name: 'title_entry',
        status: 'skipped',
        reason: `entry ${index}: not checked: the chain is broken before it`,
      });
      continue;
    }
    let outcome: EntryOutcome;
    try {
      outcome = checkEntryAt(index, given);
    } catch (error) {
      outcome = bad(
        `could not be checked: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!outcome.ok) broken = true;
    checks.push({
      name: 'title_entry',
      status: outcome.ok ? 'pass' : 'fail',
      reason: `entry ${index}: ${outcome.reason}`,
    });
  }
  const valid = checks.every((check) => check.status === 'pass');
  return {
    valid,
    ...(valid && holder !== undefined ? { holder } : {}),
    surrendered: surrenderedAt !== undefined,
    checks,
  };

  /** What entry `index` says if it checks, or why it does not; advances the state if it does. */
  function checkEntryAt(index: number, value: unknown): EntryOutcome {
    const parsed = parseTitleEntry(value);
    if (!parsed.ok) return bad(`${parsed.field} ${parsed.reason}`);
    const { content, signature } = parsed.entry;
    const recomputed = documentHash(content);
    if (recomputed !== parsed.entry.hash)
      return bad(
        `its content hashes to ${recomputed}, not the stated ${parsed.entry.hash}: the entry was changed after it was signed`,
      );
    if (content.billOfLading !== blHash)
      return bad(
        `it is an entry of the bill of lading ${content.billOfLading}, not of this one (${blHash})`,
      );
    if (content.seq !== index)
      return bad(`its seq is ${content.seq}, expected ${index}: entries count from 0 without gaps`);
    if (surrenderedAt !== undefined)
      return bad(
        `${content.action} by ${content.from} after the bill of lading was surrendered to the carrier at entry ${surrenderedAt}; nothing may follow a surrender`,
      );
    const expectedPrevious = previous?.hash ?? null;
    if (content.previous !== expectedPrevious)
      return previous === undefined
        ? bad(`previous is ${content.previous}; the issue entry has none (null)`)
        : bad(
            `previous is ${String(content.previous)}, but entry ${index - 1} hashes to ${previous.hash}: the chain is broken`,
          );
    const at = parseInstant(content.at, 'at');
    if (previous !== undefined && at < parseInstant(previous.content.at, 'at'))
      return bad(`dated ${content.at}, before entry ${index - 1} (${previous.content.at})`);

    // Who may make this entry, and to whom.
    if (index === 0) {
      if (content.action !== 'issue')
        return bad(`the first entry must be the carrier's issue, not ${content.action}`);
      if (content.from !== carrier)
        return bad(
          `issued by ${content.from}, not by the carrier named on the bill of lading (${carrier})`,
        );
      if (content.to !== shipper)
        return bad(
          `issued to ${content.to}, not to the shipper named on the bill of lading (${shipper})`,
        );
    } else {
      if (content.action === 'issue')
        return bad(`an issue entry after entry 0; the title was issued at entry 0`);
      if (content.from !== holder) {
        const until = former.get(content.from);
        return until === undefined
          ? bad(`${content.action} from ${content.from}, who is not the holder (${String(holder)})`)
          : bad(
              `${content.action} from ${content.from}, a former holder who handed the title on at entry ${until}; the holder is ${String(holder)}`,
            );
      }
      if (content.action === 'surrender' && content.to !== carrier)
        return bad(
          `surrendered to ${content.to}; a bill of lading is surrendered to its carrier (${carrier})`,
        );
      if (content.action !== 'surrender' && content.to === carrier)
        return bad(
          `${content.action} to the carrier ${carrier}; the title goes back to the carrier only by surrender`,
        );
      if (content.to === content.from)
        return bad(`${content.action} from ${content.from} to itself`);
    }
    const receiver = register.issuers.find((i) => i.id === content.to);
    if (receiver === undefined)
      return bad(`${content.to}, who would hold the title, is not in the trust register`);

    // The signature: by a key of `from`, standing at the entry's time, over the entry's hash.
    const keyOwner = register.issuers.find((i) => i.keys.some((k) => k.keyId === signature.keyId));
    const signer = register.issuers.find((i) => i.id === content.from);
    if (signer === undefined)
      return bad(`${content.from}, who signs it, is not in the trust register`);
    const key = signer.keys.find((k) => k.keyId === signature.keyId);
    if (key === undefined)
      return keyOwner === undefined
        ? bad(`signed with ${signature.keyId}, which the trust register does not hold`)
        : bad(
            `signed by ${keyOwner.id}, who is not the ${index === 0 ? 'carrier' : 'holder'} (${content.from})`,
          );
    if (at < parseInstant(key.validFrom, 'validFrom') || at >= parseInstant(key.validTo, 'validTo'))
      return bad(
        `signed at ${content.at} with ${key.keyId} of ${signer.id}, valid only from ${key.validFrom} to ${key.validTo}`,
      );
    const standing = keyStanding(signer, key, content.at, `the entry was made`);
    if (standing.status === 'fail') return bad(standing.reason);
    const verified = verifyDigest(
      parsed.entry.hash.slice('sha256:'.length),
      signature,
      key.publicKey,
    );
    if (!verified.mlDsa65.ok || !verified.ed25519.ok) {
      const failed = [
        verified.mlDsa65.ok ? undefined : `ML-DSA-65${why(verified.mlDsa65.reason)}`,
        verified.ed25519.ok ? undefined : `Ed25519${why(verified.ed25519.reason)}`,
      ].filter((part) => part !== undefined);
      return bad(`the signature of ${signer.id} does not verify: ${failed.join('; ')}`);
    }

    // The entry stands: advance the state.
    if (holder !== undefined && content.action !== 'issue') former.set(holder, index);
    holder = content.to;
    previous = parsed.entry;
    if (content.action === 'surrender') surrenderedAt = index;
    return {
      ok: true,
      reason: `${content.action} from ${content.from} to ${content.to} at ${content.at}, signed by ${signer.id}`,
    };
  }
}

interface EntryOutcome {
  readonly ok: boolean;
  readonly reason: string;
}
const bad = (reason: string): EntryOutcome => ({ ok: false, reason });

function why(reason: string | undefined): string {
  return reason === undefined ? ' does not verify' : `: ${reason}`;
}

/** The bill's hash, carrier and shipper, when `bl` is a well-formed bill of lading whose hash holds. */
function titleDocument(bl: SignedDocument): {
  outcome: Omit<Check, 'name'>;
  bill?: { hash: string; carrier: string; shipper: string };
} {
  const parsed = parseSignedDocument(bl);
  if (!parsed.ok)
    return {
      outcome: { status: 'fail', reason: `the bill of lading: ${parsed.field} ${parsed.reason}` },
    };
  const content = parsed.document.content;
  if (content.type !== 'bill_of_lading')
    return {
      outcome: {
        status: 'fail',
        reason: `the document is ${aDocument(content.type)}, not a bill of lading: only a bill of lading carries title`,
      },
    };
  const hash = documentHash(content);
  if (hash !== bl.hash)
    return {
      outcome: {
        status: 'fail',
        reason: `the bill of lading's content hashes to ${hash}, not the stated ${shown(bl.hash)}`,
      },
    };
  return {
    outcome: {
      status: 'pass',
      reason: `bill of lading ${content.number} (${hash}) by ${content.carrier} to ${content.shipper}${content.toOrder ? ', to order' : ''}`,
    },
    bill: { hash, carrier: content.carrier, shipper: content.shipper },
  };
}
