import { useMemo, useState } from 'preact/hooks';
import { useApi } from '../use-api.ts';
import { MonthlyChart, type Series } from '../chart.tsx';
import {
  chartValue,
  exponentOf,
  formatCompact,
  formatMajor,
  formatMoney,
  majorToMinor,
} from '../money.ts';

/** `GET /v1/analytics/trade` (docs/api.md). */
interface Flow {
  readonly direction: 'IN-RU' | 'RU-IN' | 'other';
  readonly currency: string;
  readonly count: number;
  readonly amount: string;
}
export interface TradeAnalytics {
  readonly from: string;
  readonly to: string;
  readonly months: readonly { readonly month: string; readonly flows: readonly Flow[] }[];
  readonly totals: readonly Flow[];
  readonly imbalance: readonly { readonly currency: string; readonly amount: string }[];
  /** Null when nothing was settled in the range. */
  readonly nationalCurrencyShare: number | null;
  /** `savedPercent` is null when no window netted anything in the range. */
  readonly netting: { readonly windows: number; readonly savedPercent: number | null };
  readonly target: {
    readonly goalUsd: number;
    readonly baselineUsd: number;
    readonly baselineYear: string;
    readonly goalYear: number;
    readonly requiredYearlyGrowthPercent: number;
    readonly hubUsd: string;
  };
}

interface Surplus {
  readonly currency: string;
  readonly asOf: string;
  readonly total: string;
  readonly investedTotal: string;
  readonly banks: readonly {
    readonly bank: string;
    readonly name: string;
    readonly surplus: string;
    readonly invested: string;
  }[];
}

const DIRECTIONS = [
  { direction: 'IN-RU', label: 'India → Russia', colour: '#d9822b' },
  { direction: 'RU-IN', label: 'Russia → India', colour: '#2b6cd9' },
] as const;

function Tile(props: { label: string; value: string; exact?: string; note?: string }) {
  return (
    <div class="tile">
      <div class="tile-label">{props.label}</div>
      <div class="tile-value" title={props.exact}>
        {props.value}
      </div>
      {props.exact === undefined ? null : <div class="tile-note">{props.exact}</div>}
      {props.note === undefined ? null : <div class="tile-note">{props.note}</div>}
    </div>
  );
}

function Trade({ analytics }: { analytics: TradeAnalytics }) {
  const currencies = [...new Set(analytics.totals.map((flow) => flow.currency))].sort();
  const [currency, setCurrency] = useState(
    currencies.includes('INR') ? 'INR' : (currencies[0] ?? 'INR'),
  );
  const months = useMemo(() => analytics.months.map((month) => month.month), [analytics]);
  const series: Series[] = useMemo(
    () =>
      DIRECTIONS.map(({ direction, label, colour }) => ({
        label,
        colour,
        values: analytics.months.map((month) =>
          month.flows
            .filter((flow) => flow.direction === direction && flow.currency === currency)
            .reduce((sum, flow) => sum + chartValue(flow.amount, currency), 0),
        ),
      })),
    [analytics, currency],
  );
  const format = useMemo(
    () => (value: number) =>
      formatCompact(BigInt(Math.round(value * 10 ** exponentOf(currency))), currency),
    [currency],
  );
  const hubUsd = majorToMinor(analytics.target.hubUsd, 'USD');
  const goalMinor = BigInt(analytics.target.goalUsd) * 100n;
  // Basis points of the goal, in integers: the share is shown, never used as money.
  const progress = Number((hubUsd * 10_000n) / goalMinor) / 100;
  return (
    <>
      <div class="tiles">
        {analytics.totals
          .filter((flow) => flow.direction !== 'other')
          .map((flow) => (
            <Tile
              key={`${flow.direction}-${flow.currency}`}
              label={`${flow.direction === 'IN-RU' ? 'India → Russia' : 'Russia → India'}, ${flow.currency}`}
              value={formatCompact(flow.amount, flow.currency)}
              exact={formatMoney(flow.amount, flow.currency)}
              note={`${flow.count} payments`}
            />
          ))}
        {analytics.imbalance.map((entry) => (
          <Tile
            key={`imbalance-${entry.currency}`}
            label={`Imbalance, ${entry.currency} (India → Russia minus Russia → India)`}
            value={formatCompact(entry.amount, entry.currency)}
            exact={formatMoney(entry.amount, entry.currency)}
          />
        ))}
        <Tile
          label="Netting saved"
          value={
            analytics.netting.savedPercent === null
              ? 'none yet'
              : `${analytics.netting.savedPercent.toFixed(1)} %`
          }
          note={`${analytics.netting.windows} windows`}
        />
        <Tile
          label="Settled in national currencies"
          value={
            analytics.nationalCurrencyShare === null
              ? 'none yet'
              : `${(analytics.nationalCurrencyShare * 100).toFixed(1)} %`
          }
        />
      </div>
      <section aria-labelledby="target-title" class="panel">
        <h2 id="target-title">Towards US$100 billion by {analytics.target.goalYear}</h2>
        <p>
          From US${(analytics.target.baselineUsd / 1e9).toFixed(1)} billion in{' '}
          {analytics.target.baselineYear}, bilateral trade needs{' '}
          {analytics.target.requiredYearlyGrowthPercent.toFixed(1)} % growth a year. This hub has
          cleared {formatMajor(analytics.target.hubUsd, 'USD')} of it.
        </p>
        <progress max={100} value={progress} aria-label="Hub volume as a share of the goal" />
        <span class="progress-note"> {progress.toFixed(2)} % of the goal</span>
      </section>
      <section aria-labelledby="monthly-title" class="panel">
        <h2 id="monthly-title">Monthly trade by direction</h2>
        <label>
          Currency{' '}
          <select value={currency} onChange={(event) => setCurrency(event.currentTarget.value)}>
            {currencies.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </label>
        <MonthlyChart
          title={`Payments per month, ${currency} (${analytics.from} to ${analytics.to})`}
          months={months}
          series={series}
          format={format}
        />
      </section>
    </>
  );
}

function RupeeSurplus({ surplus }: { surplus: Surplus }) {
  return (
    <section aria-labelledby="surplus-title" class="panel">
      <h2 id="surplus-title">Rupee surplus of Russian banks</h2>
      <div class="tiles">
        <Tile
          label="Surplus in vostro accounts"
          value={formatCompact(majorToMinor(surplus.total, 'INR'), 'INR')}
          exact={formatMajor(surplus.total, 'INR')}
        />
        <Tile
          label="Invested"
          value={formatCompact(majorToMinor(surplus.investedTotal, 'INR'), 'INR')}
          exact={formatMajor(surplus.investedTotal, 'INR')}
        />
      </div>
      <table>
        <caption>Per bank, as of {surplus.asOf}</caption>
        <thead>
          <tr>
            <th scope="col">Bank</th>
            <th scope="col" class="num">
              Surplus
            </th>
            <th scope="col" class="num">
              Invested
            </th>
          </tr>
        </thead>
        <tbody>
          {surplus.banks.map((bank) => (
            <tr key={bank.bank}>
              <td>{bank.name}</td>
              <td class="num">{formatMajor(bank.surplus, 'INR')}</td>
              <td class="num">{formatMajor(bank.invested, 'INR')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * The months the overview shows: from April 2024, the start of FY2024-25 (the baseline year of the
 * US$100 billion goal), to the current month. The API's own default is the last 24 months.
 */
const FROM_BASELINE = '2024-04';

export function Overview() {
  const analytics = useApi<TradeAnalytics>(
    `/analytics/trade?from=${FROM_BASELINE}`,
    'trade analytics',
    'Trade analytics are not available on this hub.',
  );
  const surplus = useApi<Surplus>('/surplus', 'the rupee surplus');
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {analytics.state === 'loading' ? (
        <p aria-busy="true">Loading trade analytics…</p>
      ) : analytics.state === 'failed' ? (
        <p class="notice" data-testid="analytics-message">
          {analytics.message}
        </p>
      ) : (
        <Trade analytics={analytics.value} />
      )}
      {surplus.state === 'loading' ? (
        <p aria-busy="true">Loading the rupee surplus…</p>
      ) : surplus.state === 'failed' ? (
        <p class="notice" data-testid="surplus-message">
          {surplus.message}
        </p>
      ) : (
        <RupeeSurplus surplus={surplus.value} />
      )}
    </section>
  );
}
