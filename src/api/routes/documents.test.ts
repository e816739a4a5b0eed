import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signTitleEntry, type SignedTitleEntry } from '../../documents/bill-of-lading.js';
import { signDocument } from '../../documents/envelope.js';
import { generateKeyPair } from '../../documents/signature.js';
import { newTransferId } from '../../ledger/ids.js';
import { openAccessFixture, type AccessFixture } from '../access.test-helper.js';

/**
 * Signed documents, customs data exchange, title entries, the trust register and presentations
 * over HTTP, on the authorisation tests' cast (src/api/access.test-helper.ts): exp (kept by sbi)
 * sells rice to imp; ocean-line carries it; India's customs declares the export to Russia's. Every
 * refusal is checked for its status, code and field, and for writing nothing.
 */
describe('documents, titles, the register and presentations over HTTP', () => {
  let f: AccessFixture;
  let customsRu: string;
  let customsIn: string;
  before(async () => {
    f = await openAccessFixture();
    customsRu = await f.api.issueKey('participant', 'customs-ru');
    customsIn = await f.api.issueKey('participant', 'customs-in');
  });
  after(async () => f.api.close());

  const submit = (document: unknown, key?: string) =>
    f.api.call({
      method: 'POST',
      url: '/v1/documents',
      payload: document as Record<string, unknown>,
      ...(key === undefined ? {} : { key }),
    });

  /** Runs `body`, then checks that it wrote nothing: no ledger row, no record, no audit entry. */
  async function writesNothing(body: () => Promise<void>): Promise<void> {
    const counts = await f.api.store.counts();
    const audit = (await f.api.store.auditEntries({ limit: 100_000 })).length;
    await body();
    assert.deepEqual(await f.api.store.counts(), counts, 'nothing was written');
    assert.equal(
      (await f.api.store.auditEntries({ limit: 100_000 })).length,
      audit,
      'nothing was audited',
    );
  }

  /** A list in a response's JSON body (its `checks`, `data`, `discrepancies`). */
  const checksOf = (
    response: { json: () => Record<string, unknown> },
    list: string,
  ): { name: string; status: string; check: string; hash: string; reason: string }[] =>
    response.json()[list] as never;

  /** The problem's status, code and first field, and its detail matching `detail`. */
  function refused(
    response: Awaited<ReturnType<typeof submit>>,
    status: number,
    code: string,
    field: string,
    detail?: RegExp,
  ): void {
    assert.equal(response.statusCode, status, response.body);
    const problem = response.json();
    assert.equal(problem['code'], code, response.body);
    assert.equal(problem['errors']?.[0]?.['field'], field, response.body);
    if (detail !== undefined) assert.match(problem['detail'], detail);
  }

  it('stores a signed invoice with its receipt time; the same document again is 200; the parties read it back exactly as signed', async () => {
    const document = f.ownDocument();
    const created = await submit(document, f.keys.owner);
    assert.equal(created.statusCode, 201, created.body);
    const body = created.json();
    assert.equal(body['status'], 'created');
    assert.equal(body['document']['hash'], document.hash);
    assert.equal(body['document']['receivedBy'], 'sbi');
    assert.equal(body['report']['valid'], true, JSON.stringify(body['report']));
    for (const name of ['trade_parties', 'trade_goods', 'trade_amounts', 'trade_currency'])
      assert.equal(
        body['report']['checks'].find((check: { name: string }) => check.name === name)?.status,
        'pass',
        name,
      );
    await writesNothing(async () => {
      const again = await submit(document);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json()['status'], 'exists');
      assert.equal(again.json()['document']['receivedAt'], body['document']['receivedAt']);
    });
    const read = await f.api.call({
      method: 'GET',
      url: `/v1/documents/${document.hash}`,
      key: f.keys.owner,
    });
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(read.json()['document'], document);
    const foreign = await f.api.call({
      method: 'GET',
      url: `/v1/documents/${document.hash}`,
      key: f.keys.foreign,
    });
    refused(foreign, 404, 'document_not_found', 'path.hash');
  });

  it('stores a document that disagrees with its trade, the discrepancies in its report', async () => {
    const cheap = f.sign(
      f.invoice(f.documentTrade, {
        lines: [
          {
            hs: '100630',
            description: 'rice',
            quantity: '10',
            unit: 'KGM',
            unitPrice: '80.00',
            amount: '800.00',
          },
        ],
        total: '800.00',
      }),
    );
    const created = await submit(cheap);
    assert.equal(created.statusCode, 201, created.body);
    const report = created.json()['report'];
    assert.equal(report['valid'], false);
    const amounts = report['checks'].find(
      (check: { name: string }) => check.name === 'trade_amounts',
    );
    assert.equal(amounts.status, 'fail');
    assert.match(amounts.reason, /900\.00/);
  });

  it("a trade's documents, each with the hub's verification of it, to whoever may see the trade", async () => {
    const document = f.ownDocument();
    assert.equal((await submit(document, f.keys.owner)).statusCode < 300, true);
    const url = `/v1/trades/${f.documentTrade}/documents`;
    const listed = await f.api.call({ method: 'GET', url, key: f.keys.owner });
    assert.equal(listed.statusCode, 200, listed.body);
    const data = listed.json()['data'] as {
      hash: string;
      document: unknown;
      receivedAt: string;
      report: { valid: boolean; hash: string; checks: { name: string; status: string }[] };
    }[];
    const entry = data.find((found) => found.hash === document.hash);
    assert.ok(entry !== undefined, listed.body);
    assert.deepEqual(entry.document, document, 'exactly as signed');
    assert.equal(entry.report.hash, document.hash);
    const verified = await f.api.call({
      method: 'POST',
      url: '/v1/documents/verify',
      payload: { ...document },
      key: f.keys.owner,
    });
    assert.deepEqual(entry.report, verified.json(), 'the report POST /v1/documents/verify gives');
    assert.ok(
      entry.report.checks.some(
        (check) => check.name === 'trade_parties' && check.status === 'pass',
      ),
    );
    const staff = await f.api.call({ method: 'GET', url, key: f.keys.auditor });
    assert.equal(staff.statusCode, 200, staff.body);
    assert.deepEqual(staff.json(), listed.json());
    refused(
      await f.api.call({ method: 'GET', url, key: f.keys.foreign }),
      404,
      'trade_not_found',
      'path.id',
    );
    refused(
      await f.api.call({ method: 'GET', url: '/v1/trades/not-an-id/documents' }),
      400,
      'invalid_request',
      'path.id',
    );
  });

  it('verify reports every check and stores nothing, whatever is sent', async () => {
    const document = f.ownDocument();
    await writesNothing(async () => {
      const good = await f.api.call({
        method: 'POST',
        url: '/v1/documents/verify',
        payload: { ...document },
        key: f.keys.foreign,
      });
      assert.equal(good.statusCode, 200, good.body);
      assert.equal(good.json()['valid'], true);
      // vtb may not see the trade: its checks are skipped, not passed.
      assert.equal(
        good.json()['checks'].find((check: { name: string }) => check.name === 'trade_parties')
          .status,
        'skipped',
      );
      const tampered = await f.api.call({
        method: 'POST',
        url: '/v1/documents/verify',
        payload: { ...document, content: { ...document.content, number: 'FORGED-1' } },
      });
      assert.equal(tampered.statusCode, 200, tampered.body);
      assert.equal(tampered.json()['valid'], false);
      const failed = checksOf(tampered, 'checks').filter(
        (check: { status: string }) => check.status === 'fail',
      );
      assert.deepEqual(
        failed.map((check: { name: string }) => check.name),
        ['canonical_hash'],
      );
      const junk = await f.api.call({
        method: 'POST',
        url: '/v1/documents/verify',
        payload: { hello: 'world' },
      });
      assert.equal(junk.statusCode, 200, junk.body);
      assert.equal(junk.json()['valid'], false);
      const schema = checksOf(junk, 'checks').find(
        (check: { name: string }) => check.name === 'schema',
      );
      assert.equal(schema?.status, 'fail');
    });
    const stored = await f.api.call({ method: 'GET', url: `/v1/documents/${document.hash}` });
    assert.equal(stored.statusCode, 404, 'verified, not stored');
  });

  it('refuses bad documents precisely and writes nothing', async () => {
    const good = f.ownDocument();
    const bytes = (text: string, drop: number) =>
      Buffer.from(text, 'base64').subarray(drop).toString('base64');
    const stranger = generateKeyPair();
    await writesNothing(async () => {
      refused(
        await submit({ ...good, content: { ...good.content, lines: [] } }),
        400,
        'invalid_request',
        '/content/lines',
      );
      refused(
        await submit({ ...good, content: { ...good.content, type: 'memo' } }),
        400,
        'invalid_request',
        '/content/type',
      );
      refused(
        await submit({ ...good, content: { ...good.content, surprise: 1 } }),
        400,
        'invalid_request',
        '/content/surprise',
      );
      refused(await submit({ format: 'vostro-document/1' }), 400, 'invalid_request', '/content');
      // Well signed, naming a subheading HS 2022 does not have.
      const unknownHs = f.sign(
        f.invoice(f.documentTrade, {
          lines: [
            {
              hs: '100699',
              description: 'rice',
              quantity: '10',
              unit: 'KGM',
              unitPrice: '90.00',
              amount: '900.00',
            },
          ],
        }),
      );
      refused(
        await submit(unknownHs),
        400,
        'unknown_hs_code',
        '/content/lines/0/hs',
        /heading 1006 .* has no subheading 100699/,
      );
      refused(
        await submit({
          ...good,
          signature: { ...good.signature, mlDsa65: bytes(good.signature.mlDsa65, 1) },
        }),
        422,
        'document_invalid',
        '/document',
        /signature_ml_dsa_65: .*3308 bytes; ML-DSA-65 signatures are 3309/,
      );
      refused(
        await submit({
          ...good,
          signature: { ...good.signature, ed25519: bytes(good.signature.ed25519, 1) },
        }),
        422,
        'document_invalid',
        '/document',
        /signature_ed25519: .*63 bytes/,
      );
      refused(
        await submit(signDocument({ ...f.invoice(f.documentTrade), issuer: 'acme' }, stranger)),
        422,
        'document_invalid',
        '/document',
        /issuer_known: .*acme/,
      );
      refused(
        await submit(signDocument(f.invoice(f.documentTrade), stranger)),
        422,
        'document_invalid',
        '/document',
        /key_valid_at_receipt: /,
      );
      refused(
        await submit(f.sign({ ...f.invoice(f.documentTrade), trade: newTransferId() })),
        404,
        'trade_not_found',
        '/content/trade',
      );
      // Larger than the route takes: 413 before anything is parsed, naming the limit.
      const padded = JSON.stringify({ ...good, padding: 'x'.repeat(280 * 1024) });
      const big = await f.api.call({
        method: 'POST',
        url: '/v1/documents',
        headers: { 'content-type': 'application/json' },
        payload: padded,
      });
      refused(big, 413, 'body_too_large', 'body', /at most 278528 bytes \(272 KiB\)/);
    });
  });

  it('customs data exchange: a declaration addressed to Russia’s customs, listed and read by it, acknowledged with a signed receipt', async () => {
    const declaration = f.sign(f.declaration(f.documentTrade));
    const created = await submit(declaration, customsIn);
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json()['document']['addressedTo'], 'customs-ru');
    const listed = await f.api.call({
      method: 'GET',
      url: '/v1/customs/customs-ru/documents?limit=1000',
      key: customsRu,
    });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.ok(
      listed.json()['data'].some((stored: { hash: string }) => stored.hash === declaration.hash),
    );
    assert.equal(listed.json()['next'], null);
    const read = await f.api.call({
      method: 'GET',
      url: `/v1/documents/${declaration.hash}`,
      key: customsRu,
    });
    assert.equal(read.statusCode, 200, read.body);
    const verified = await f.api.call({
      method: 'POST',
      url: '/v1/documents/verify',
      payload: { ...declaration },
      key: customsRu,
    });
    assert.equal(verified.json()['valid'], true, verified.body);
    // India's customs may not list what is addressed to Russia's; a bank may not either.
    for (const key of [customsIn, f.keys.owner])
      refused(
        await f.api.call({ method: 'GET', url: '/v1/customs/customs-ru/documents', key }),
        404,
        'participant_not_found',
        'path.id',
      );
    const receipt = f.sign({
      type: 'customs_receipt',
      version: 1,
      trade: f.documentTrade,
      number: `FTS-R-${declaration.content.number}`,
      issuer: 'ru-customs',
      issuedAt: new Date().toISOString(),
      receivedDeclaration: declaration.hash,
      receivedBy: 'customs-ru',
      receivedAt: new Date().toISOString(),
    });
    const acknowledged = await submit(receipt, customsRu);
    assert.equal(acknowledged.statusCode, 201, acknowledged.body);
    assert.equal(acknowledged.json()['document']['addressedTo'], 'customs-in');
    // Paged: a page of one, then the cursor it gave.
    const first = await f.api.call({
      method: 'GET',
      url: '/v1/customs/customs-in/documents?limit=1',
      key: customsIn,
    });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(
      first.json()['data'].map((stored: { hash: string }) => stored.hash),
      [receipt.hash],
    );
    const afterLast = await f.api.call({
      method: 'GET',
      url: `/v1/customs/customs-in/documents?limit=1&after=${encodeURIComponent(first.json()['next'] ?? '')}`,
      key: customsIn,
    });
    assert.equal(afterLast.statusCode, first.json()['next'] === null ? 400 : 200, afterLast.body);
    await writesNothing(async () => {
      // A declaration addressed to a bank, and one that is not India's to sign.
      refused(
        await submit(f.sign(f.declaration(f.documentTrade, { addressedTo: 'sbi' })), customsIn),
        422,
        'document_invalid',
        '/content/addressedTo',
        /sbi is a bank, not a customs authority/,
      );
      refused(
        await f.api.call({
          method: 'GET',
          url: '/v1/customs/customs-ru/documents?after=nonsense',
        }),
        400,
        'invalid_request',
        'query.after',
      );
    });
  });

  it('a bill of lading’s title: issued, transferred by its holder, surrendered; a former holder, a late transfer and a broken link are refused', async () => {
    const { hash, issue } = await f.ownBillOfLading();
    const url = `/v1/bills-of-lading/${hash}/entries`;
    const record = (entry: SignedTitleEntry, key?: string) =>
      f.api.call({
        method: 'POST',
        url,
        payload: { ...entry },
        ...(key === undefined ? {} : { key }),
      });
    const entry = (
      seq: number,
      action: 'transfer' | 'endorse' | 'surrender',
      from: 'exp' | 'imp',
      to: string,
      previous: string,
    ) =>
      signTitleEntry(
        {
          format: 'vostro-title-entry/1',
          billOfLading: hash,
          seq,
          action,
          from,
          to,
          at: new Date().toISOString(),
          previous,
        },
        f.signers[from],
      );
    const issued = await record(issue);
    assert.equal(issued.statusCode, 201, issued.body);
    assert.deepEqual(issued.json(), { status: 'created', holder: 'exp', seq: 0 });
    await writesNothing(async () => {
      const again = await record(issue);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json()['status'], 'exists');
    });
    const other = await f.ownBillOfLading();
    const transfer = entry(1, 'transfer', 'exp', 'imp', issue.hash);
    const moved = await record(transfer, f.keys.owner);
    assert.equal(moved.statusCode, 201, moved.body);
    assert.equal(moved.json()['holder'], 'imp');
    await writesNothing(async () => {
      // The former holder transfers again: its place in the chain is taken.
      refused(
        await record(entry(1, 'transfer', 'exp', 'ocean-line', issue.hash)),
        409,
        'title_conflict',
        '/content/seq',
        /held by imp/,
      );
      // ... or signs the next entry, which is not its to sign.
      refused(
        await record(entry(2, 'transfer', 'exp', 'ocean-line', transfer.hash)),
        422,
        'title_invalid',
        '/entry',
        /not the holder|holder/,
      );
      refused(
        await record(entry(2, 'transfer', 'imp', 'exp', issue.hash)),
        422,
        'title_invalid',
        '/content/previous',
        /the chain is broken/,
      );
      // An entry of another bill of lading under this one's path.
      refused(
        await f.api.call({ method: 'POST', url, payload: { ...other.issue } }),
        400,
        'invalid_field',
        '/content/billOfLading',
      );
      refused(
        await record({ ...transfer, content: { ...transfer.content, to: 'exp' } }),
        409,
        'title_conflict',
        '/content/seq',
      );
      refused(
        await record({ ...transfer, content: { ...transfer.content, seq: -1 } }),
        400,
        'invalid_request',
        '/content/seq',
      );
    });
    const surrender = entry(2, 'surrender', 'imp', 'ocean-line', transfer.hash);
    const surrendered = await record(surrender);
    assert.equal(surrendered.statusCode, 201, surrendered.body);
    assert.equal(surrendered.json()['holder'], 'ocean-line');
    await writesNothing(async () =>
      refused(
        await record(entry(3, 'transfer', 'imp', 'exp', surrender.hash)),
        409,
        'title_surrendered',
        '/content/billOfLading',
        /surrendered to ocean-line at entry 2/,
      ),
    );
    const chain = await f.api.call({ method: 'GET', url, key: f.keys.owner });
    assert.equal(chain.statusCode, 200, chain.body);
    assert.deepEqual(
      chain.json()['data'].map((item: { hash: string }) => item.hash),
      [issue.hash, transfer.hash, surrender.hash],
    );
    // The surrendered B/L fails its check when verified now.
    const bl = await f.api.call({ method: 'GET', url: `/v1/documents/${hash}` });
    const verified = await f.api.call({
      method: 'POST',
      url: '/v1/documents/verify',
      payload: bl.json()['document'],
    });
    assert.equal(
      checksOf(verified, 'checks').find(
        (check: { name: string }) => check.name === 'bill_of_lading_not_surrendered',
      )?.status,
      'fail',
    );
  });

  it('the trust register: issuers and keys added and revoked by the operator, read by anyone with a key; bad keys refused precisely', async () => {
    const id = `insurer-${newTransferId().slice(-8)}`;
    const created = await f.api.call({
      method: 'POST',
      url: '/v1/issuers',
      payload: {
        id,
        name: 'Ingosstrakh',
        role: 'insurer',
        country: 'RU',
        documentTypes: ['insurance_certificate'],
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = f.publicKeyBody();
    const added = await f.api.call({
      method: 'POST',
      url: `/v1/issuers/${id}/keys`,
      payload: body,
    });
    assert.equal(added.statusCode, 201, added.body);
    const keyId = String(added.json()['keys'][0]['keyId']);
    assert.match(keyId, /^key:[0-9a-f]{32}$/);
    const read = await f.api.call({ method: 'GET', url: `/v1/issuers/${id}`, key: f.keys.foreign });
    assert.equal(read.statusCode, 200, read.body);
    const snapshot = await f.api.call({ method: 'GET', url: '/v1/register', key: f.keys.owner });
    assert.equal(snapshot.json()['format'], 'vostro-trust-register/1');
    assert.ok(snapshot.json()['issuers'].some((issuer: { id: string }) => issuer.id === id));
    const publicKey = body['publicKey'] as Record<string, string>;
    const short = (text: string) => Buffer.from(text, 'base64').subarray(1).toString('base64');
    await writesNothing(async () => {
      refused(
        await f.api.call({
          method: 'POST',
          url: '/v1/issuers',
          payload: {
            id,
            name: 'Again',
            role: 'insurer',
            country: 'RU',
            documentTypes: ['insurance_certificate'],
          },
        }),
        409,
        'issuer_exists',
        '/id',
      );
      refused(
        await f.api.call({ method: 'POST', url: `/v1/issuers/${id}/keys`, payload: body }),
        409,
        'issuer_key_exists',
        '/publicKey',
      );
      refused(
        await f.api.call({
          method: 'POST',
          url: `/v1/issuers/${id}/keys`,
          payload: {
            ...body,
            publicKey: { ...publicKey, mlDsa65: short(publicKey['mlDsa65'] ?? '') },
          },
        }),
        400,
        'invalid_field',
        '/publicKey/mlDsa65',
        /1951 bytes.*1952/,
      );
      refused(
        await f.api.call({
          method: 'POST',
          url: `/v1/issuers/${id}/keys`,
          payload: {
            ...body,
            publicKey: { ...publicKey, ed25519: short(publicKey['ed25519'] ?? '') },
          },
        }),
        400,
        'invalid_field',
        '/publicKey/ed25519',
        /31 bytes.*32/,
      );
      refused(
        await f.api.call({
          method: 'POST',
          url: '/v1/issuers/nobody/keys',
          payload: f.publicKeyBody(),
        }),
        404,
        'issuer_not_found',
        'path.id',
      );
      refused(
        await f.api.call({
          method: 'POST',
          url: '/v1/issuers',
          payload: { id: 'x-1', name: 'X', role: 'pirate', country: 'IN', documentTypes: [] },
        }),
        400,
        'invalid_request',
        '/role',
      );
    });
    const revoked = await f.api.call({
      method: 'POST',
      url: `/v1/issuers/${id}/keys/${keyId}/revoke`,
      payload: { reason: 'compromised' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json()['keys'][0]['revocationReason'], 'compromised');
  });

  it('presentations: an accepted one pays the credit in the same request; a second is refused; a discrepant one lists what is missing and leaves the money reserved', async () => {
    const { id, documents } = await f.ownCreditTrade();
    const presentationId = newTransferId();
    const presented = await f.api.call({
      method: 'POST',
      url: `/v1/trades/${id}/presentations`,
      payload: { id: presentationId, documents },
      key: f.keys.owner,
    });
    assert.equal(presented.statusCode, 201, presented.body);
    assert.equal(presented.json()['status'], 'accepted', presented.body);
    assert.ok(typeof presented.json()['payment'] === 'string');
    // A retry of the same presentation (same id, same documents) answers 200 with it, and changes nothing.
    await writesNothing(async () => {
      const retried = await f.api.call({
        method: 'POST',
        url: `/v1/trades/${id}/presentations`,
        payload: { id: presentationId, documents },
        key: f.keys.owner,
      });
      assert.equal(retried.statusCode, 200, retried.body);
      assert.deepEqual(retried.json(), presented.json());
    });
    const trade = await f.api.call({ method: 'GET', url: `/v1/trades/${id}` });
    assert.equal(trade.json()['status'], 'paid');
    await writesNothing(async () =>
      refused(
        await f.api.call({
          method: 'POST',
          url: `/v1/trades/${id}/presentations`,
          payload: { id: newTransferId(), documents },
        }),
        409,
        'trade_already_paid',
        'path.id',
      ),
    );
    const other = await f.ownCreditTrade();
    const bl = await f.ownBillOfLading();
    const discrepant = await f.api.call({
      method: 'POST',
      url: `/v1/trades/${other.id}/presentations`,
      payload: { id: newTransferId(), documents: [bl.hash] },
    });
    assert.equal(discrepant.statusCode, 201, discrepant.body);
    assert.equal(discrepant.json()['status'], 'discrepant');
    const checks = discrepant.json()['discrepancies'].map((item: { check: string }) => item.check);
    assert.ok(checks.includes('required_documents'), JSON.stringify(checks));
    assert.ok(checks.includes('trade_match'), JSON.stringify(checks));
    const still = await f.api.call({ method: 'GET', url: `/v1/trades/${other.id}` });
    assert.equal(still.json()['status'], 'presented');
    const listed = await f.api.call({
      method: 'GET',
      url: `/v1/trades/${other.id}/presentations`,
      key: f.keys.owner,
    });
    assert.equal(listed.json()['data'].length, 1);
  });
});
