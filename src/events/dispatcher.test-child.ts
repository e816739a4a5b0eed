/**
 * The hub of the killed-hub test (dispatcher-crash.test.ts): opens the store named on the command
 * line, runs a webhook dispatcher on it, and
 *
 * - `first <receiver url>`: opens two banks, registers an endpoint for `sbi` at the receiver
 *   (printing `endpoint <id> <cursor> <secret>`), then pays between the banks for ever, printing
 *   `paid <n>` every ten payments, until it is killed;
 * - `resume <cursor>`: delivers only, printing `events <ids>` (every event of `sbi` after the
 *   cursor, which the receiver must end up with), and stops cleanly on SIGTERM.
 */
import { CLI_ACTOR } from '../domain/actor.js';
import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { participantAccountId } from '../participants/accounts.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { CapService } from '../settlement/caps.js';
import { PaymentService } from '../settlement/payments.js';
import { openStore } from '../store/open-store.js';
import { startWebhookDispatcher } from './dispatcher.js';
import { WebhookService } from './webhooks.js';

const OPTIONS = {
  pollIntervalMs: 10,
  refreshIntervalMs: 50,
  flushIntervalMs: 30,
  backoffBaseMs: 20,
  backoffMaxMs: 200,
  timeoutMs: 2000,
} as const;

async function main(): Promise<void> {
  const [target, mode, argument] = process.argv.slice(2);
  if (target === undefined || (mode !== 'first' && mode !== 'resume') || argument === undefined)
    throw new Error('usage: dispatcher.test-child <store> first <receiver url> | resume <cursor>');
  const store = await openStore(target);
  // The services a hub composes, those this test needs (src/hub is above src/events).
  const ledger = new Ledger(store);
  const participants = new ParticipantRegistry(ledger);
  const payments = new PaymentService(ledger, participants);
  const caps = new CapService(ledger, participants);
  const webhooks = new WebhookService(ledger, participants);
  const errors = (what: string, error: unknown): void => {
    process.stderr.write(`${what}: ${error instanceof Error ? error.message : String(error)}\n`);
  };
  if (mode === 'resume') {
    const dispatcher = startWebhookDispatcher(
      { ledger, webhooks },
      { ...OPTIONS, onError: errors },
    );
    const events = await store.events({
      afterSeq: BigInt(argument),
      participant: 'sbi',
      limit: 10_000,
    });
    process.stdout.write(`events ${events.map((event) => event.seq).join(',')}\n`);
    process.once('SIGTERM', () => {
      void (async () => {
        await dispatcher.stop();
        await store.close();
        process.exit(0);
      })();
    });
    return;
  }
  await participants.ensureHub(['INR'], CLI_ACTOR);
  for (const id of ['sbi', 'bob']) {
    await participants.create(
      { id, name: id.toUpperCase(), kind: 'bank', country: 'IN', currencies: ['INR'] },
      CLI_ACTOR,
    );
    await caps.set(id, 'INR', 1_000_000_000_00n, CLI_ACTOR);
    await payments.fund(
      {
        id: newTransferId(),
        account: participantAccountId(id, 'INR', 'settlement'),
        amount: 1_000_000_00n,
        reference: 'funding',
      },
      CLI_ACTOR,
    );
  }
  const { endpoint, secret } = await webhooks.register(
    { participant: 'sbi', url: argument, maxEventsPerDelivery: 5 },
    CLI_ACTOR,
  );
  process.stdout.write(`endpoint ${endpoint.id} ${endpoint.cursor} ${secret}\n`);
  startWebhookDispatcher({ ledger, webhooks }, { ...OPTIONS, onError: errors });
  for (let n = 1; ; n += 1) {
    const [payer, payee] = n % 2 === 0 ? ['sbi', 'bob'] : ['bob', 'sbi'];
    await payments.pay(
      {
        id: newTransferId(),
        payer: participantAccountId(payer, 'INR', 'settlement'),
        payee: participantAccountId(payee, 'INR', 'settlement'),
        amount: BigInt(100 + n),
        reference: `payment ${n}`,
      },
      CLI_ACTOR,
    );
    if (n % 10 === 0) process.stdout.write(`paid ${n}\n`);
  }
}

if (
  process.argv[1]?.endsWith('dispatcher.test-child.ts') === true ||
  process.argv[1]?.endsWith('dispatcher.test-child.js') === true
) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
