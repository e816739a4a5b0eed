import { CLI_ACTOR } from '../domain/actor.js';
import type { Hub } from '../hub/hub.js';
import { systemClock, type Clock } from '../ledger/clock.js';
import { derivedId, type AccountId } from '../ledger/ids.js';
import { participantAccountId } from '../participants/accounts.js';

/**
 * The demo's past: India–Russia trade through the hub from April 2024 (the start of FY2024-25) to
 * the month before today's, booked on an empty database by `vostro start` before the "today" part
 * of the demo (demo.ts). It follows the published structure of FY2024-25 (US$68.7 billion in all:
 * India's imports from Russia about US$63.8 billion — crude oil and petroleum products by far the
 * largest, then coal and coke, fertilisers, sunflower oil, precious stones and metals; India's
 * exports about US$4.9 billion — pharmaceuticals, machinery and electrical equipment, chemicals,
 * and food such as rice, tea and marine products), scaled down to what one hub would carry: eleven
 * invoices a month, sent in four weekly payment runs, at realistic sizes per invoice (a crude cargo of some ₹400 crore, a tea
 * consignment of ₹2 crore), about 13 rupees of imports to one of exports, as in FY2024-25. Each
 * payment's reference names the goods and their HS heading and chapter.
 *
 * How it is booked: the ledger takes its time from a `Clock`; the demo's (`DemoClock`) is set to
 * each historical instant in turn, strictly increasing, and then handed over to the system clock
 * for today's part. Nothing else is faked: each payment goes through the same services as an API
 * call (caps, windows, funds), the rupee window of each month is closed at the month's end and
 * settled (so the settlement page and the netting savings have a history), and a reference rate
 * is set for INR → RUB at the start of each month. Only the demo does this, and only on a ledger
 * whose newest entry is older than the history (a fresh database): a real hub runs on the system
 * clock alone, and the ledger never gives a transfer a timestamp before the newest it holds.
 */

/** 2024-04-01T00:00:00Z, the first day of FY2024-25. */
export const DEMO_HISTORY_START_MS = Date.UTC(2024, 3, 1);
const NS_PER_MS = 1_000_000n;
const CRORE = 10_000_000n;
/** Minor units (paise) in one crore of rupees. */
const CRORE_PAISE = CRORE * 100n;

/**
 * The ledger's clock for the demo: set back to an instant of the history (each later than the
 * last), then handed over to the system clock for good.
 */
export interface DemoClock extends Clock {
  /** Sets the time to `ms` (ms since the epoch): after the last instant set, before now. */
  setBack(ms: number): void;
  /** From now on the system clock's time. */
  handOver(): void;
  readonly handedOver: boolean;
}

export function demoClock(system: Clock = systemClock()): DemoClock {
  let setNs: bigint | undefined;
  let lastNs = 0n;
  let handedOver = false;
  return {
    nowNs: () => setNs ?? system.nowNs(),
    setBack(ms) {
      const ns = BigInt(ms) * NS_PER_MS;
      if (handedOver) throw new Error('bug: the demo clock was handed over already');
      if (ns <= lastNs) throw new Error(`bug: demo history instants must increase (${ms})`);
      if (ns >= system.nowNs()) throw new Error(`bug: demo history instant ${ms} is not past`);
      setNs = ns;
      lastNs = ns;
    },
    handOver() {
      handedOver = true;
      setNs = undefined;
    },
    get handedOver() {
      return handedOver;
    },
  };
}

const SBI = participantAccountId('sbi', 'INR', 'settlement');
const BOB = participantAccountId('bob', 'INR', 'settlement');
const SBER_SRVA = participantAccountId('sberbank', 'INR', 'vostro', 'sbi');
const VTB_SRVA = participantAccountId('vtb', 'INR', 'vostro', 'bob');
const TATA = participantAccountId('tata-steel', 'INR', 'customer');
const CHAMBAL = participantAccountId('chambal', 'INR', 'customer');

/**
 * The days of the month (UTC) the banks send their payment runs on: each run is one batch of the
 * week's invoices (`PaymentService.payBatch`), all or none, so that the history takes four ledger
 * transactions a month rather than one per invoice and `vostro start` stays quick.
 */
const RUN_DAYS = [5, 12, 19, 26] as const;

/** One kind of invoice: who pays whom, for what, in which of the month's runs, how much (₹ crore). */
interface InvoiceKind {
  readonly code: string;
  readonly payer: AccountId;
  readonly payee: AccountId;
  /** Index into RUN_DAYS. */
  readonly run: number;
  readonly minCrore: number;
  readonly maxCrore: number;
  /** The goods, by month: a kind may rotate what it carries. */
  readonly goods: readonly string[];
  /** Months (counted from April 2024) it is paid in; every month when absent. */
  readonly every?: number;
}

/**
 * Imports (India pays Russia, rupees into a Russian bank's Special Rupee Vostro Account) and
 * exports (paid out of the vostro accounts to Indian banks). Crude oil is paid on the books of the
 * bank keeping the vostro account; the rest crosses between SBI and Bank of Baroda, so the monthly
 * window has something to net.
 */
const INVOICES: readonly InvoiceKind[] = [
  {
    code: 'INV',
    payer: SBI,
    payee: SBER_SRVA,
    run: 0,
    minCrore: 330,
    maxCrore: 450,
    goods: ['Urals crude oil, Novorossiysk-Sikka, HS 2709 ch 27'],
    every: 2,
  },
  {
    code: 'INV',
    payer: BOB,
    payee: VTB_SRVA,
    run: 0,
    minCrore: 330,
    maxCrore: 450,
    goods: ['ESPO crude oil, Kozmino-Paradip, HS 2709 ch 27'],
    every: -2,
  },
  {
    code: 'INV',
    payer: SBI,
    payee: SBER_SRVA,
    run: 2,
    minCrore: 40,
    maxCrore: 80,
    goods: ['fuel oil, HS 2710 ch 27', 'naphtha, HS 2710 ch 27', 'vacuum gasoil, HS 2710 ch 27'],
  },
  {
    code: 'INV',
    payer: TATA,
    payee: VTB_SRVA,
    run: 1,
    minCrore: 20,
    maxCrore: 35,
    goods: [
      'coking coal, Kuzbass, HS 2701 ch 27',
      'met coke, HS 2704 ch 27',
      'thermal coal, HS 2701 ch 27',
    ],
  },
  {
    code: 'INV',
    payer: CHAMBAL,
    payee: VTB_SRVA,
    run: 1,
    minCrore: 12,
    maxCrore: 24,
    goods: [
      'urea, HS 3102 ch 31',
      'diammonium phosphate, HS 3105 ch 31',
      'muriate of potash, HS 3104 ch 31',
      'NPK fertiliser, HS 3105 ch 31',
    ],
  },
  {
    code: 'INV',
    payer: BOB,
    payee: SBER_SRVA,
    run: 1,
    minCrore: 10,
    maxCrore: 20,
    goods: ['crude sunflower oil, HS 1512 ch 15'],
  },
  {
    code: 'INV',
    payer: SBI,
    payee: VTB_SRVA,
    run: 2,
    minCrore: 5,
    maxCrore: 10,
    goods: ['rough diamonds, Alrosa sight, HS 7102 ch 71'],
  },
  {
    code: 'INV',
    payer: BOB,
    payee: SBER_SRVA,
    run: 2,
    minCrore: 6,
    maxCrore: 12,
    goods: [
      'unwrought aluminium, HS 7601 ch 76',
      'refined copper cathodes, HS 7403 ch 74',
      'ferro-alloys, HS 7202 ch 72',
      'palladium, HS 7110 ch 71',
    ],
  },
  {
    code: 'EXP',
    payer: SBER_SRVA,
    payee: BOB,
    run: 2,
    minCrore: 14,
    maxCrore: 22,
    goods: ['pharmaceuticals, generics, HS 3004 ch 30', 'pharmaceuticals, vaccines, HS 3002 ch 30'],
  },
  {
    code: 'EXP',
    payer: VTB_SRVA,
    payee: SBI,
    run: 3,
    minCrore: 8,
    maxCrore: 14,
    goods: [
      'machinery, pumps and compressors, HS 8413 ch 84',
      'electrical equipment, transformers, HS 8504 ch 85',
      'telephone sets and parts, HS 8517 ch 85',
    ],
  },
  {
    code: 'EXP',
    payer: VTB_SRVA,
    payee: SBI,
    run: 3,
    minCrore: 5,
    maxCrore: 8,
    goods: ['organic chemicals, HS 2933 ch 29', 'agrochemicals, HS 3808 ch 38'],
  },
  {
    code: 'EXP',
    payer: SBER_SRVA,
    payee: BOB,
    run: 3,
    minCrore: 3.5,
    maxCrore: 6,
    goods: [
      'basmati rice, HS 1006 ch 10',
      'black tea, Assam, HS 0902 ch 09',
      'frozen shrimp, HS 0306 ch 03',
      'coffee, HS 0901 ch 09',
    ],
  },
];

/**
 * INR → RUB (roubles per rupee) for the first day of each month from April 2024: rounded from the
 * Bank of Russia's official rouble rates of the rupee and the US dollar, approximately, to
 * November 2025; the months after are illustrative, ending near the demo's current 1.0734. Demo
 * figures, not official ones.
 */
const MONTHLY_RATES: readonly string[] = [
  '1.1150', '1.0850', '1.0600', '1.0350', '1.0500', '1.0800', '1.1250', '1.1700', '1.2000',
  '1.1600', '1.0650', '0.9900', '0.9700', '0.9400', '0.9150', '0.9100', '0.9150', '0.9400',
  '0.9200', '0.9050', '0.9200', '0.9400', '0.9600', '0.9800', '1.0000', '1.0100', '1.0200',
  '1.0350', '1.0450', '1.0550', '1.0650', '1.0700', '1.0712',
]; // prettier-ignore

/** A month of the history: its index from April 2024 and its first instant. */
interface Month {
  readonly index: number;
  readonly year: number;
  /** 0 = January. */
  readonly month: number;
}

/** What the history booked, for `start` to say. */
export interface BookedHistory {
  readonly months: number;
  readonly payments: number;
  readonly windows: number;
  readonly rates: number;
}

/** The months from April 2024 to the current one (UTC), oldest first; none before April 2024. */
export function historyMonths(nowMs: number): Month[] {
  const now = new Date(nowMs);
  const last = (now.getUTCFullYear() - 2024) * 12 + now.getUTCMonth() - 3;
  return Array.from({ length: Math.max(0, last + 1) }, (_, index) => ({
    index,
    year: 2024 + Math.floor((index + 3) / 12),
    month: (index + 3) % 12,
  }));
}

/**
 * Whether the history may be booked: the ledger's newest entry is older than the history's first
 * instant (else the ledger would stamp the history after it, and it would not be history).
 */
export async function mayBookHistory(hub: Hub): Promise<boolean> {
  const newest = await hub.ledger.store.lastTimestamp();
  return newest < BigInt(DEMO_HISTORY_START_MS) * NS_PER_MS;
}

/**
 * Books the history, month by month, up to the day before today (the current month's window stays
 * open for today's part of the demo, which closes it). The participants, their accounts, opening
 * funds and caps exist already (booked at the history's start by demo.ts).
 */
export async function seedDemoHistory(
  hub: Hub,
  clock: DemoClock,
  nowMs: number,
): Promise<BookedHistory> {
  const today = Date.UTC(
    new Date(nowMs).getUTCFullYear(),
    new Date(nowMs).getUTCMonth(),
    new Date(nowMs).getUTCDate(),
  );
  let payments = 0;
  let windows = 0;
  let rates = 0;
  const months = historyMonths(nowMs);
  for (const month of months) {
    const at = (day: number, hour: number, minute = 0): number =>
      Date.UTC(month.year, month.month, day, hour, minute);
    if (at(1, 5) >= today) break;
    clock.setBack(at(1, 5));
    await hub.fx.setRate(
      { source: 'INR', target: 'RUB', rate: monthlyRate(month.index), asOf: isoDate(at(1, 0)) },
      CLI_ACTOR,
    );
    rates += 1;
    const invoices = monthInvoices(month);
    // Each quarter's importers and banks are funded at its start, for the quarter.
    if (month.index % 3 === 0)
      await fundPayers(hub, clock, month, quarterInvoices(month, months.length), at(1, 5, 30));
    for (const [run, day] of RUN_DAYS.entries()) {
      if (at(day, 6) >= today) break;
      clock.setBack(at(day, 6));
      const requests = invoices
        .filter((invoice) => invoice.run === run)
        .map((invoice, number) => ({
          id: historyId(`payment:${month.index}:${run}:${number}`),
          payer: invoice.payer,
          payee: invoice.payee,
          amount: invoice.amountMinor,
          reference: invoice.reference,
        }));
      const outcomes = await hub.payments.payBatch(requests, CLI_ACTOR, { atomic: true });
      const refused = outcomes.find((outcome) => outcome instanceof Error);
      if (refused !== undefined) throw refused;
      payments += requests.length;
    }
    const lastDay = new Date(Date.UTC(month.year, month.month + 1, 0)).getUTCDate();
    if (at(lastDay, 13) >= today) continue;
    // The month's rupee window closes at the end of its last day (18:30 IST) and settles.
    clock.setBack(at(lastDay, 13));
    const { closed } = await hub.windows.close('INR', CLI_ACTOR);
    clock.setBack(at(lastDay, 13, 30));
    await hub.windows.settle(closed.id, CLI_ACTOR);
    windows += 1;
  }
  return { months: months.length, payments, windows, rates };
}

interface Invoice {
  readonly payer: AccountId;
  readonly payee: AccountId;
  readonly run: number;
  readonly amountMinor: bigint;
  readonly reference: string;
}

/** The month's invoices, in the order of their runs: sizes and goods vary from month to month. */
function monthInvoices(month: Month): Invoice[] {
  const random = mulberry32(2024_04 + month.index * 7919);
  const counts = new Map<string, number>();
  return INVOICES.filter(
    (kind) =>
      kind.every === undefined ||
      (kind.every > 0 ? month.index % kind.every === 0 : month.index % -kind.every !== 0),
  )
    .map((kind) => {
      const lakhs = Math.round((kind.minCrore + random() * (kind.maxCrore - kind.minCrore)) * 100);
      const number = (counts.get(kind.code) ?? 0) + 1;
      counts.set(kind.code, number);
      const goods = kind.goods[month.index % kind.goods.length] ?? '';
      const period = `${String(month.year % 100).padStart(2, '0')}${String(month.month + 1).padStart(2, '0')}`;
      return {
        payer: kind.payer,
        payee: kind.payee,
        run: kind.run,
        // Whole lakhs of rupees, and a few thousand more, as an invoice would be.
        amountMinor: BigInt(lakhs) * 100_000_00n + BigInt(Math.floor(random() * 99_999)) * 100n,
        reference: `${kind.code}-${period}-${String(number).padStart(3, '0')} ${goods}`,
      };
    })
    .sort((a, b) => a.run - b.run);
}

/** The invoices of the quarter that begins with `month`, up to the history's last month. */
function quarterInvoices(month: Month, monthCount: number): Invoice[] {
  return [0, 1, 2].flatMap((offset) => {
    const index = month.index + offset;
    if (index >= monthCount) return [];
    return monthInvoices({
      index,
      year: 2024 + Math.floor((index + 3) / 12),
      month: (index + 3) % 12,
    });
  });
}

/**
 * At the start of each quarter, each paying importer and bank gets the rupees it will pay in the
 * quarter (its customers' receipts, which the hub does not see): funding transfers, not payments,
 * so they do not count in the trade figures. The banks get ₹150 crore more for the windows'
 * settlements.
 */
async function fundPayers(
  hub: Hub,
  clock: DemoClock,
  month: Month,
  invoices: readonly Invoice[],
  atMs: number,
): Promise<void> {
  const needs = new Map<AccountId, bigint>([
    [SBI, 150n * CRORE_PAISE],
    [BOB, 150n * CRORE_PAISE],
  ]);
  for (const invoice of invoices) {
    if (invoice.payer === SBER_SRVA || invoice.payer === VTB_SRVA) continue;
    needs.set(invoice.payer, (needs.get(invoice.payer) ?? 0n) + invoice.amountMinor);
  }
  let minute = 0;
  for (const [account, amount] of needs) {
    clock.setBack(atMs + minute * 60_000);
    minute += 1;
    await hub.payments.fund(
      {
        id: historyId(`fund:${month.index}:${account}`),
        account,
        amount,
        reference: `receipts for the quarter from ${isoDate(atMs).slice(0, 7)}`,
      },
      CLI_ACTOR,
    );
  }
}

function monthlyRate(index: number): string {
  return MONTHLY_RATES[Math.min(index, MONTHLY_RATES.length - 1)] ?? '1.0734';
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function historyId(name: string): string {
  return derivedId(`vostro:demo:history:${name}`);
}

/** A small seeded generator, so that the demo is the same in every database. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
