import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CLI_ACTOR } from '../../domain/actor.js';
import { HubError } from '../../domain/errors.js';
import { Hub } from '../../hub/hub.js';
import { newTransferId } from '../../ledger/ids.js';
import { REFERENCE_MAX_LENGTH } from '../../ledger/model.js';
import { verifyLedger } from '../../ledger/verify.js';
import { UnstorableTextError } from '../../ledger/text.js';
import { participantAccountId } from '../../participants/accounts.js';
import type { LedgerStore } from '../store.js';
import { accountInput, LedgerFixture, transferInput, type StoreFactory } from './fixtures.js';

/**
 * Text through the stores (issue 12, item 3): any string the rules accept — as an account's owner
 * or reference, a transfer's or payment's reference, a participant's name, a document or an audit
 * entry — reads back exactly as it was written, from the database rows and not only from a cache,
 * and the verifier, which hashes what it reads, still passes; any string they refuse is refused
 * without writing anything. The strings are drawn from every UTF-16 code unit (lone surrogates
 * included), astral characters, control characters and look-alikes of escapes.
 *
 * What is accepted is decided here by an oracle written independently of src/ledger/text.ts.
 */

/** Plain text: no control character (Cc), no unpaired surrogate; and its length in code points. */
function oraclePlain(text: string): { plain: boolean; storable: boolean; codePoints: number } {
  let plain = true;
  let storable = true;
  let codePoints = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    codePoints += 1;
    if (unit === 0) storable = false;
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) plain = false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
      else storable = false;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      storable = false;
    }
  }
  return { plain: plain && storable, storable, codePoints };
}

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const anyAstral = fc
  .integer({ min: 0x10000, max: 0x10ffff })
  .map((codePoint) => String.fromCodePoint(codePoint));
const tricky = fc.constantFrom(
  '\u0000',
  '\t',
  '\n',
  '\r',
  '\u001b[2J',
  '\u007f',
  '\u0085',
  '\u009f',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ud83d',
  '\ude00',
  '\ufffd',
  '\ufeff',
  '\uffff',
  '\u200f',
  '\u202e',
  '\u2028',
  '\u00a0',
  '\u0301',
  '\\u0000',
  '\\ud800',
  '"',
  "'",
  '%00',
  '\u{1F4B8}',
  'रुपया',
  'рубль',
  ' ',
);
const shortText = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 6 }) },
      { weight: 2, arbitrary: anyCodeUnit },
      { weight: 2, arbitrary: anyAstral },
      { weight: 3, arbitrary: tricky },
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(''));
/** Around the 64-character limit, in characters of one, two (a surrogate pair) or more code units. */
const nearLimit = fc
  .tuple(
    fc.integer({ min: 56, max: 66 }),
    fc.constantFrom('a', 'é', '\u{1F4B8}', 'ру'),
    fc.oneof(fc.constant(''), tricky),
  )
  .map(([count, unit, tail]) => unit.repeat(Math.ceil(count / [...unit].length)) + tail);
/** Any UTF-16 string: mostly short, some near the 64-character limit. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: shortText },
  { weight: 1, arbitrary: nearLimit },
);
const plainText = anyText.filter((text) => oraclePlain(text).plain);

export function textCases(factory: StoreFactory, numRuns = 60): void {
  const withStore = (name: string, body: (store: LedgerStore) => Promise<void>): void => {
    it(name, { timeout: 600_000 }, async () => {
      const store = await factory.open();
      try {
        await body(store);
        assert.deepEqual(
          (await verifyLedger(store)).problems,
          [],
          'the verifier, hashing what it reads back, passes',
        );
      } finally {
        await store.close();
      }
    });
  };

  describe(`${factory.name}: text round-trips exactly or is refused without a write`, () => {
    withStore('accounts and transfers: owner and references', async (store) => {
      const fixture = new LedgerFixture(store);
      const [debit, credit] = await fixture.openAccounts({}, {});
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(anyText, plainText),
          fc.oneof(anyText, plainText),
          fc.oneof(anyText, plainText),
          async (owner, reference, transferReference) => {
            const before = await store.counts();
            const account = accountInput({ owner, reference });
            const ownerRule = oraclePlain(owner);
            const referenceRule = oraclePlain(reference);
            const expected =
              owner === ''
                ? 'owner_must_not_be_empty'
                : !ownerRule.plain
                  ? 'owner_must_be_plain_text'
                  : referenceRule.codePoints > REFERENCE_MAX_LENGTH
                    ? 'reference_too_long'
                    : !referenceRule.plain
                      ? 'reference_must_be_plain_text'
                      : 'ok';
            assert.deepEqual(await fixture.accounts([account]), [expected]);
            if (expected === 'ok') {
              const [cached] = await store.getAccounts([account.id]);
              assert.ok(cached !== undefined, 'the account was created');
              const [row] = await store.accountsInRange(cached.timestamp, cached.timestamp);
              assert.equal(cached.owner, owner);
              assert.equal(cached.reference, reference);
              assert.ok(row !== undefined, 'the row read back from the database');
              assert.equal(row.owner, owner);
              assert.equal(row.reference, reference);
              assert.deepEqual(
                await fixture.accounts([account]),
                ['exists'],
                'an identical retry is exists',
              );
            } else {
              assert.deepEqual(await store.counts(), before, `${expected} writes nothing`);
            }

            const transferBefore = await store.counts();
            const transfer = transferInput({
              debitAccountId: debit,
              creditAccountId: credit,
              reference: transferReference,
            });
            const rule = oraclePlain(transferReference);
            const expectedTransfer =
              rule.codePoints > REFERENCE_MAX_LENGTH
                ? 'reference_too_long'
                : !rule.plain
                  ? 'reference_must_be_plain_text'
                  : 'ok';
            assert.deepEqual(await fixture.transfers([transfer]), [expectedTransfer]);
            if (expectedTransfer === 'ok') {
              const [stored] = await store.getTransfers([transfer.id]);
              assert.ok(stored !== undefined, 'the transfer was created');
              assert.equal(stored.reference, transferReference);
              const [row] = await store.transfersInRange(stored.timestamp, stored.timestamp);
              assert.equal(row?.reference, transferReference);
              assert.deepEqual(
                await fixture.transfers([transfer]),
                ['exists'],
                'an identical retry is exists',
              );
            } else {
              assert.deepEqual(
                await store.counts(),
                transferBefore,
                `${expectedTransfer} writes nothing`,
              );
            }
          },
        ),
        { numRuns },
      );
    });

    withStore(
      'one transfer with a NUL or a lone surrogate in a batch of many fails alone (issue 12, item 2)',
      async (store) => {
        const fixture = new LedgerFixture(store);
        const [debit, credit] = await fixture.openAccounts({}, {});
        const references = Array.from({ length: 36 }, (_, index) =>
          index === 5 ? 'x\u0000y' : index === 30 ? 'pay \ud800' : `t${index}`,
        );
        const results = await fixture.transfers(
          references.map((reference) =>
            transferInput({ debitAccountId: debit, creditAccountId: credit, reference }),
          ),
        );
        assert.deepEqual(
          results,
          references.map((_, index) =>
            index === 5 || index === 30 ? 'reference_must_be_plain_text' : 'ok',
          ),
        );
        assert.equal((await store.counts()).transfers, 34);
      },
    );

    withStore(
      'a lookup by text no store can hold matches nothing, not the U+FFFD a driver would turn it into',
      async (store) => {
        const fixture = new LedgerFixture(store);
        const { ledger } = fixture;
        await fixture.openAccounts({ owner: '\ufffd' }, { owner: 'a\ufffdb' });
        await ledger.transact(async (tx) => {
          await tx.putRecords([
            { collection: 'text', key: '\ufffd', value: { n: 1 } },
            { collection: 'text', key: 'k\ufffd', value: { n: 2 } },
          ]);
          await tx.appendAudit([
            { at: 1n, actor: '\ufffd', role: 'operator', action: 'text.test', detail: {} },
          ]);
          for (const key of ['\ud800', '\u0000', 'k\udfff'])
            assert.equal(
              (await tx.getRecords('text', [key])).size,
              0,
              `${JSON.stringify(key)} inside a transaction`,
            );
        });
        for (const text of ['\ud800', '\udc00', '\u0000', 'a\ud83db', 'a\u0000b']) {
          assert.deepEqual(
            [...(await store.getRecords('text', [text, `k${text}`])).keys()],
            [],
            JSON.stringify(text),
          );
          assert.deepEqual(
            await store.listRecords({ collection: 'text', prefix: text, limit: 10 }),
            [],
          );
          assert.deepEqual(await store.listAccounts({ owner: text, limit: 10 }), []);
          assert.deepEqual(await store.auditEntries({ actor: text, limit: 10 }), []);
        }
        assert.equal((await store.getRecords('text', ['\ufffd'])).size, 1);
        assert.equal((await store.listAccounts({ owner: '\ufffd', limit: 10 })).length, 1);
        assert.equal((await store.auditEntries({ actor: '\ufffd', limit: 10 })).length, 1);
      },
    );

    withStore('payments and participant names through the hub', async (store) => {
      const hub = new Hub(new LedgerFixture(store).ledger);
      await hub.open(['INR'], CLI_ACTOR);
      for (const id of ['sbi', 'bob']) {
        await hub.participants.create(
          { id, name: id.toUpperCase(), kind: 'bank', country: 'IN', currencies: ['INR'] },
          CLI_ACTOR,
        );
        await hub.payments.fund(
          {
            id: newTransferId(),
            account: participantAccountId(id, 'INR', 'settlement'),
            amount: 1_000_000_00n,
            reference: '',
          },
          CLI_ACTOR,
        );
        await hub.caps.set(id, 'INR', 1_000_000_00n, CLI_ACTOR);
      }
      const payer = participantAccountId('sbi', 'INR', 'settlement');
      const payee = participantAccountId('bob', 'INR', 'settlement');
      let participants = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(anyText, plainText),
          fc.oneof(anyText, plainText),
          async (reference, name) => {
            const before = await store.counts();
            const auditBefore = (await store.auditEntries({ limit: 1000 })).length;
            const id = newTransferId();
            const rule = oraclePlain(reference);
            const payment = { id, payer, payee, amount: 1n, reference };
            if (rule.plain && rule.codePoints <= REFERENCE_MAX_LENGTH) {
              assert.equal((await hub.payments.pay(payment, CLI_ACTOR)).status, 'created');
              assert.equal(
                (await hub.payments.pay(payment, CLI_ACTOR)).status,
                'exists',
                'an identical retry is idempotent',
              );
              const [leg] = await store.getTransfers([id]);
              assert.ok(leg !== undefined, 'the payment was written');
              assert.equal(leg.reference, reference);
              const [row] = await store.transfersInRange(leg.timestamp, leg.timestamp);
              assert.equal(row?.reference, reference);
            } else {
              await assert.rejects(
                hub.payments.pay(payment, CLI_ACTOR),
                (error) =>
                  error instanceof HubError &&
                  error.code === 'invalid_field' &&
                  error.field === 'reference',
              );
              assert.deepEqual(await store.counts(), before);
              assert.equal((await store.auditEntries({ limit: 1000 })).length, auditBefore);
            }

            const participant = `p${(participants += 1)}`;
            const nameRule = oraclePlain(name);
            const input = {
              id: participant,
              name,
              kind: 'bank' as const,
              country: 'IN',
              currencies: ['INR'],
            };
            if (nameRule.plain && name.trim().length > 0 && nameRule.codePoints <= 120) {
              await hub.participants.create(input, CLI_ACTOR);
              const [record] = (await store.getRecords('participants', [participant])).values();
              assert.equal(record?.value['name'], name.trim());
            } else {
              const accountsBefore = (await store.counts()).accounts;
              await assert.rejects(
                hub.participants.create(input, CLI_ACTOR),
                (error) => error instanceof HubError && error.field === 'name',
              );
              assert.equal((await store.getRecords('participants', [participant])).size, 0);
              assert.equal((await store.counts()).accounts, accountsBefore);
            }
          },
        ),
        { numRuns: Math.ceil(numRuns / 2) },
      );
    });

    withStore(
      'documents and audit entries: any storable text in keys and values, nothing of a transaction with text that is not',
      async (store) => {
        const { ledger } = new LedgerFixture(store);
        let counter = 0;
        await fc.assert(
          fc.asyncProperty(anyText, anyText, anyText, async (key, value, detail) => {
            const storable =
              oraclePlain(key).storable &&
              oraclePlain(value).storable &&
              oraclePlain(detail).storable &&
              key.length > 0 &&
              key.length <= 200;
            const collection = `text_${(counter += 1)}`;
            const document = { [value]: value, list: [value, { nested: value }] };
            const audit = {
              at: 1n,
              actor: 'cli',
              role: 'operator',
              action: 'text.test',
              target: key,
              detail: { [detail]: detail },
            };
            const auditBefore = (await store.auditEntries({ limit: 10_000 })).length;
            const write = ledger.transact(async (tx) => {
              await tx.putRecords([{ collection, key, value: document }]);
              await tx.appendAudit([audit]);
            });
            if (storable) {
              await write;
              const found = (await store.getRecords(collection, [key])).get(key);
              assert.deepEqual(found?.value, document);
              assert.deepEqual(
                (await store.listRecords({ collection, limit: 2 })).map((record) => record.key),
                [key],
              );
              const entries = await store.auditEntries({ limit: 10_000 });
              assert.equal(entries.length, auditBefore + 1);
              assert.deepEqual(
                [entries.at(-1)?.target, entries.at(-1)?.detail],
                [key, { [detail]: detail }],
              );
            } else if (key.length === 0 || key.length > 200) {
              await assert.rejects(write);
            } else {
              await assert.rejects(write, UnstorableTextError);
              assert.equal((await store.getRecords(collection, [key])).size, 0);
              assert.equal((await store.auditEntries({ limit: 10_000 })).length, auditBefore);
            }
          }),
          { numRuns },
        );
      },
    );
  });
}
