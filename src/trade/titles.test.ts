import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SignedTitleEntry } from '../documents/bill-of-lading.js';
import { HubError } from '../domain/errors.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresTests } from '../store/postgres/test-database.js';
import {
  billOfLading,
  entry,
  KEYS,
  signed,
  withTrade,
  type TradeFixture,
} from './documents.test-helper.js';
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

/** The B/L submitted by the exporter, and its title issued by the carrier to the shipper. */
async function issued(fixture: TradeFixture): Promise<{ bl: string; issue: SignedTitleEntry }> {
  const bl = signed(billOfLading());
  await fixture.documents.submit(bl, tata);
  const issue = entry({
    billOfLading: bl.hash,
    seq: 0,
    action: 'issue',
    from: 'maersk',
    to: 'tata',
    at: '2026-03-01T12:00:00Z',
    previous: null,
  });
  assert.deepEqual(await fixture.titles.record(issue, tata), {
    holder: 'tata',
    seq: 0,
    status: 'created',
  });
  return { bl: bl.hash, issue };
}

function titleCases(open: OpenStore): void {
  it('a B/L passes from holder to holder and is surrendered to the carrier; every entry audited; the chain is visible to the parties', async () => {
    await withTrade(open, async (fixture) => {
      const { titles, ledger } = fixture;
      const { bl, issue } = await issued(fixture);
      let previous = issue.hash;
      const steps = [
        ['transfer', 'tata', 'sbi'],
        ['endorse', 'sbi', 'vtb'],
        ['transfer', 'vtb', 'severstal'],
        ['surrender', 'severstal', 'maersk'],
      ] as const;
      for (const [index, [action, from, to]] of steps.entries()) {
        const next = entry({
          billOfLading: bl,
          seq: index + 1,
          action,
          from,
          to,
          at: `2026-03-01T13:0${index}:00Z`,
          previous,
        });
        assert.deepEqual(await titles.record(next, participantActor(from)), {
          holder: to,
          seq: index + 1,
          status: 'created',
        });
        previous = next.hash;
      }
      const chain = await titles.chain(bl, participantActor('severstal'));
      assert.deepEqual(
        chain.map((e) => [e.content.seq, e.content.action, e.content.from, e.content.to]),
        [
          [0, 'issue', 'maersk', 'tata'],
          [1, 'transfer', 'tata', 'sbi'],
          [2, 'endorse', 'sbi', 'vtb'],
          [3, 'transfer', 'vtb', 'severstal'],
          [4, 'surrender', 'severstal', 'maersk'],
        ],
      );
      assert.deepEqual(await titles.status(bl, auditor), {
        billOfLading: bl,
        trade: fixture.trade.id,
        seq: 4,
        head: previous,
        holder: 'maersk',
        surrendered: true,
      });
      const audit = (await ledger.store.auditEntries({ limit: 1000 })).filter(
        (e) => e.action === 'titles.transfer',
      );
      assert.deepEqual(
        audit.map((e) => [e.target, e.detail['seq'], e.detail['action'], e.detail['holder']]),
        [
          [bl, 0, 'issue', 'tata'],
          [bl, 1, 'transfer', 'sbi'],
          [bl, 2, 'endorse', 'vtb'],
          [bl, 3, 'transfer', 'severstal'],
          [bl, 4, 'surrender', 'maersk'],
        ],
      );
      // Verification of the B/L reports the surrender.
      const report = await fixture.documents.verify(
        await fixture.documents.get(bl, operator).then((d) => d.document),
        operator,
      );
      assert.deepEqual(
        report.checks
          .filter((check) => check.status === 'fail')
          .map((check) => [check.name, check.reason]),
        [
          [
            'bill_of_lading_not_surrendered',
            'the bill of lading was surrendered to the carrier; it no longer carries title to the goods',
          ],
        ],
      );
      await assert.rejects(
        titles.chain(bl, participantActor('infosys')),
        refusal('document_not_found', 'billOfLading'),
      );
      await assert.rejects(
        titles.chain(`sha256:${'3'.repeat(64)}`, operator),
        refusal('document_not_found', 'billOfLading'),
      );
    });
  });

  it('two racing transfers by the same holder: exactly one wins, the other is a title_conflict naming the head', async () => {
    await withTrade(open, async (fixture) => {
      const { bl, issue } = await issued(fixture);
      const [toSbi, toVtb] = (['sbi', 'vtb'] as const).map((to) =>
        entry({
          billOfLading: bl,
          seq: 1,
          action: 'transfer',
          from: 'tata',
          to,
          at: '2026-03-01T13:00:00Z',
          previous: issue.hash,
        }),
      );
      assert.ok(toSbi !== undefined && toVtb !== undefined);
      const outcomes = await Promise.allSettled([
        fixture.titles.record(toSbi, tata),
        fixture.titles.record(toVtb, tata),
      ]);
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      assert.equal(won.length, 1, 'exactly one transfer wins');
      const winner = won[0] === 0 ? toSbi : toVtb;
      const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      assert.equal(reasons.length, 1, 'exactly one transfer is refused');
      const reason: unknown = reasons[0];
      assert.ok(reason instanceof HubError, String(reason));
      assert.equal(reason.code, 'title_conflict');
      assert.equal(reason.field, 'content/seq');
      assert.match(
        reason.message,
        new RegExp(
          `entry 1 of ${bl} is taken by ${winner.hash}; the chain's head is entry 1 \\(${winner.hash}\\), held by ${winner.content.to}`,
        ),
      );
      const chain = await fixture.titles.chain(bl, tata);
      assert.deepEqual(
        chain.map((e) => e.hash),
        [issue.hash, winner.hash],
      );
      // The loser's entry again, after the race: still a conflict; the winner's again: unchanged.
      await assert.rejects(
        fixture.titles.record(winner === toSbi ? toVtb : toSbi, tata),
        refusal('title_conflict', 'content/seq'),
      );
      assert.equal((await fixture.titles.record(winner, tata)).status, 'exists');
    });
  });

  it('refuses a former holder, another’s key, a broken link, a gap, a future date and a key revoked by now, precisely, writing nothing', async () => {
    await withTrade(open, async (fixture) => {
      const { titles, ledger, register, clock } = fixture;
      const { bl, issue } = await issued(fixture);
      const toSbi = entry({
        billOfLading: bl,
        seq: 1,
        action: 'transfer',
        from: 'tata',
        to: 'sbi',
        at: '2026-03-01T13:00:00Z',
        previous: issue.hash,
      });
      await titles.record(toSbi, tata);
      const check = await unchanged(ledger.store);
      const next = {
        billOfLading: bl,
        seq: 2,
        action: 'transfer',
        at: '2026-03-01T14:00:00Z',
        previous: toSbi.hash,
      } as const;
      const cases: [string, unknown, string, string, RegExp][] = [
        [
          'a second transfer by the former holder',
          entry({ ...next, from: 'tata', to: 'vtb' }),
          'title_invalid',
          'entry',
          /entry 2: transfer from tata, a former holder who handed the title on at entry 1; the holder is sbi/,
        ],
        [
          "signed by someone else's key",
          entry({ ...next, from: 'sbi', to: 'vtb' }, KEYS.vtb()),
          'title_invalid',
          'entry',
          /entry 2: signed by vtb, who is not the holder \(sbi\)/,
        ],
        [
          'a broken link',
          entry({ ...next, from: 'sbi', to: 'vtb', previous: issue.hash }),
          'title_invalid',
          'content/previous',
          new RegExp(
            `entry 2 links to ${issue.hash}, but entry 1 is ${toSbi.hash}: the chain is broken`,
          ),
        ],
        [
          'a gap',
          entry({ ...next, seq: 3, from: 'sbi', to: 'vtb' }),
          'title_invalid',
          'content/seq',
          /entry 3 does not follow the chain's head, entry 1 .*: the next entry is 2/,
        ],
        [
          'dated after the hub’s time',
          entry({ ...next, from: 'sbi', to: 'vtb', at: '2026-03-05T00:00:00Z' }),
          'title_invalid',
          'content/at',
          /dated 2026-03-05T00:00:00Z, after the hub's time 2026-03-02T00:00:00.000Z/,
        ],
        [
          'a malformed entry',
          { ...toSbi, content: { ...toSbi.content, seq: -1 } },
          'invalid_field',
          'content/seq',
          /seq/,
        ],
        [
          'an entry of a B/L never submitted',
          entry({ ...next, billOfLading: `sha256:${'4'.repeat(64)}`, from: 'sbi', to: 'vtb' }),
          'document_not_found',
          'content/billOfLading',
          /submit it as a document first/,
        ],
      ];
      for (const [what, input, code, field, message] of cases)
        await assert.rejects(titles.record(input, operator), refusal(code, field, message), what);
      // Someone who is neither a party nor a holder: as if the B/L did not exist.
      await assert.rejects(
        titles.record(entry({ ...next, from: 'sbi', to: 'vtb' }), participantActor('infosys')),
        refusal('document_not_found', 'content/billOfLading'),
      );
      await check();
      // A key revoked now cannot record an entry dated before the revocation.
      clock.advanceSeconds(60);
      await register.revokeKey('sbi', KEYS.sbi().keyId, 'HSM replaced', operator);
      const check2 = await unchanged(ledger.store);
      await assert.rejects(
        titles.record(entry({ ...next, from: 'sbi', to: 'vtb' }), participantActor('sbi')),
        refusal(
          'title_invalid',
          'signature/keyId',
          /revoked at 2026-03-02T00:01:00.000Z \(HSM replaced\)/,
        ),
      );
      await check2();
      assert.equal((await titles.status(bl, tata))?.holder, 'sbi');
    });
  });

  it('nothing follows a surrender', async () => {
    await withTrade(open, async (fixture) => {
      const { titles, ledger } = fixture;
      const { bl, issue } = await issued(fixture);
      const surrender = entry({
        billOfLading: bl,
        seq: 1,
        action: 'surrender',
        from: 'tata',
        to: 'maersk',
        at: '2026-03-01T13:00:00Z',
        previous: issue.hash,
      });
      assert.deepEqual(await titles.record(surrender, tata), {
        holder: 'maersk',
        seq: 1,
        status: 'created',
      });
      const check = await unchanged(ledger.store);
      for (const [seq, previous] of [
        [2, surrender.hash],
        [1, issue.hash],
      ] as const)
        await assert.rejects(
          titles.record(
            entry({
              billOfLading: bl,
              seq,
              action: 'transfer',
              from: 'tata',
              to: 'sbi',
              at: '2026-03-01T14:00:00Z',
              previous,
            }),
            tata,
          ),
          refusal(
            'title_surrendered',
            'content/billOfLading',
            new RegExp(
              `was surrendered to maersk at entry 1 \\(${surrender.hash}\\); nothing follows a surrender`,
            ),
          ),
        );
      await check();
      assert.equal((await titles.record(surrender, tata)).status, 'exists');
    });
  });
}

describe('bill of lading titles on SQLite', () => titleCases(openSqlite));

await postgresTests('bill of lading titles on PostgreSQL', (schemas) => {
  describe('bill of lading titles on PostgreSQL', () =>
    titleCases(() => PostgresStore.open({ url: schemas.next(), poolMax: 2 })));
});
