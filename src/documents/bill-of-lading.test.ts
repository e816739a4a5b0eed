import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import {
  signTitleEntry,
  verifyTitleChain,
  type SignedTitleEntry,
  type TitleAction,
  type TitleEntryContent,
} from './bill-of-lading.js';
import { documentHash } from './canonical.js';
import {
  copy,
  keyFrom,
  keyOf,
  sampleContents,
  sampleRegister,
  signAs,
} from './documents.test-helper.js';
import type { SignedDocument } from './envelope.js';
import type { RegisterSnapshot } from './register-snapshot.js';
import { fromBase64, toBase64 } from './signature.js';

// Signed once for the file.
const BL: SignedDocument = signAs(sampleContents().bill_of_lading);

/** Minutes after the bill was issued, as an instant. */
const at = (minute: number) => new Date(Date.UTC(2026, 2, 12, 12, minute)).toISOString();

/** Builds and signs the next entry of `chain`, by `from` (or `signer`, to forge one). */
function next(
  chain: readonly SignedTitleEntry[],
  action: TitleAction,
  from: string,
  to: string,
  change: Partial<TitleEntryContent> & { signer?: string } = {},
): SignedTitleEntry {
  const { signer = from, ...fields } = change;
  const last = chain[chain.length - 1];
  return signTitleEntry(
    {
      format: 'vostro-title-entry/1',
      billOfLading: BL.hash,
      seq: chain.length,
      action,
      from,
      to,
      at: at(chain.length),
      previous: last?.hash ?? null,
      ...fields,
    },
    keyOf(signer),
  );
}

/** issue to the shipper, transfer to the shipper's bank, endorse to the buyer's bank, transfer to the buyer. */
function chainToImporter(): SignedTitleEntry[] {
  const chain: SignedTitleEntry[] = [];
  chain.push(next(chain, 'issue', 'sci-carrier', 'tata-steel'));
  chain.push(next(chain, 'transfer', 'tata-steel', 'sbi'));
  chain.push(next(chain, 'endorse', 'sbi', 'vtb-bank'));
  chain.push(next(chain, 'transfer', 'vtb-bank', 'rusimport'));
  return chain;
}
const CHAIN = chainToImporter();

const reasons = (report: ReturnType<typeof verifyTitleChain>) =>
  report.checks.map((check) => `${check.status}: ${check.reason}`);
/** The one failing entry's reason. */
function failure(entries: readonly SignedTitleEntry[], register = sampleRegister()): string {
  const report = verifyTitleChain(BL, entries, register);
  assert.equal(report.valid, false);
  assert.equal(report.holder, undefined);
  const failing = report.checks.filter((check) => check.status === 'fail');
  assert.equal(failing.length, 1, reasons(report).join('\n'));
  return failing[0]!.reason;
}

describe('bill of lading title chain', () => {
  it("follows the title from the carrier to the shipper, its bank, the buyer's bank and the buyer", () => {
    const report = verifyTitleChain(BL, CHAIN, sampleRegister());
    assert.deepEqual(reasons(report), [
      `pass: bill of lading SCI-NSA-2026-1187 (${BL.hash}) by sci-carrier to tata-steel`,
      `pass: entry 0: issue from sci-carrier to tata-steel at ${at(0)}, signed by sci-carrier`,
      `pass: entry 1: transfer from tata-steel to sbi at ${at(1)}, signed by tata-steel`,
      `pass: entry 2: endorse from sbi to vtb-bank at ${at(2)}, signed by sbi`,
      `pass: entry 3: transfer from vtb-bank to rusimport at ${at(3)}, signed by vtb-bank`,
    ]);
    assert.equal(report.valid, true);
    assert.equal(report.holder, 'rusimport');
    assert.equal(report.surrendered, false);
    assert.deepEqual(
      report.checks.map((check) => check.name),
      ['title_document', ...CHAIN.map(() => 'title_entry')],
    );
  });

  it('ends with the surrender to the carrier, after which nothing may follow', () => {
    const chain = [...CHAIN];
    chain.push(next(chain, 'surrender', 'rusimport', 'sci-carrier'));
    const surrendered = verifyTitleChain(BL, chain, sampleRegister());
    assert.equal(surrendered.valid, true);
    assert.equal(surrendered.surrendered, true);
    assert.equal(surrendered.holder, 'sci-carrier');
    const after = [...chain, next(chain, 'transfer', 'sci-carrier', 'sbi')];
    assert.equal(
      failure(after),
      'entry 5: transfer by sci-carrier after the bill of lading was surrendered to the carrier at entry 4; nothing may follow a surrender',
    );
    assert.equal(verifyTitleChain(BL, after, sampleRegister()).surrendered, true);
  });

  it('refuses a second transfer by a former holder, naming who holds the title', () => {
    const chain = CHAIN.slice(0, 2); // sbi holds it
    const doubleSpend = next(chain.slice(0, 1), 'transfer', 'tata-steel', 'rusimport', {
      seq: 2,
      previous: chain[1]!.hash,
      at: at(2),
    });
    assert.equal(
      failure([...chain, doubleSpend]),
      'entry 2: transfer from tata-steel, a former holder who handed the title on at entry 1; the holder is sbi',
    );
    const stranger = next(chain, 'transfer', 'vtb-bank', 'rusimport');
    assert.equal(
      failure([...chain, stranger]),
      'entry 2: transfer from vtb-bank, who is not the holder (sbi)',
    );
  });

  it('refuses an entry signed by someone other than the holder it names', () => {
    const forged = next(CHAIN.slice(0, 2), 'transfer', 'sbi', 'rusimport', { signer: 'vtb-bank' });
    assert.equal(
      failure([...CHAIN.slice(0, 2), forged]),
      'entry 2: signed by vtb-bank, who is not the holder (sbi)',
    );
    const issueBy = next([], 'issue', 'sci-carrier', 'tata-steel', { signer: 'rzd-rail' });
    assert.equal(
      failure([issueBy]),
      'entry 0: signed by rzd-rail, who is not the carrier (sci-carrier)',
    );
    const stranger = keyFrom(91);
    const unknownKey = signTitleEntry(CHAIN[0]!.content, stranger);
    assert.equal(
      failure([unknownKey]),
      `entry 0: signed with ${stranger.keyId}, which the trust register does not hold`,
    );
  });

  it('refuses a broken hash link, a gap in seq, and an entry of another bill', () => {
    const chain = CHAIN.slice(0, 2);
    const relinked = next(chain, 'transfer', 'sbi', 'vtb-bank', { previous: CHAIN[0]!.hash });
    assert.equal(
      failure([...chain, relinked]),
      `entry 2: previous is ${CHAIN[0]!.hash}, but entry 1 hashes to ${CHAIN[1]!.hash}: the chain is broken`,
    );
    const gap = next(chain, 'transfer', 'sbi', 'vtb-bank', { seq: 3 });
    assert.equal(
      failure([...chain, gap]),
      'entry 2: its seq is 3, expected 2: entries count from 0 without gaps',
    );
    const otherBill = `sha256:${'0'.repeat(64)}`;
    const foreign = next(chain, 'transfer', 'sbi', 'vtb-bank', { billOfLading: otherBill });
    assert.equal(
      failure([...chain, foreign]),
      `entry 2: it is an entry of the bill of lading ${otherBill}, not of this one (${BL.hash})`,
    );
    const dropped = [CHAIN[0]!, CHAIN[2]!, CHAIN[3]!];
    assert.match(failure(dropped), /^entry 1: its seq is 2, expected 1/);
    const issueWithPrevious = next([], 'issue', 'sci-carrier', 'tata-steel', {
      previous: CHAIN[1]!.hash,
    });
    assert.equal(
      failure([issueWithPrevious]),
      `entry 0: previous is ${CHAIN[1]!.hash}; the issue entry has none (null)`,
    );
  });

  it('refuses an entry changed after signing, and a bad signature, naming the entry', () => {
    const changed = copy(CHAIN);
    changed[2]!.content.to = 'rusimport';
    assert.match(
      failure(changed),
      /^entry 2: its content hashes to sha256:[0-9a-f]{64}, not the stated sha256:[0-9a-f]{64}: the entry was changed after it was signed$/,
    );
    const flipped = copy(CHAIN);
    const bytes = fromBase64(flipped[1]!.signature.mlDsa65)!;
    bytes[100] = bytes[100]! ^ 0x01;
    flipped[1]!.signature.mlDsa65 = toBase64(bytes);
    assert.equal(
      failure(flipped),
      `entry 1: the signature of tata-steel does not verify: ML-DSA-65: the ML-DSA-65 signature does not verify with key ${keyOf('tata-steel').keyId}`,
    );
    const report = verifyTitleChain(BL, flipped, sampleRegister());
    assert.deepEqual(
      report.checks.slice(3).map((check) => check.status),
      ['skipped', 'skipped'],
    );
    assert.equal(report.checks[3]!.reason, 'entry 2: not checked: the chain is broken before it');
    const short = copy(CHAIN);
    short[0]!.signature.ed25519 = toBase64(
      fromBase64(short[0]!.signature.ed25519)!.subarray(0, 63),
    );
    assert.match(
      failure(short),
      /^entry 0: the signature of sci-carrier does not verify: Ed25519: signature is 63 bytes; Ed25519 signatures are 64$/,
    );
  });

  it('holds the issue to the carrier and shipper on the bill, and the surrender to its carrier', () => {
    assert.equal(
      failure([next([], 'issue', 'rzd-rail', 'tata-steel')]),
      'entry 0: issued by rzd-rail, not by the carrier named on the bill of lading (sci-carrier)',
    );
    assert.equal(
      failure([next([], 'issue', 'sci-carrier', 'sbi')]),
      'entry 0: issued to sbi, not to the shipper named on the bill of lading (tata-steel)',
    );
    assert.equal(
      failure([next([], 'transfer', 'sci-carrier', 'tata-steel')]),
      "entry 0: the first entry must be the carrier's issue, not transfer",
    );
    const chain = CHAIN.slice(0, 2);
    assert.equal(
      failure([...chain, next(chain, 'issue', 'sbi', 'vtb-bank')]),
      'entry 2: an issue entry after entry 0; the title was issued at entry 0',
    );
    assert.equal(
      failure([...chain, next(chain, 'surrender', 'sbi', 'vtb-bank')]),
      'entry 2: surrendered to vtb-bank; a bill of lading is surrendered to its carrier (sci-carrier)',
    );
    assert.equal(
      failure([...chain, next(chain, 'transfer', 'sbi', 'sci-carrier')]),
      'entry 2: transfer to the carrier sci-carrier; the title goes back to the carrier only by surrender',
    );
    assert.equal(
      failure([...chain, next(chain, 'transfer', 'sbi', 'sbi')]),
      'entry 2: transfer from sbi to itself',
    );
    assert.equal(
      failure([...chain, next(chain, 'transfer', 'sbi', 'unknown-bank')]),
      'entry 2: unknown-bank, who would hold the title, is not in the trust register',
    );
    assert.equal(
      failure([...chain, next(chain, 'transfer', 'sbi', 'vtb-bank', { at: at(0) })]),
      `entry 2: dated ${at(0)}, before entry 1 (${at(1)})`,
    );
  });

  it("refuses an entry signed with a key revoked before it, or outside the key's validity", () => {
    const revoked: RegisterSnapshot = sampleRegister();
    const sbi = revoked.issuers.find((issuer) => issuer.id === 'sbi')!;
    sbi.keys[0]!.revokedAt = at(2);
    sbi.keys[0]!.revocationReason = 'lost HSM';
    assert.equal(
      failure(CHAIN, revoked),
      `entry 2: ${keyOf('sbi').keyId} of sbi was revoked at ${at(2)} (lost HSM); the entry was made at ${at(2)}, at or after the revocation`,
    );
    sbi.keys[0]!.revokedAt = at(3);
    assert.equal(verifyTitleChain(BL, CHAIN, revoked).valid, true);
    const late = [
      ...CHAIN.slice(0, 2),
      next(CHAIN.slice(0, 2), 'transfer', 'sbi', 'vtb-bank', { at: '2027-02-01T00:00:00.000Z' }),
    ];
    assert.equal(
      failure(late),
      `entry 2: signed at 2027-02-01T00:00:00.000Z with ${keyOf('sbi').keyId} of sbi, valid only from 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z`,
    );
    const noSbi = sampleRegister();
    noSbi.issuers = noSbi.issuers.filter((issuer) => issuer.id !== 'sbi');
    assert.match(
      failure(CHAIN.slice(0, 2), noSbi),
      /^entry 1: sbi, who would hold the title, is not in the trust register$/,
    );
  });

  it('refuses a chain of a document that is not a well-formed bill of lading, or has none', () => {
    const invoice = signAs(sampleContents().commercial_invoice);
    const report = verifyTitleChain(invoice, CHAIN, sampleRegister());
    assert.deepEqual(reasons(report), [
      'fail: the document is a commercial invoice, not a bill of lading: only a bill of lading carries title',
    ]);
    const restated = { ...copy(BL), hash: documentHash({ changed: true }) };
    assert.match(
      reasons(verifyTitleChain(restated, CHAIN, sampleRegister()))[0]!,
      /^fail: the bill of lading's content hashes to sha256:[0-9a-f]{64}, not the stated "sha256:[0-9a-f]{64}"$/,
    );
    const broken = {
      ...copy(BL),
      content: { type: 'bill_of_lading' },
    } as unknown as SignedDocument;
    assert.match(
      reasons(verifyTitleChain(broken, CHAIN, sampleRegister()))[0]!,
      /^fail: the bill of lading: content\/version is required$/,
    );
    const empty = verifyTitleChain(BL, [], sampleRegister());
    assert.equal(empty.valid, false);
    assert.equal(
      empty.checks[1]!.reason,
      'no entries: the carrier sci-carrier has not issued the title (entry 0, issue, is missing)',
    );
  });

  it('refuses a malformed entry, naming its field, and never throws', () => {
    const malformed = [
      copy(CHAIN[0]!),
      { ...copy(CHAIN[1]!), content: { ...CHAIN[1]!.content, seq: -1 } },
    ];
    assert.equal(failure(malformed), 'entry 1: content/seq must be from 0 to 1000000, got -1');
    assert.equal(
      failure([null as unknown as SignedTitleEntry]),
      'entry 0: entry must be an object, got null',
    );
    const badTime = [
      { ...copy(CHAIN[0]!), content: { ...CHAIN[0]!.content, at: '2026-02-30T00:00:00Z' } },
    ];
    assert.equal(
      failure(badTime),
      'entry 0: content/at "2026-02-30T00:00:00Z" is not a valid date-time',
    );
    assert.throws(
      () =>
        signTitleEntry(
          { ...CHAIN[0]!.content, action: 'sell' as TitleAction },
          keyOf('sci-carrier'),
        ),
      (error: unknown) => error instanceof HubError && error.field === 'content/action',
    );
  });

  it('verifies a 100-entry chain offline, from the bill, the entries and a register snapshot', () => {
    const chain: SignedTitleEntry[] = [next([], 'issue', 'sci-carrier', 'tata-steel')];
    const holders = ['tata-steel', 'sbi', 'vtb-bank', 'rusimport'];
    while (chain.length < 99) {
      const from = holders[(chain.length - 1) % holders.length]!;
      const to = holders[chain.length % holders.length]!;
      chain.push(next(chain, chain.length % 2 === 0 ? 'endorse' : 'transfer', from, to));
    }
    const last = holders[(chain.length - 1) % holders.length]!;
    chain.push(next(chain, 'surrender', last, 'sci-carrier'));
    // What an offline verifier has: three files, read back from JSON.
    const [bl, entries, register] = JSON.parse(JSON.stringify([BL, chain, sampleRegister()])) as [
      SignedDocument,
      SignedTitleEntry[],
      RegisterSnapshot,
    ];
    const report = verifyTitleChain(bl, entries, register);
    assert.equal(
      report.valid,
      true,
      reasons(report).find((line) => !line.startsWith('pass')),
    );
    assert.equal(report.checks.length, 101);
    assert.equal(report.surrendered, true);
    assert.equal(report.holder, 'sci-carrier');
  });
});
