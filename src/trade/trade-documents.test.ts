import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DOCUMENT_MAX_BYTES } from '../documents/envelope.js';
import { verifyDocument, type VerificationReport } from '../documents/verify.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import {
  declaration,
  invoice,
  KEYS,
  receipt,
  signed,
  TRADE_ID,
  withTrade,
} from './documents.test-helper.js';
import { storedDocuments, TradeDocumentService } from './trade-documents.js';
import {
  auditor,
  openSqlite,
  operator,
  participantActor,
  refusal,
  unchanged,
  type OpenStore,
} from './trade.test-helper.js';

const tata = participantActor('tata');
const failed = (report: VerificationReport) =>
  report.checks.filter((check) => check.status === 'fail').map((check) => check.name);

/** Flips one character of a base64 string (keeping it base64). */
function flipped(text: string, at: number): string {
  const chars = text.split('');
  chars[at] = chars[at] === 'A' ? 'B' : 'A';
  return chars.join('');
}

function documentCases(open: OpenStore): void {
  it('stores a signed invoice at its receipt time, audited; the same document again changes nothing', async () => {
    await withTrade(open, async ({ documents, ledger, clock }) => {
      clock.advanceSeconds(90);
      const document = signed(invoice());
      const first = await documents.submit(document, tata);
      assert.equal(first.status, 'created');
      assert.equal(first.report.valid, true, JSON.stringify(first.report.checks));
      assert.deepEqual(first.document, {
        hash: document.hash,
        type: 'commercial_invoice',
        trade: TRADE_ID,
        issuer: 'tata',
        receivedAt: '2026-03-02T00:01:30.000Z',
        receivedBy: 'tata',
        document,
      });
      const audit = (await ledger.store.auditEntries({ limit: 1000 })).at(-1);
      assert.deepEqual(
        [audit?.action, audit?.target, audit?.detail],
        [
          'documents.submit',
          document.hash,
          {
            type: 'commercial_invoice',
            trade: TRADE_ID,
            issuer: 'tata',
            keyId: document.signature.keyId,
            valid: true,
            failed: [],
          },
        ],
      );
      const check = await unchanged(ledger.store);
      clock.advanceSeconds(60);
      // As text (a file), too.
      const again = await documents.submit(JSON.stringify(document), operator);
      assert.equal(again.status, 'exists');
      assert.deepEqual(again.document, first.document, 'the first receipt stands');
      await check();
      assert.deepEqual(
        [...(await storedDocuments(ledger.store, [document.hash])).keys()],
        [document.hash],
      );
    });
  });

  it('the same document submitted twice at once is stored once: one created, one exists, one audit entry', async () => {
    await withTrade(open, async ({ documents, ledger }) => {
      const document = signed(invoice());
      const audits = (await ledger.store.auditEntries({ limit: 10_000 })).length;
      const results = await Promise.all([
        documents.submit(document, tata),
        documents.submit(document, participantActor('severstal')),
      ]);
      assert.deepEqual(results.map((result) => result.status).sort(), ['created', 'exists']);
      assert.deepEqual(results[0].document, results[1].document);
      assert.equal((await ledger.store.auditEntries({ limit: 10_000 })).length, audits + 1);
    });
  });

  it('among concurrent submissions, a duplicate, an oversized one and one from a stranger fail only themselves', async () => {
    await withTrade(open, async ({ documents, ledger }) => {
      const good = signed(invoice());
      const strangers = signed(invoice({ number: 'INV-STRANGER' }));
      const later = signed(invoice({ number: 'INV-LATER' }));
      const outcomes = await Promise.allSettled([
        documents.submit(good, tata),
        documents.submit(good, tata),
        // Valid and signed, but infosys is no party to the trade: refused inside its transaction.
        documents.submit(strangers, participantActor('infosys')),
        documents.submit({ ...good, padding: 'x'.repeat(DOCUMENT_MAX_BYTES) }, tata),
        documents.submit(later, tata),
      ]);
      const [first, second, stranger, oversized, last] = outcomes;
      const statusOf = (outcome: PromiseSettledResult<{ status: string }>) =>
        outcome.status === 'fulfilled' ? outcome.value.status : 'refused';
      assert.deepEqual([statusOf(first), statusOf(second)].sort(), ['created', 'exists']);
      assert.equal(statusOf(last), 'created');
      const reasonOf = (outcome: PromiseSettledResult<unknown>): unknown => {
        assert.ok(outcome.status === 'rejected', 'refused');
        return outcome.reason;
      };
      refusal('trade_not_found', 'content/trade')(reasonOf(stranger));
      refusal('document_too_large')(reasonOf(oversized));
      assert.deepEqual(
        [
          ...(await storedDocuments(ledger.store, [good.hash, strangers.hash, later.hash])).keys(),
        ].sort(),
        [good.hash, later.hash].sort(),
      );
    });
  });

  it('the parties and their banks, the operator and auditors read a document; to anyone else it does not exist', async () => {
    await withTrade(open, async ({ documents }) => {
      const { document } = await documents.submit(signed(invoice()), tata);
      for (const reader of [
        tata,
        participantActor('severstal'),
        participantActor('sbi'),
        participantActor('vtb'),
        operator,
        auditor,
      ])
        assert.deepEqual(await documents.get(document.hash, reader), document, reader.id);
      for (const reader of [participantActor('infosys'), participantActor('ru-customs')])
        await assert.rejects(
          documents.get(document.hash, reader),
          refusal('document_not_found', 'hash', new RegExp(`no document ${document.hash}`)),
        );
      await assert.rejects(
        documents.get(`sha256:${'0'.repeat(64)}`, operator),
        refusal('document_not_found', 'hash'),
      );
      assert.deepEqual(await documents.listForTrade(TRADE_ID, participantActor('vtb')), [document]);
      await assert.rejects(
        documents.listForTrade(TRADE_ID, participantActor('infosys')),
        refusal('trade_not_found', 'trade'),
      );
    });
  });

  it('refuses a document whose integrity fails, naming every failed check, and writes nothing', async () => {
    await withTrade(open, async ({ documents, ledger }) => {
      const good = signed(invoice());
      const check = await unchanged(ledger.store);
      const cases: [string, unknown, string, RegExp][] = [
        [
          'content changed after signing',
          { ...good, content: { ...good.content, number: 'TS/2026/0043' } },
          'document_invalid',
          /canonical_hash: the content hashes to sha256:[0-9a-f]{64}, not the stated/,
        ],
        [
          'a byte of the ML-DSA signature changed',
          {
            ...good,
            signature: { ...good.signature, mlDsa65: flipped(good.signature.mlDsa65, 100) },
          },
          'document_invalid',
          /signature_ml_dsa_65: /,
        ],
        [
          'a byte of the Ed25519 signature changed',
          {
            ...good,
            signature: { ...good.signature, ed25519: flipped(good.signature.ed25519, 10) },
          },
          'document_invalid',
          /signature_ed25519: /,
        ],
        [
          'an ML-DSA signature one byte short',
          {
            ...good,
            signature: {
              ...good.signature,
              mlDsa65: Buffer.from(good.signature.mlDsa65, 'base64').subarray(1).toString('base64'),
            },
          },
          'document_invalid',
          /signature_ml_dsa_65: .*3308/,
        ],
        [
          'an unknown issuer',
          signed(invoice({ issuer: 'acme' }), KEYS.tata()),
          'document_invalid',
          /issuer_known: /,
        ],
        [
          'an issuer not allowed to issue invoices',
          signed(invoice({ issuer: 'maersk' })),
          'document_invalid',
          /issuer_allowed: /,
        ],
        [
          "another issuer's key",
          signed(invoice(), KEYS.sbi()),
          'document_invalid',
          /key_valid_at_receipt: /,
        ],
        ['not a document', { hello: 'world' }, 'document_invalid', /schema: /],
        [
          'a malformed content',
          { ...good, content: { ...good.content, lines: [] } },
          'document_invalid',
          /schema: content\/lines/,
        ],
      ];
      for (const [what, input, code, message] of cases)
        await assert.rejects(
          documents.submit(input, tata),
          refusal(code, 'document', message),
          what,
        );
      await assert.rejects(
        documents.submit(
          { ...good, content: { ...good.content, padding: 'x'.repeat(DOCUMENT_MAX_BYTES) } },
          tata,
        ),
        refusal('document_too_large', 'document', /bytes as JSON; the hub takes at most 262144/),
      );
      await assert.rejects(
        documents.submit('{"format":', tata),
        refusal('invalid_field', 'document', /not JSON/),
      );
      // Well signed, but HS 2022 has no subheading 100699 (heading 1006 is rice).
      await assert.rejects(
        documents.submit(
          signed(
            invoice({
              lines: [
                {
                  hs: '100699',
                  description: 'rice',
                  quantity: '1500',
                  unit: 't',
                  unitPrice: '52000.00',
                  amount: '78000000.00',
                },
              ],
            }),
          ),
          tata,
        ),
        refusal(
          'unknown_hs_code',
          'content/lines/0/hs',
          /heading 1006 .* has no subheading 100699/,
        ),
      );
      await assert.rejects(
        documents.submit(signed(invoice({ trade: '0190f0a1-7c3e-7000-8000-00000000ffff' })), tata),
        refusal('trade_not_found', 'content/trade'),
      );
      // Someone who is no party to the trade and not the issuer's participant.
      await assert.rejects(
        documents.submit(good, participantActor('infosys')),
        refusal('trade_not_found', 'content/trade', new RegExp(`no trade ${TRADE_ID}`)),
      );
      await check();
    });
  });

  it('stores a document that disagrees with its trade, with the discrepancies in its report', async () => {
    await withTrade(open, async ({ documents, ledger }) => {
      const cheap = signed(
        invoice({
          lines: [
            {
              hs: '720851',
              description: 'hot-rolled steel plate, over 10 mm',
              quantity: '1500',
              unit: 't',
              unitPrice: '50000.00',
              amount: '75000000.00',
            },
          ],
          total: '75000000.00',
        }),
      );
      const result = await documents.submit(cheap, tata);
      assert.equal(result.status, 'created');
      assert.equal(result.report.valid, false);
      assert.deepEqual(failed(result.report), ['trade_amounts']);
      assert.match(
        result.report.checks.find((c) => c.name === 'trade_amounts')?.reason ?? '',
        /invoice total 75000000.00 INR differs from the trade total 78000000.00 INR/,
      );
      const audit = (await ledger.store.auditEntries({ limit: 1000 })).at(-1);
      assert.deepEqual(
        [audit?.detail['valid'], audit?.detail['failed']],
        [false, ['trade_amounts']],
      );
    });
  });

  it('a key revoked after receipt leaves the document valid; a document received after the revocation is refused', async () => {
    await withTrade(open, async ({ documents, register, clock, ledger }) => {
      const before = signed(invoice());
      const late = signed(invoice({ number: 'TS/2026/0044' }));
      await documents.submit(before, tata);
      clock.advanceSeconds(3600);
      await register.revokeKey('tata', KEYS.tata().keyId, 'key compromised', operator);
      clock.advanceSeconds(1);
      const check = await unchanged(ledger.store);
      // Signed before the revocation, received after it: refused.
      await assert.rejects(
        documents.submit(late, tata),
        refusal(
          'document_invalid',
          'document',
          /key_not_revoked: .*revoked at 2026-03-02T01:00:00.000Z \(key compromised\)/,
        ),
      );
      await check();
      // The stored one is judged at its receipt time, by verify and by a resubmission.
      const report = await documents.verify(before, participantActor('severstal'));
      assert.equal(report.valid, true, JSON.stringify(report.checks));
      assert.match(
        report.checks.find((c) => c.name === 'key_not_revoked')?.reason ?? '',
        /revoked at 2026-03-02T01:00:00.000Z \(key compromised\), later/,
      );
      assert.equal((await documents.submit(before, tata)).status, 'exists');
      // A document not stored is verified as if received now: the revoked key fails it.
      assert.deepEqual(failed(await documents.verify(late, tata)), ['key_not_revoked']);
    });
  });

  it("lists a trade's documents with the hub's verification of each at its receipt time: one valid, one discrepant, a key revoked later undoing neither", async () => {
    await withTrade(open, async ({ documents, register, clock }) => {
      assert.deepEqual(await documents.verifiedForTrade(TRADE_ID, operator), []);
      const good = signed(invoice());
      const dear = signed(
        invoice({
          number: 'TS/2026/0045',
          lines: [
            {
              hs: '720851',
              description: 'hot-rolled steel plate, over 10 mm',
              quantity: '1500',
              unit: 't',
              unitPrice: '52500.00',
              amount: '78750000.00',
            },
          ],
          total: '78750000.00',
        }),
      );
      await documents.submit(good, tata);
      clock.advanceSeconds(60);
      await documents.submit(dear, tata);
      clock.advanceSeconds(3600);
      await register.revokeKey('tata', KEYS.tata().keyId, 'key compromised', operator);
      const listed = await documents.verifiedForTrade(TRADE_ID, participantActor('sbi'));
      assert.deepEqual(
        listed.map(({ document }) => document.hash),
        [good.hash, dear.hash].sort(),
        'in hash order',
      );
      const of = (hash: string) => {
        const found = listed.find(({ document }) => document.hash === hash);
        assert.ok(found !== undefined, hash);
        return found;
      };
      assert.equal(of(good.hash).document.receivedAt, '2026-03-02T00:00:00.000Z');
      assert.equal(of(good.hash).report.valid, true, JSON.stringify(of(good.hash).report));
      assert.equal(of(good.hash).report.hash, good.hash);
      const statuses = (report: VerificationReport) =>
        Object.fromEntries(report.checks.map((check) => [check.name, check.status]));
      assert.equal(statuses(of(good.hash).report)['trade_amounts'], 'pass');
      assert.match(
        of(good.hash).report.checks.find((c) => c.name === 'key_not_revoked')?.reason ?? '',
        /revoked at 2026-03-02T01:01:00.000Z \(key compromised\), later/,
      );
      assert.equal(of(dear.hash).report.valid, false);
      assert.deepEqual(failed(of(dear.hash).report), ['trade_amounts']);
      assert.match(
        of(dear.hash).report.checks.find((c) => c.name === 'trade_amounts')?.reason ?? '',
        /unit price 52500\.00 INR differs from the trade's 52000\.00 INR/,
      );
      // The same reports as verifying each document alone.
      for (const { document, report } of listed)
        assert.deepEqual(report, await documents.verify(document.document, operator));
      await assert.rejects(
        documents.verifiedForTrade(TRADE_ID, participantActor('infosys')),
        refusal('trade_not_found', 'trade'),
      );
      await assert.rejects(
        documents.verifiedForTrade('0190f0a1-7c3e-7000-8000-00000000dead', operator),
        refusal('trade_not_found', 'trade'),
      );
    });
  });

  it('a key revoked after the verification outside the transaction and before it refuses the document', async () => {
    await withTrade(open, async ({ ledger, register, trades }) => {
      let revoked = false;
      // The verification outside the transaction, then a revocation that commits before it opens.
      const documents = new TradeDocumentService(
        ledger,
        register,
        trades,
        async (input, context) => {
          const report = verifyDocument(input, context);
          assert.equal(report.valid, true, JSON.stringify(report.checks));
          if (!revoked) {
            revoked = true;
            await register.revokeKey('tata', KEYS.tata().keyId, 'key compromised', operator);
          }
          return report;
        },
      );
      const document = signed(invoice());
      await assert.rejects(
        documents.submit(document, tata),
        refusal(
          'document_invalid',
          'document',
          /key_not_revoked: .*revoked at 2026-03-02T00:00:00.000Z \(key compromised\); the document was received at 2026-03-02T00:00:00.000Z/,
        ),
      );
      assert.equal(revoked, true);
      // Nothing stored, and the revocation is the last thing audited.
      assert.equal((await storedDocuments(ledger.store, [document.hash])).size, 0);
      const audit = (await ledger.store.auditEntries({ limit: 10_000 })).at(-1);
      assert.equal(audit?.action, 'issuers.keys.revoke');
    });
  });

  it("a receipt time that passes a key's end between the verification and the transaction refuses the document", async () => {
    await withTrade(open, async ({ ledger, register, trades, clock }) => {
      const documents = new TradeDocumentService(ledger, register, trades, (input, context) => {
        const report = verifyDocument(input, context);
        assert.equal(report.valid, true, JSON.stringify(report.checks));
        // The key is valid to 2028-01-01; the transaction's clock reads later.
        clock.advanceSeconds(2 * 366 * 86_400);
        return report;
      });
      const check = await unchanged(ledger.store);
      await assert.rejects(
        documents.submit(signed(invoice()), tata),
        refusal(
          'document_invalid',
          'document',
          /key_valid_at_receipt: the document was received at 2028-03-03T00:00:00.000Z, after .* expired at 2028-01-01T00:00:00.000Z$/,
        ),
      );
      await check();
    });
  });

  it("the receipt time stored and reported is the transaction's, not the verification's", async () => {
    await withTrade(open, async ({ ledger, register, trades, clock }) => {
      const documents = new TradeDocumentService(ledger, register, trades, (input, context) => {
        assert.equal(context.receivedAt, '2026-03-02T00:00:00.000Z');
        clock.advanceSeconds(5);
        return verifyDocument(input, context);
      });
      const result = await documents.submit(signed(invoice()), tata);
      assert.equal(result.status, 'created');
      assert.equal(result.document.receivedAt, '2026-03-02T00:00:05.000Z');
      assert.equal(result.report.valid, true, JSON.stringify(result.report.checks));
      assert.match(
        result.report.checks.find((c) => c.name === 'key_valid_at_receipt')?.reason ?? '',
        /the document was received at 2026-03-02T00:00:05.000Z$/,
      );
    });
  });

  it('verify runs the verifier for anyone without storing; the trade is checked only for those who may see it', async () => {
    await withTrade(open, async ({ documents, ledger }) => {
      const check = await unchanged(ledger.store);
      const document = signed(
        invoice({
          currency: 'RUB',
          lines: [
            {
              hs: '720851',
              description: 'plate',
              quantity: '1500',
              unit: 't',
              unitPrice: '52000.00',
              amount: '78000000.00',
            },
          ],
        }),
      );
      const party = await documents.verify(document, participantActor('severstal'));
      assert.deepEqual(failed(party), ['trade_currency']);
      const outsider = await documents.verify(document, participantActor('infosys'));
      assert.equal(outsider.valid, true);
      assert.equal(outsider.checks.find((c) => c.name === 'trade_currency')?.status, 'skipped');
      const broken = await documents.verify(
        { ...document, hash: `sha256:${'1'.repeat(64)}` },
        auditor,
      );
      assert.equal(broken.valid, false);
      assert.ok(failed(broken).includes('canonical_hash'));
      await check();
      assert.equal((await storedDocuments(ledger.store, [document.hash])).size, 0);
    });
  });
}

function customsCases(open: OpenStore): void {
  it('customs data exchange: a declaration addressed to the importing customs, read and verified by it, acknowledged with a signed receipt', async () => {
    await withTrade(open, async ({ documents, clock, ledger }) => {
      const inCustoms = participantActor('in-customs');
      const ruCustoms = participantActor('ru-customs');
      const declared = signed(declaration());
      // The exporting customs submits its declaration.
      const submitted = await documents.submit(declared, inCustoms);
      assert.equal(submitted.status, 'created');
      assert.equal(submitted.report.valid, true, JSON.stringify(submitted.report.checks));
      assert.equal(submitted.document.addressedTo, 'ru-customs');
      assert.equal(
        (await ledger.store.auditEntries({ limit: 1000 })).at(-1)?.detail['addressedTo'],
        'ru-customs',
      );

      // The importing customs finds it, reads it and verifies it before the goods arrive.
      const inbox = await documents.listAddressedTo('ru-customs', ruCustoms);
      assert.deepEqual(inbox, { documents: [submitted.document], next: null });
      assert.deepEqual(await documents.get(declared.hash, ruCustoms), submitted.document);
      assert.equal((await documents.verify(declared, ruCustoms)).valid, true);
      // Only it, the declaring customs and the trade's parties (and their banks) may read it.
      for (const reader of ['tata', 'severstal', 'sbi', 'vtb', 'in-customs'])
        await documents.get(declared.hash, participantActor(reader));
      await assert.rejects(
        documents.get(declared.hash, participantActor('infosys')),
        refusal('document_not_found'),
      );
      await assert.rejects(
        documents.listAddressedTo('ru-customs', participantActor('infosys')),
        refusal('participant_not_found', 'participant'),
      );
      await assert.rejects(
        documents.listAddressedTo('ru-customs', inCustoms),
        refusal('participant_not_found', 'participant'),
      );

      // It acknowledges receipt with a signed receipt, which goes back to the declaring customs.
      clock.advanceSeconds(3600);
      const acknowledged = await documents.submit(signed(receipt(declared.hash)), ruCustoms);
      assert.equal(acknowledged.report.valid, true, JSON.stringify(acknowledged.report.checks));
      assert.equal(acknowledged.document.addressedTo, 'in-customs');
      const back = await documents.listAddressedTo('in-customs', inCustoms);
      assert.deepEqual(
        back.documents.map((document) => [document.type, document.document.content]),
        [['customs_receipt', receipt(declared.hash)]],
      );
      assert.deepEqual(
        (await documents.listAddressedTo('ru-customs', operator)).documents.map((d) => d.hash),
        [declared.hash],
      );
      // Pages, oldest first.
      const second = signed(declaration({ number: 'SB-4418-2026' }));
      await documents.submit(second, inCustoms);
      const page = await documents.listAddressedTo('ru-customs', auditor, { limit: 1 });
      assert.deepEqual(
        page.documents.map((d) => d.hash),
        [declared.hash],
      );
      assert.ok(page.next !== null);
      const rest = await documents.listAddressedTo('ru-customs', auditor, {
        limit: 1,
        after: page.next,
      });
      assert.deepEqual([rest.documents.map((d) => d.hash), rest.next], [[second.hash], null]);
    });
  });

  it('refuses declarations and receipts that break the customs rules, writing nothing', async () => {
    await withTrade(open, async ({ documents, ledger }) => {
      const inCustoms = participantActor('in-customs');
      const ruCustoms = participantActor('ru-customs');
      const declared = signed(declaration());
      await documents.submit(declared, inCustoms);
      const check = await unchanged(ledger.store);
      const cases: [string, unknown, string, string, RegExp][] = [
        [
          'addressed to a bank',
          signed(declaration({ addressedTo: 'vtb' })),
          'document_invalid',
          'content/addressedTo',
          /vtb is a bank, not a customs authority/,
        ],
        [
          'addressed to nobody',
          signed(declaration({ addressedTo: 'nobody' })),
          'document_invalid',
          'content/addressedTo',
          /no participant nobody/,
        ],
        [
          'addressed to the customs of another country',
          signed(declaration({ importCountry: 'KZ' })),
          'document_invalid',
          'content/addressedTo',
          /ru-customs is the customs of RU, not of the import country KZ/,
        ],
        [
          'declaring an export from the other country',
          signed(
            declaration({ exportCountry: 'RU', importCountry: 'IN', addressedTo: 'in-customs' }),
          ),
          'document_invalid',
          'content/exportCountry',
          /signed by the customs of IN but declares an export from RU/,
        ],
        [
          'a receipt of an unknown declaration',
          signed(receipt(`sha256:${'2'.repeat(64)}`)),
          'document_invalid',
          'content/receivedDeclaration',
          /no export declaration sha256:2{64} of trade/,
        ],
        [
          'a receipt by a customs the declaration is not addressed to',
          signed(receipt(declared.hash, { issuer: 'in-cbic', receivedBy: 'in-customs' })),
          'document_invalid',
          'content/receivedBy',
          /addressed to ru-customs, not to in-customs/,
        ],
      ];
      for (const [what, input, code, field, message] of cases)
        await assert.rejects(
          documents.submit(
            input,
            what === 'a receipt of an unknown declaration' ? ruCustoms : inCustoms,
          ),
          refusal(code, field, message),
          what,
        );
      // A customs authority submits only its own documents, or those of trades it is a party to.
      await assert.rejects(
        documents.submit(signed(invoice()), ruCustoms),
        refusal('trade_not_found', 'content/trade'),
      );
      await check();
    });
  });
}

describe('trade documents on SQLite', () => {
  documentCases(openSqlite);
  customsCases(openSqlite);
});

await postgresTests('trade documents on PostgreSQL', (schemas) => {
  const open = () => PostgresStore.open({ url: schemas.next(), poolMax: 2 });
  describe('trade documents on PostgreSQL', () => {
    documentCases(open);
    customsCases(open);
  });
});
