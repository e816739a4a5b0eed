// The dashboard's offline verifier: a signed document file checked in the browser, never sent to
// the hub. It runs the hub's own verifier (src/documents/verify.ts: the RFC 8785 canonical form,
// SHA-256, ML-DSA-65 and Ed25519 through @noble/post-quantum and @noble/curves, the same checks
// with the same reasons) against the trust register the page fetched earlier from the hub
// (`GET /v1/register`). The Trades page loads this module with import(), so esbuild writes it,
// and the post-quantum code, into a chunk of its own that no other page fetches.
import {
  registerSnapshotOf,
  type RegisterSnapshot,
} from '../../../src/documents/register-snapshot.ts';
import {
  verifyDocument,
  type TradeTerms,
  type VerificationReport,
} from '../../../src/documents/verify.ts';

export type { RegisterSnapshot, TradeTerms, VerificationReport };

/**
 * The register as the hub answered it (`GET /v1/register`, parsed JSON), checked as `vostro
 * document verify --register` checks a snapshot file: every key's id is the hash of its key, no
 * key is listed twice, and so on. A register that fails is refused with the field at fault, and
 * nothing is verified against it.
 */
export function readRegister(
  value: unknown,
): { ok: true; register: RegisterSnapshot } | { ok: false; problem: string } {
  try {
    return { ok: true, register: registerSnapshotOf(value) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** What the page knows, beside the register, that the verification may use. */
export interface Known {
  /** The trade terms (`GET /v1/trades/{id}` `terms`) of a trade the page has loaded, by id. */
  readonly trade: (id: string) => TradeTerms | undefined;
  /** When the hub received a document the page has listed, by its hash (the key rules' time). */
  readonly receivedAt: (hash: string) => string | undefined;
  /** The time a document the hub has not received is judged at: now. */
  readonly now: Date;
}

/** The offline verification of one file, with what it used besides the file. */
export interface OfflineReport {
  readonly report: VerificationReport;
  /** The trade checked against, or undefined (the file names none the page has loaded). */
  readonly trade?: string;
  /** The receipt time the keys were judged at, and whether it is the hub's own. */
  readonly receivedAt: string;
  readonly receivedByHub: boolean;
}

/**
 * Verifies a document file's bytes (JSON, UTF-8, at most 256 KiB: the verifier's own `size` and
 * `schema` checks say so otherwise) against `register` and, where the page has loaded the trade it
 * names, against that trade's terms. A document the hub already holds is judged at the hub's
 * receipt time, as the hub judges it; any other as if received now.
 */
export function verifyFile(
  bytes: Uint8Array,
  register: RegisterSnapshot,
  known: Known,
): OfflineReport {
  const named = namedIn(bytes);
  const terms = named.trade === undefined ? undefined : known.trade(named.trade);
  const hubReceipt = named.hash === undefined ? undefined : known.receivedAt(named.hash);
  const receivedAt = hubReceipt ?? known.now.toISOString();
  const report = verifyDocument(bytes, {
    register,
    receivedAt,
    ...(terms === undefined ? {} : { trade: terms }),
  });
  return {
    report,
    ...(terms === undefined ? {} : { trade: terms.id }),
    receivedAt,
    receivedByHub: hubReceipt !== undefined,
  };
}

/**
 * The trade and the hash a file names, read without trusting it (the verifier checks it all):
 * they only pick the trade terms and the receipt time the verification uses.
 */
function namedIn(bytes: Uint8Array): { trade?: string; hash?: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null) return {};
  const record = value as { hash?: unknown; content?: { trade?: unknown } | null };
  const trade = typeof record.content === 'object' ? record.content?.trade : undefined;
  return {
    ...(typeof trade === 'string' ? { trade } : {}),
    ...(typeof record.hash === 'string' ? { hash: record.hash } : {}),
  };
}

/**
 * What a check in the browser cannot know, in words for the page: the register is the one
 * fetched at `fetchedAt`, and the hub holds what the file alone does not say.
 */
export function offlineLimits(fetchedAt: string, checkedTrade: boolean): string[] {
  return [
    `Keys revoked or superseded, and issuers added or changed, after the register was fetched (${fetchedAt}): the check uses that copy. Reload the page for a newer one.`,
    'Whether a bill of lading’s title was surrendered: the title chain is kept by the hub (bill_of_lading_not_surrendered is skipped).',
    'When the hub received a document it has not listed here: the keys are judged as if it arrived now.',
    checkedTrade
      ? 'Presentation deadlines: they depend on when the documents are presented to the hub (presentation_period is skipped).'
      : 'Consistency with the trade: the file names no trade this page has loaded, so the trade checks are skipped.',
  ];
}
