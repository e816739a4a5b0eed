import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { currencies, currencyByCode, parseAmount } from '../ledger/currency.js';
import { derivedId, type AccountId } from '../ledger/ids.js';
import { participantAccountId, type AccountRole } from '../participants/accounts.js';
import type { ParticipantInput } from '../participants/participant.js';
import { DEMO_BICS, demoPacs008 } from './demo-iso.js';
import {
  DEMO_HISTORY_START_MS,
  mayBookHistory,
  seedDemoHistory,
  type BookedHistory,
  type DemoClock,
} from './demo-history.js';
import { seedDemoExportTrade, seedDemoTrades } from './demo-trades.js';
import { DEMO_WEBHOOK_PARTICIPANT } from './demo-webhook.js';

/**
 * A small, realistic demo for `vostro start` on an empty database: two Indian and two Russian
 * banks, an FX provider, an Indian importer and a Russian exporter; the Russian banks' Special
 * Rupee Vostro Accounts with Indian banks; prefunding, net debit caps, and a history of trade
 * payments from April 2024 to yesterday with a rupee window closed and settled each month and a
 * reference rate each month (demo-history.ts, booked with the ledger's clock set back). Then
 * today: a dozen trade payments (some interbank, some on the books of one bank), a rouble–rupee
 * conversion through the FX provider (payment versus payment), the month's rupee window closed
 * and settled, and a letter-of-credit style payment still pending, and two trades under
 * documentary credits with their signed documents and an Indian export the other way on
 * documents against payment (demo-trades.ts); the banks' (made-up, DEMO…)
 * BICs, a payment that arrives as an ISO 20022 pacs.008 message (demo-iso.ts), and VTB's webhook
 * endpoint (demo-webhook.ts). Everything goes through the same Hub services as the API and CLI.
 * Ids are derived from names, so the demo is the same in every database.
 */
const PARTICIPANTS: readonly ParticipantInput[] = [
  {
    id: 'sbi',
    name: 'State Bank of India',
    kind: 'bank',
    country: 'IN',
    currencies: ['INR'],
    bic: bic('sbi'),
  },
  {
    id: 'bob',
    name: 'Bank of Baroda',
    kind: 'bank',
    country: 'IN',
    currencies: ['INR'],
    bic: bic('bob'),
  },
  {
    id: 'sberbank',
    name: 'Sberbank',
    kind: 'bank',
    country: 'RU',
    currencies: ['RUB'],
    bic: bic('sberbank'),
  },
  {
    id: 'vtb',
    name: 'VTB Bank',
    kind: 'bank',
    country: 'RU',
    currencies: ['RUB'],
    bic: bic('vtb'),
  },
  {
    id: 'indorus-fx',
    name: 'IndoRus FX',
    kind: 'fx_provider',
    country: 'IN',
    currencies: ['INR', 'RUB'],
    bic: bic('indorus-fx'),
  },
  {
    id: 'tata-steel',
    name: 'Tata Steel',
    kind: 'corporate',
    country: 'IN',
    bank: 'sbi',
    currencies: ['INR'],
  },
  {
    id: 'uralchem',
    name: 'Uralchem',
    kind: 'corporate',
    country: 'RU',
    bank: 'sberbank',
    currencies: ['RUB'],
  },
  {
    id: 'chambal',
    name: 'Chambal Fertilisers and Chemicals',
    kind: 'corporate',
    country: 'IN',
    bank: 'sbi',
    currencies: ['INR'],
  },
];

/** [participant, currency, role, held at]: the demo's accounts by name. */
type Named = readonly [string, string, AccountRole, string?];
const at = ([participant, currency, role, heldAt]: Named): AccountId =>
  participantAccountId(participant, currency, role, heldAt);
const SBI: Named = ['sbi', 'INR', 'settlement'];
const BOB: Named = ['bob', 'INR', 'settlement'];
const SBER: Named = ['sberbank', 'RUB', 'settlement'];
const VTB: Named = ['vtb', 'RUB', 'settlement'];
const SBER_SRVA: Named = ['sberbank', 'INR', 'vostro', 'sbi'];
const VTB_SRVA: Named = ['vtb', 'INR', 'vostro', 'bob'];
const TATA: Named = ['tata-steel', 'INR', 'customer'];
const URALCHEM: Named = ['uralchem', 'RUB', 'customer'];
const CHAMBAL: Named = ['chambal', 'INR', 'customer'];
const FX_INR: Named = ['indorus-fx', 'INR', 'fx_liquidity'];
const FX_RUB: Named = ['indorus-fx', 'RUB', 'fx_liquidity'];

const FUNDING: readonly (readonly [Named, string])[] = [
  [SBI, '500000000.00'],
  [BOB, '350000000.00'],
  [SBER, '600000000.00'],
  [VTB, '450000000.00'],
  [FX_INR, '250000000.00'],
  [FX_RUB, '300000000.00'],
  [TATA, '80000000.00'],
  [URALCHEM, '40000000.00'],
  [CHAMBAL, '150000000.00'],
  [['indorus-fx', 'INR', 'settlement'], '10000000.00'],
  [['indorus-fx', 'RUB', 'settlement'], '10000000.00'],
];

/** Rupee caps sized for the history's monthly windows (demo-history.ts): up to ₹92 crore net a month. */
const CAPS: readonly (readonly [string, string, string])[] = [
  ['sbi', 'INR', '1500000000.00'],
  ['bob', 'INR', '1000000000.00'],
  ['sberbank', 'RUB', '120000000.00'],
  ['vtb', 'RUB', '90000000.00'],
  ['indorus-fx', 'INR', '60000000.00'],
  ['indorus-fx', 'RUB', '60000000.00'],
];

/** [from, to, amount in major units, reference]: rupees for Russian exports and roubles for Indian ones. */
const PAYMENTS: readonly (readonly [Named, Named, string, string])[] = [
  [TATA, SBER_SRVA, '42500000.00', 'INV-2026-0112 coking coal, Tata Steel'],
  [BOB, VTB_SRVA, '18750000.00', 'INV-2026-0117 sunflower oil'],
  [SBI, VTB_SRVA, '9600000.00', 'INV-2026-0121 urea'],
  [BOB, SBER_SRVA, '27300000.00', 'INV-2026-0125 fertiliser DAP'],
  [SBER_SRVA, SBI, '12400000.00', 'EXP-2026-0044 pharmaceuticals'],
  [VTB_SRVA, BOB, '6850000.00', 'EXP-2026-0047 tea, Kolkata'],
  [SBI, SBER_SRVA, '7825000.00', 'INV-2026-0131 sunflower meal'],
  [BOB, VTB_SRVA, '11200000.00', 'INV-2026-0134 newsprint'],
  [SBER_SRVA, BOB, '4310000.00', 'EXP-2026-0052 auto parts, Pune'],
  [VTB_SRVA, SBI, '2975000.00', 'EXP-2026-0055 rice, Kakinada'],
  [URALCHEM, VTB, '5400000.00', 'Uralchem potash freight, Novorossiysk'],
  [VTB, SBER, '1250000.00', 'interbank RUB repayment'],
];

/** What seeding made that `start` goes on with. */
export interface SeededDemo {
  /** The demo's webhook endpoint and its secret (shown nowhere: `start` keeps it in a 0600 file). */
  readonly webhook?: { readonly endpoint: string; readonly secret: string };
  /** The pacs.008 message's outcome: its pacs.002 is stored under this id. */
  readonly isoMessage: string;
  /** What the history booked before today (none when the ledger was not new: see demo-history.ts). */
  readonly history?: BookedHistory;
  /** The rupee window today's part closed and settled. */
  readonly settledWindow: string;
}

/**
 * Seeds the demo; the caller checks first that the database has no participants yet. With a
 * `clock` (the ledger's, see demo-history.ts) and a new ledger, the participants, their opening
 * funds and caps are booked at the start of April 2024 and the history from then to yesterday
 * follows; the clock is then handed over to the system clock for today's part. With a
 * `webhookUrl`, VTB's webhook endpoint is registered there before today's first payment, so that
 * every event of VTB's accounts from then on is delivered to it.
 */
export async function seedDemo(
  hub: Hub,
  options: { readonly webhookUrl?: string; readonly clock?: DemoClock } = {},
): Promise<SeededDemo> {
  const cli = CLI_ACTOR;
  const clock = options.clock;
  const withHistory = clock !== undefined && (await mayBookHistory(hub));
  // The hub opens on the first day of FY2024-25, at 10:00 IST.
  if (withHistory) clock.setBack(DEMO_HISTORY_START_MS + 4.5 * 3_600_000);
  await hub.open(
    currencies.map((currency) => currency.code),
    cli,
  );
  for (const participant of PARTICIPANTS) await hub.participants.create(participant, cli);
  await hub.participants.openAccount('sberbank', 'vostro', 'INR', 'sbi', cli);
  await hub.participants.openAccount('vtb', 'vostro', 'INR', 'bob', cli);
  await hub.participants.openAccount('sberbank', 'investment', 'INR', undefined, cli);
  for (const [account, amount] of FUNDING)
    await hub.payments.fund(
      {
        id: demoId(`fund:${account.join(':')}`),
        account: at(account),
        amount: minor(amount, account[1]),
        reference: 'opening funds',
      },
      cli,
    );
  for (const [participant, currency, amount] of CAPS)
    await hub.caps.set(participant, currency, minor(amount, currency), cli);
  const history = withHistory ? await seedDemoHistory(hub, clock, Date.now()) : undefined;
  clock?.handOver();
  const webhook =
    options.webhookUrl === undefined
      ? undefined
      : await hub.webhooks.register(
          { participant: DEMO_WEBHOOK_PARTICIPANT, url: options.webhookUrl, format: 'json' },
          cli,
        );
  for (const [index, [from, to, amount, reference]] of PAYMENTS.entries()) {
    await hub.payments.pay(
      {
        id: demoId(`payment:${index}`),
        payer: at(from),
        payee: at(to),
        amount: minor(amount, from[1]),
        reference,
      },
      cli,
    );
  }
  // Sberbank sells rupees from its vostro account for roubles, through IndoRus FX.
  const today = new Date().toISOString().slice(0, 10);
  await hub.fx.setRate({ source: 'INR', target: 'RUB', rate: '1.0734', asOf: today }, cli);
  await hub.fx.setSpread(
    { provider: 'indorus-fx', source: 'INR', target: 'RUB', spreadBps: 25, feeMinor: 150_00n },
    cli,
  );
  const quote = await hub.fx.quote(
    {
      provider: 'indorus-fx',
      source: 'INR',
      target: 'RUB',
      side: 'source',
      amountMinor: minor('30000000.00', 'INR'),
      ttlMs: 60_000,
    },
    cli,
  );
  await hub.fx.execute(
    {
      quote: quote.id,
      payer: at(SBER_SRVA),
      payee: at(SBER),
      reference: 'FX-2026-0009 SRVA rupees to roubles',
    },
    cli,
  );
  // The rupee window of the month closes and settles; the next one opens.
  const { closed } = await hub.windows.close('INR', cli);
  await hub.windows.settle(closed.id, cli);
  // A letter-of-credit style reservation awaiting shipping documents (it lapses after 72 hours).
  await hub.payments.pay(
    {
      id: demoId('lc:7'),
      payer: at(SBI),
      payee: at(VTB_SRVA),
      amount: minor('14200000.00', 'INR'),
      reference: 'LC-2026-0007 awaiting bill of lading',
      pending: true,
      timeoutSeconds: 72 * 3600,
    },
    cli,
  );
  // Two documentary credits: one paid on presentation of its signed documents, one discrepant.
  await seedDemoTrades(hub, { payer: at(CHAMBAL), payee: at(SBER_SRVA) });
  // And one the other way, India to Russia, on documents against payment.
  await seedDemoExportTrade(hub);
  // A customer credit transfer that arrives as an ISO 20022 pacs.008 message from SBI.
  const outcome = await hub.iso20022.submit(
    demoPacs008(new Date(), { payer: at(CHAMBAL), payee: at(VTB_SRVA) }),
    cli,
  );
  if (outcome.groupStatus !== 'ACSC')
    throw new Error(`bug: the demo's pacs.008 was not accepted:\n${outcome.statusReport}`);
  return {
    ...(webhook === undefined
      ? {}
      : { webhook: { endpoint: webhook.endpoint.id, secret: webhook.secret } }),
    isoMessage: outcome.messageId,
    ...(history === undefined ? {} : { history }),
    settledWindow: closed.id,
  };
}

function bic(participant: string): string {
  const found = DEMO_BICS[participant];
  if (found === undefined) throw new Error(`bug: no demo BIC for ${participant}`);
  return found;
}

function demoId(name: string): string {
  return derivedId(`vostro:demo:${name}`);
}

function minor(amount: string, code: string): bigint {
  const currency = currencyByCode(code);
  if (currency === undefined) throw new Error(`bug: demo currency ${code}`);
  const parsed = parseAmount(amount, currency);
  if (!parsed.ok) throw new Error(`bug: demo amount ${amount}: ${parsed.error.message}`);
  return parsed.amountMinor;
}

/**
 * The operator API key of the local demo, kept in a file only its owner can read (mode 0600) so
 * that it is never printed to a terminal or a log. `vostro start` reuses the key in the file while
 * it still works, and otherwise issues a new one (label "demo (vostro start)") and writes it there.
 * Fine for a demo on one's own machine; a real hub issues keys with `vostro key issue` and keeps
 * them in a secret manager.
 */
export async function ensureDemoOperatorKey(
  keys: ApiKeys,
  path: string,
): Promise<{ path: string; issued: boolean; keyId: string }> {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').trim();
    const verification = await keys.verifier.verify(text);
    if (verification.ok && verification.key.role === 'operator') {
      chmodSync(path, 0o600);
      return { path, issued: false, keyId: verification.key.keyId };
    }
  }
  const issued = await keys.issue({ role: 'operator', label: 'demo (vostro start)' }, CLI_ACTOR);
  mkdirSync(dirname(path), { recursive: true });
  // A new file, so that it is created 0600 rather than keeping the mode of one found there.
  rmSync(path, { force: true });
  writeFileSync(path, `${issued.key}\n`, { mode: 0o600, flag: 'wx' });
  return { path, issued: true, keyId: issued.info.keyId };
}
