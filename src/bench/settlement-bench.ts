/**
 * `npm run bench:settlement`: issue 5's two figures on a fresh SQLite file.
 *
 * - `netting`: 100 banks with INR and RUB accounts; 1,000,000 posted interbank payments among them
 *   (written in ledger batches of 8,190, not timed), the window closed, then `hub.windows.net` timed:
 *   the scan of the window's transfers from the store and the multilateral and bilateral netting.
 * - `pvp`: an FX provider and banks on both sides; quotes made first (not timed), then executed as
 *   payment versus payment by `--callers` concurrent callers for `--seconds` at most; each execution
 *   is one transaction of six linked transfers (two currency legs, two cap legs, the fee) plus the
 *   quote's document and an audit entry.
 *
 *   npm run bench:settlement -- [--scenario netting|pvp|all] [--transfers 1000000] [--banks 100]
 *     [--quotes 20000] [--callers 64] [--seconds 20] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { currencyByCode } from '../ledger/currency.js';
import { newTransferId, ZERO_TRANSFER_ID, type AccountId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { BATCH_MAX, type TransferInput } from '../ledger/model.js';
import { participantAccountId } from '../participants/accounts.js';
import { TransferCode } from '../settlement/codes.js';
import { WindowService } from '../settlement/windows.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';

const USAGE = `
usage: npm run bench:settlement -- [options]

  --scenario <name>    netting, pvp or all (default all)
  --transfers <n>      payments in the netted window, 1,000 to 5,000,000 (default 1,000,000)
  --banks <n>          banks in the netting scenario, 2 to 1,000 (default 100)
  --quotes <n>         quotes made and executed in the pvp scenario, 100 to 200,000 (default 20,000)
  --callers <n>        concurrent callers executing quotes, 1 to 1,024 (default 64)
  --seconds <n>        time limit of the executions, 1 to 120 (default 20)
  --json               print the results as JSON
  -h, --help           this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    scenario: { type: 'string', default: 'all' },
    transfers: { type: 'string', default: '1000000' },
    banks: { type: 'string', default: '100' },
    quotes: { type: 'string', default: '20000' },
    callers: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  });
  return {
    scenario: choiceOption('scenario', values.scenario, ['netting', 'pvp', 'all']),
    transfers: integerOption('transfers', values.transfers, 1000, 5_000_000),
    banks: integerOption('banks', values.banks, 2, 1000),
    quotes: integerOption('quotes', values.quotes, 100, 200_000),
    callers: integerOption('callers', values.callers, 1, 1024),
    seconds: integerOption('seconds', values.seconds, 1, 120),
    json: values.json,
  };
});
const {
  transfers: TRANSFERS,
  banks: BANKS,
  quotes: QUOTES,
  callers: CALLERS,
  seconds: SECONDS,
} = options;

const results: Record<string, unknown>[] = [];
const say = (text: string): void => {
  if (!options.json) process.stderr.write(`${text}\n`);
};

async function withHub<T>(name: string, body: (hub: Hub) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), `vostro-bench-${name}-`));
  const store = new SqliteStore({ path: join(directory, 'bench.db') });
  try {
    const hub = new Hub(new Ledger(store));
    await hub.open(['INR', 'RUB'], CLI_ACTOR);
    return await body(hub);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function netting(): Promise<void> {
  await withHub('netting', async (hub) => {
    say(`netting: ${BANKS} banks, ${TRANSFERS.toLocaleString('en')} payments in INR and RUB`);
    const banks = Array.from(
      { length: BANKS },
      (_, index) => `bank-${String(index).padStart(3, '0')}`,
    );
    for (const [index, id] of banks.entries()) {
      await hub.participants.create(
        {
          id,
          name: `Bank ${index}`,
          kind: 'bank',
          country: index % 2 === 0 ? 'IN' : 'RU',
          currencies: ['INR', 'RUB'],
        },
        CLI_ACTOR,
      );
    }
    // Prefund every settlement account, then write the payments directly in full batches: netting
    // only reads posted transfers, so the cap legs of the payment path are left out of the setup.
    const accounts = {
      INR: banks.map((bank) => participantAccountId(bank, 'INR', 'settlement')),
      RUB: banks.map((bank) => participantAccountId(bank, 'RUB', 'settlement')),
    };
    const funding: TransferInput[] = (['INR', 'RUB'] as const).flatMap((currency) =>
      accounts[currency].map((account) =>
        transfer(
          participantAccountId('hub', currency, 'hub_settlement'),
          account,
          1n << 50n,
          currency,
          TransferCode.funding,
        ),
      ),
    );
    await hub.ledger.createTransfers(funding);
    const started = Date.now();
    for (let written = 0; written < TRANSFERS;) {
      const size = Math.min(BATCH_MAX, TRANSFERS - written);
      const batch = new Array<TransferInput>(size);
      for (let index = 0; index < size; index += 1) {
        const currency = (written + index) % 2 === 0 ? 'INR' : 'RUB';
        const from = Math.floor(Math.random() * BANKS);
        const to = (from + 1 + Math.floor(Math.random() * (BANKS - 1))) % BANKS;
        batch[index] = transfer(
          accounts[currency][from]!,
          accounts[currency][to]!,
          BigInt(1 + Math.floor(Math.random() * 1_000_000)),
          currency,
          TransferCode.payment,
        );
      }
      const outcome = await hub.ledger.createTransfers(batch);
      if (!outcome.ok || outcome.results.some((result) => result !== 'ok'))
        throw new Error('setup payments refused');
      written += size;
    }
    say(`  setup wrote the payments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Both currencies' windows close together (as `serve --window-seconds` closes them), and are
    // netted together: one pass of the store over the stretch of ledger they cover.
    const ids: string[] = [];
    for (const currency of ['INR', 'RUB'])
      ids.push((await hub.windows.close(currency, CLI_ACTOR)).closed.id);
    const times: number[] = [];
    let counts: number[] = [];
    // A WindowService keeps the netting of each closed window it computed, so each repetition
    // gets a fresh one: what is timed is the computation a window's first netting does.
    const fresh = (): WindowService => new WindowService(hub.ledger, hub.participants);
    for (let repetition = 0; repetition < 3; repetition += 1) {
      const windows = fresh();
      const begin = process.hrtime.bigint();
      const nettings = await windows.netMany(ids);
      times.push(Number(process.hrtime.bigint() - begin) / 1e6);
      counts = nettings.map((netting) => netting.netting?.transferCount ?? 0);
    }
    times.sort((a, b) => a - b);
    const transfers = counts.reduce((sum, count) => sum + count, 0);
    results.push({
      scenario: 'netting',
      windows: ids,
      transfers,
      banks: BANKS,
      msMin: round(times[0] ?? 0),
      msMedian: round(times[1] ?? 0),
      msMax: round(times[2] ?? 0),
    });
    say(
      `  ${ids.join(' + ')}: ${transfers.toLocaleString('en')} transfers netted in ${round(times[0] ?? 0)} / ${round(times[1] ?? 0)} / ${round(times[2] ?? 0)} ms (min / median / max of 3)`,
    );
    // One window alone, for comparison.
    const begin = process.hrtime.bigint();
    const single = await fresh().net(ids[0] as string);
    const singleMs = round(Number(process.hrtime.bigint() - begin) / 1e6);
    results.push({
      scenario: 'netting-one-window',
      window: ids[0],
      transfers: single.netting?.transferCount ?? 0,
      ms: singleMs,
    });
    say(
      `  ${ids[0]} alone: ${(single.netting?.transferCount ?? 0).toLocaleString('en')} transfers in ${singleMs} ms`,
    );
  });
}

async function pvp(): Promise<void> {
  await withHub('pvp', async (hub) => {
    say(
      `pvp: ${QUOTES.toLocaleString('en')} quotes executed by ${CALLERS} concurrent callers, at most ${SECONDS} s`,
    );
    await hub.participants.create(
      {
        id: 'fx',
        name: 'FX provider',
        kind: 'fx_provider',
        country: 'IN',
        currencies: ['INR', 'RUB'],
      },
      CLI_ACTOR,
    );
    const payers: AccountId[] = [];
    const payees: AccountId[] = [];
    for (let index = 0; index < 10; index += 1) {
      await hub.participants.create(
        {
          id: `in-${index}`,
          name: `Indian bank ${index}`,
          kind: 'bank',
          country: 'IN',
          currencies: ['INR'],
        },
        CLI_ACTOR,
      );
      await hub.participants.create(
        {
          id: `ru-${index}`,
          name: `Russian bank ${index}`,
          kind: 'bank',
          country: 'RU',
          currencies: ['RUB'],
        },
        CLI_ACTOR,
      );
      payers.push(participantAccountId(`in-${index}`, 'INR', 'settlement'));
      payees.push(participantAccountId(`ru-${index}`, 'RUB', 'settlement'));
      await hub.caps.set(`in-${index}`, 'INR', 1n << 50n, CLI_ACTOR);
      await hub.payments.fund(
        {
          id: newTransferId(),
          account: payers[index]!,
          amount: 1n << 50n,
          reference: 'bench',
        },
        CLI_ACTOR,
      );
    }
    for (const currency of ['INR', 'RUB']) {
      await hub.caps.set('fx', currency, 1n << 50n, CLI_ACTOR);
      await hub.payments.fund(
        {
          id: newTransferId(),
          account: participantAccountId('fx', currency, 'fx_liquidity'),
          amount: 1n << 50n,
          reference: 'bench',
        },
        CLI_ACTOR,
      );
    }
    await hub.fx.setRate(
      { source: 'INR', target: 'RUB', rate: '1.0734', asOf: '2026-11-20' },
      CLI_ACTOR,
    );
    await hub.fx.setSpread(
      { provider: 'fx', source: 'INR', target: 'RUB', spreadBps: 25, feeMinor: 100n },
      CLI_ACTOR,
    );
    // The quotes below hold for an hour, past the default maximum: the provider allows it.
    await hub.fx.setQuoteLifetime('fx', 3600, CLI_ACTOR);
    const quoteStarted = Date.now();
    const quotes: string[] = [];
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (quotes.length < QUOTES) {
          quotes.push(
            (
              await hub.fx.quote(
                {
                  provider: 'fx',
                  source: 'INR',
                  target: 'RUB',
                  side: 'source',
                  amountMinor: BigInt(100_00 + quotes.length),
                  ttlMs: 3_600_000,
                },
                CLI_ACTOR,
              )
            ).id,
          );
        }
      }),
    );
    const quoteSeconds = (Date.now() - quoteStarted) / 1000;
    say(
      `  made ${quotes.length.toLocaleString('en')} quotes in ${quoteSeconds.toFixed(1)} s (${Math.round(quotes.length / quoteSeconds)}/s)`,
    );
    const latencies: number[] = [];
    let next = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, caller) => {
        while (next < quotes.length && Date.now() < deadline) {
          const quote = quotes[next++] as string;
          const begin = process.hrtime.bigint();
          await hub.fx.execute(
            {
              quote,
              payer: payers[caller % payers.length]!,
              payee: payees[(caller + next) % payees.length]!,
            },
            CLI_ACTOR,
          );
          latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const rate = Math.round(latencies.length / seconds);
    results.push({
      scenario: 'pvp',
      executed: latencies.length,
      seconds: round(seconds),
      perSecond: rate,
      p50Ms: round(latencies[Math.floor(latencies.length / 2)] ?? 0),
      p99Ms: round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
      quotesPerSecond: Math.round(quotes.length / quoteSeconds),
    });
    say(
      `  executed ${latencies.length.toLocaleString('en')} cross-currency payments in ${seconds.toFixed(1)} s: ${rate}/s, p50 ${round(latencies[Math.floor(latencies.length / 2)] ?? 0)} ms, p99 ${round(latencies[Math.floor(latencies.length * 0.99)] ?? 0)} ms`,
    );
  });
}

function transfer(
  debit: AccountId,
  credit: AccountId,
  amount: bigint,
  currency: string,
  code: number,
): TransferInput {
  return {
    id: newTransferId(),
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    pendingId: ZERO_TRANSFER_ID,
    ledger: currencyByCode(currency)?.ledger ?? 0,
    code,
    flags: 0,
    timeoutSeconds: 0,
    reference: '',
    userData64: 0n,
    userData32: 0,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (options.scenario === 'netting' || options.scenario === 'all') await netting();
if (options.scenario === 'pvp' || options.scenario === 'all') await pvp();
if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
