import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { Ledger } from '../ledger/ledger.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { inboundMessage } from './messages.test-helper.js';

// The report's agents were read from the store inside the message's write transaction; on SQLite
// that read waits for the write itself, so on a database whose hub was never opened (nothing cached)
// the submission never answered and every writer behind it waited too.
it('a message on a database whose hub was never opened is answered, and writes go on after it', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'vostro-iso-unopened-'));
  const store = new SqliteStore({ path: join(directory, 'hub.db') });
  try {
    const hub = new Hub(new Ledger(store));
    for (const [id, bic] of [
      ['sbi', 'SBININBB'],
      ['bob', 'BARBINBB'],
    ] as const)
      await hub.participants.create(
        { id, name: id.toUpperCase(), kind: 'bank', country: 'IN', currencies: ['INR'], bic },
        CLI_ACTOR,
      );
    const xml = inboundMessage({
      msgId: 'M1',
      instructingAgentBic: 'SBININBB',
      instructedAgentBic: 'BARBINBB',
      transactions: [{ debtorAccount: { other: 'X' }, creditorAccount: { other: 'Y' } }],
    });
    const outcome = await hub.iso20022.submit(xml, CLI_ACTOR);
    assert.equal(outcome.groupStatus, 'RJCT', 'the accounts X and Y do not exist');
    await hub.participants.create(
      { id: 'vtb', name: 'VTB', kind: 'bank', country: 'RU', currencies: ['RUB'] },
      CLI_ACTOR,
    );
    assert.equal((await hub.participants.get('vtb')).id, 'vtb', 'the next write went through');
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
