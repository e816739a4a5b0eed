import { useEffect, useMemo, useState } from 'preact/hooks';
import { explain, getJson, type HubEvent } from '../api.ts';
import { isStaff, useCaller } from '../caller.ts';
import { TimeChart, type Series } from '../chart.tsx';
import { formatMajor, formatMoney } from '../money.ts';
import { useApi, type Loaded } from '../use-api.ts';
import { text, useFeed } from '../use-feed.ts';

/** The pairs the hub clears (a reference rate set one way answers the other as its inverse). */
const PAIRS = [
  ['INR', 'RUB'],
  ['RUB', 'INR'],
] as const;
const SHOWN = 500;
/** Reference-rate history read per pair at most: pages of 1,000 (the API's largest). */
const HISTORY_PAGES = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Rate {
  readonly source: string;
  readonly target: string;
  readonly rate: string;
  readonly asOf: string;
  readonly origin: string;
}

/** One entry of GET /v1/fx/rates/{source}/{target}/history. */
interface RateSet extends Rate {
  readonly setAt: string;
  readonly inverted: boolean;
}

interface QuoteLifetime {
  readonly provider: string;
  readonly maxTtlSeconds: number;
  readonly defaultTtlSeconds: number;
}

interface Quote {
  readonly id: string;
  readonly status: string;
  readonly provider: string;
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
  readonly fixed: string;
  readonly sourceAmount: string;
  readonly targetAmount: string;
  readonly fee: string;
  readonly totalDebit: string;
  readonly referenceRate: string;
  readonly spreadBps: number;
  readonly rate: string;
  readonly expiresAt: string;
  readonly reservedUntil?: string;
}

/** One `quote.executed` event's data (docs/events.md): amounts in minor units. */
interface Execution {
  readonly id: string;
  readonly provider: string;
  readonly pair: string;
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
  readonly sourceAmount: string;
  readonly targetAmount: string;
  readonly fee: string;
  readonly rate: string;
  readonly referenceRate: string;
  readonly spreadBps: string;
  readonly payerOwner: string;
  readonly payeeOwner: string;
  readonly reserved: boolean;
  readonly executedAt: string;
}

function execution(event: HubEvent): Execution {
  const data = event.data;
  return {
    id: text(data['id']),
    provider: text(data['provider']),
    pair: text(data['pair']),
    sourceCurrency: text(data['sourceCurrency']),
    targetCurrency: text(data['targetCurrency']),
    sourceAmount: text(data['sourceAmount']),
    targetAmount: text(data['targetAmount']),
    fee: text(data['fee']),
    rate: text(data['rate']),
    referenceRate: text(data['referenceRate']),
    spreadBps: text(data['spreadBps']),
    payerOwner: text(data['payerOwner']),
    payeeOwner: text(data['payeeOwner']),
    reserved: data['reserved'] === true,
    executedAt: text(data['executedAt']) || event.at,
  };
}

const time = (iso: string): string => iso.slice(0, 19).replace('T', ' ');
const minor = (amount: string, currency: string): string =>
  /^-?[0-9]+$/.test(amount) && currency !== '' ? formatMoney(amount, currency) : amount;

function ReferenceRate({ source, target }: { source: string; target: string }) {
  const loaded = useApi<Rate>(
    `/fx/rates/${source}/${target}`,
    `the ${source} → ${target} reference rate`,
  );
  return (
    <tr>
      <th scope="row">
        {source} → {target}
      </th>
      {loaded.state === 'loading' ? (
        <td colSpan={3} aria-busy="true">
          Loading…
        </td>
      ) : loaded.state === 'failed' ? (
        <td colSpan={3}>{loaded.message}</td>
      ) : (
        <>
          <td class="num">{loaded.value.rate}</td>
          <td>{loaded.value.asOf}</td>
          <td>{loaded.value.origin}</td>
        </>
      )}
    </tr>
  );
}

function Lifetime({ provider }: { provider: string }) {
  const loaded = useApi<QuoteLifetime>(
    `/fx/providers/${encodeURIComponent(provider)}/quote-lifetime`,
    `${provider}'s quote lifetime`,
  );
  if (loaded.state === 'loading') return <span aria-busy="true">…</span>;
  if (loaded.state === 'failed') return <span>{loaded.message}</span>;
  return (
    <span>
      {loaded.value.defaultTtlSeconds} s by default, at most {loaded.value.maxTtlSeconds} s
    </span>
  );
}

/**
 * The FX providers with the latest rate each gave per pair (from its executions) and how long its
 * quotes hold. Staff keys list every FX provider; a participant key sees those of its executions.
 */
function Providers({ executions }: { executions: readonly Execution[] }) {
  const staff = isStaff(useCaller());
  const listed = useApi<{ data: readonly { id: string; name: string; kind: string }[] }>(
    staff ? '/participants?limit=200' : undefined,
    'the FX providers',
  );
  const names = new Map<string, string>();
  if (staff && listed.state === 'ok')
    for (const participant of listed.value.data)
      if (participant.kind === 'fx_provider') names.set(participant.id, participant.name);
  for (const done of executions) if (!names.has(done.provider)) names.set(done.provider, '');
  const latest = new Map<string, Execution>();
  for (const done of executions) {
    const key = `${done.provider} ${done.pair}`;
    if (!latest.has(key)) latest.set(key, done);
  }
  const rows = [...names].flatMap(
    ([id, name]): { id: string; name: string; done?: Execution }[] => {
      const pairs = [...latest.values()].filter((done) => done.provider === id);
      return pairs.length === 0 ? [{ id, name }] : pairs.map((done) => ({ id, name, done }));
    },
  );
  return (
    <div class="scroll">
      <table data-testid="providers">
        <caption>FX providers: the rate of each one’s latest execution per pair</caption>
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col">Pair</th>
            <th scope="col" class="num">
              Rate given
            </th>
            <th scope="col" class="num">
              Reference then
            </th>
            <th scope="col" class="num">
              Spread
            </th>
            <th scope="col">When (UTC)</th>
            <th scope="col">Quotes hold</th>
          </tr>
        </thead>
        <tbody>
          {staff && listed.state === 'failed' ? (
            <tr>
              <td colSpan={7}>{listed.message}</td>
            </tr>
          ) : null}
          {rows.map(({ id, name, done }) => (
            <tr key={`${id} ${done?.pair ?? ''}`}>
              <td>{name === '' ? id : `${name} (${id})`}</td>
              <td>
                {done === undefined ? '—' : `${done.sourceCurrency} → ${done.targetCurrency}`}
              </td>
              <td class="num">{done?.rate ?? '—'}</td>
              <td class="num">{done?.referenceRate ?? '—'}</td>
              <td class="num">{done === undefined ? '—' : `${done.spreadBps} bp`}</td>
              <td>{done === undefined ? 'no execution yet' : time(done.executedAt)}</td>
              <td>
                <Lifetime provider={id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Every reference rate set for the pair (GET /v1/fx/rates/{source}/{target}/history, oldest
 * first), read a page of 1,000 at a time up to HISTORY_PAGES pages.
 */
function useRateHistory(source: string, target: string): Loaded<readonly RateSet[]> {
  const [loaded, setLoaded] = useState<Loaded<readonly RateSet[]>>({ state: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setLoaded({ state: 'loading' });
    (async () => {
      const entries: RateSet[] = [];
      let after: string | null = null;
      for (let page = 0; page < HISTORY_PAGES; page += 1) {
        const query: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
        const read: { data: RateSet[]; next: string | null } = await getJson(
          `/fx/rates/${source}/${target}/history?limit=1000${query}`,
          abort.signal,
        );
        entries.push(...read.data);
        after = read.next;
        if (after === null) break;
      }
      return entries;
    })().then(
      (value) => setLoaded({ state: 'ok', value }),
      (error: unknown) => {
        if (!abort.signal.aborted)
          setLoaded({
            state: 'failed',
            message: explain(error, `the ${source} → ${target} rate history`),
          });
      },
    );
    return () => abort.abort();
  }, [source, target]);
  return loaded;
}

/**
 * One pair over time: the reference rate as set for each date (its history, a line through the
 * dates), and, beside it, the rate given and the reference rate at each execution the key may see.
 */
function RateChart({ executions }: { executions: readonly Execution[] }) {
  const pairs = [
    ...new Set([
      ...PAIRS.map(([source, target]) => `${source}${target}`),
      ...executions.map((done) => done.pair),
    ]),
  ];
  const withExecutions = executions[0]?.pair;
  const [chosen, setChosen] = useState<string>();
  const pair = chosen ?? withExecutions ?? pairs[0] ?? 'INRRUB';
  const [source, target] = [pair.slice(0, 3), pair.slice(3)];
  const history = useRateHistory(source, target);
  const sets = history.state === 'ok' ? history.value : [];
  const chart = useMemo(() => {
    // x in seconds (UTC); a date's rate is the last one set for it.
    const reference = new Map<number, number>();
    for (const set of sets)
      reference.set(Date.parse(`${set.asOf}T00:00:00Z`) / 1000, Number(set.rate));
    const done = new Map<number, Execution>();
    for (const execution of executions.filter((each) => each.pair === pair)) {
      const at = Date.parse(execution.executedAt) / 1000;
      if (Number.isFinite(at)) done.set(at, execution);
    }
    const times = [...new Set([...reference.keys(), ...done.keys()])].sort((a, b) => a - b);
    const series: Series[] = [
      {
        label: 'reference rate (as set for each date)',
        colour: '#2b6cd9',
        values: times.map((time) => reference.get(time) ?? null),
      },
      {
        label: 'rate given at an execution',
        colour: '#d9822b',
        values: times.map((time) => {
          const execution = done.get(time);
          return execution === undefined ? null : Number(execution.rate);
        }),
      },
      {
        label: 'reference rate at an execution',
        colour: '#6b8e23',
        values: times.map((time) => {
          const execution = done.get(time);
          return execution === undefined ? null : Number(execution.referenceRate);
        }),
      },
    ];
    return { times, series, executions: done.size };
  }, [sets, executions, pair]);
  const format = useMemo(() => (value: number) => value.toFixed(4), []);
  return (
    <div class="panel">
      <label>
        Pair{' '}
        <select value={pair} onChange={(event) => setChosen(event.currentTarget.value)}>
          {pairs.map((option) => (
            <option key={option} value={option}>
              {option.slice(0, 3)} → {option.slice(3)}
            </option>
          ))}
        </select>
      </label>
      {history.state === 'loading' ? (
        <p aria-busy="true">Loading the rate history…</p>
      ) : history.state === 'failed' ? (
        <p class="notice" role="alert">
          {history.message}
        </p>
      ) : chart.times.length === 0 ? (
        <p class="notice" data-testid="rate-chart-message">
          No reference rate set for {source} → {target} yet, and no executed conversion your key may
          see.
        </p>
      ) : (
        <>
          <TimeChart
            title={`${source} → ${target}: the reference rate by date (${sets.length} set) and the rate given at each execution (${chart.executions})`}
            times={chart.times}
            series={chart.series}
            format={format}
            yLabel={`${target} per 1 ${source}`}
          />
          <p data-testid="rate-history-summary">
            {sets.length === 0
              ? 'No reference rate set for this pair yet.'
              : `Reference rates from ${sets[0]?.asOf ?? ''} to ${sets.at(-1)?.asOf ?? ''}${sets.some((set) => set.inverted) ? ' (some set for the opposite pair, shown inverted)' : ''}; x: date (UTC).`}
          </p>
        </>
      )}
    </div>
  );
}

function QuoteDetail({ id }: { id: string }) {
  const loaded = useApi<Quote>(`/fx/quotes/${encodeURIComponent(id)}`, `quote ${id}`);
  return (
    <section class="panel" aria-labelledby="quote-title">
      <h2 id="quote-title">Quote {id}</h2>
      {loaded.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : loaded.state === 'failed' ? (
        <p class="notice" data-testid="quote-message">
          {loaded.message}
        </p>
      ) : (
        <dl class="fields" data-testid="quote-detail">
          {(
            [
              ['status', loaded.value.status],
              ['provider', loaded.value.provider],
              ['sells', formatMajor(loaded.value.sourceAmount, loaded.value.sourceCurrency)],
              ['buys', formatMajor(loaded.value.targetAmount, loaded.value.targetCurrency)],
              ['fixed side', loaded.value.fixed],
              ['fee', formatMajor(loaded.value.fee, loaded.value.sourceCurrency)],
              ['total debit', formatMajor(loaded.value.totalDebit, loaded.value.sourceCurrency)],
              ['rate', loaded.value.rate],
              ['reference rate', loaded.value.referenceRate],
              ['spread', `${loaded.value.spreadBps} bp`],
              ['expires (UTC)', time(loaded.value.expiresAt)],
              ...(loaded.value.reservedUntil === undefined
                ? []
                : [['reserved until (UTC)', time(loaded.value.reservedUntil)]]),
            ] as const
          ).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p>
        <a href="#/fx">Close</a>
      </p>
    </section>
  );
}

export function Fx({ quoteId }: { quoteId: string | undefined }) {
  const feed = useFeed('quote.executed', SHOWN, 'FX executions');
  const executions = useMemo(() => feed.events.map(execution), [feed.events]);
  const [search, setSearch] = useState(quoteId ?? '');
  const [searchProblem, setSearchProblem] = useState<string>();
  const submit = (event: Event) => {
    event.preventDefault();
    const id = search.trim().toLowerCase();
    if (!UUID.test(id)) {
      setSearchProblem('A quote id is a UUID, such as 01a25269-3c68-7314-82f9-49a5efcda637.');
      return;
    }
    setSearchProblem(undefined);
    location.hash = `#/fx/${id}`;
  };
  return (
    <section aria-labelledby="fx-title">
      <h1 id="fx-title">FX</h1>
      <table data-testid="reference-rates">
        <caption>Reference rates now</caption>
        <thead>
          <tr>
            <th scope="col">Pair</th>
            <th scope="col" class="num">
              Rate
            </th>
            <th scope="col">As of</th>
            <th scope="col">Origin</th>
          </tr>
        </thead>
        <tbody>
          {PAIRS.map(([source, target]) => (
            <ReferenceRate key={`${source}${target}`} source={source} target={target} />
          ))}
        </tbody>
      </table>
      <h2>Rates over time</h2>
      <RateChart executions={executions} />
      <h2>Providers</h2>
      <Providers executions={executions} />
      <form class="search" onSubmit={submit} role="search">
        <label for="quote-id">Find a quote by id</label>
        <input
          id="quote-id"
          value={search}
          onInput={(event) => setSearch(event.currentTarget.value)}
          spellcheck={false}
        />
        <button type="submit">Find</button>
        {searchProblem === undefined ? null : (
          <p class="error" role="alert">
            {searchProblem}
          </p>
        )}
      </form>
      {quoteId === undefined ? null : <QuoteDetail id={quoteId} />}
      <h2>
        Executions{' '}
        <span class={feed.live ? 'live on' : 'live'} data-testid="fx-live">
          {feed.live ? '● live' : '○ not live'}
        </span>
      </h2>
      {feed.problem === undefined ? null : (
        <p class="notice" role="alert">
          {feed.problem}
        </p>
      )}
      <div class="scroll">
        <table data-testid="executions">
          <caption>Executed conversions your key may see, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Executed (UTC)</th>
              <th scope="col">Provider</th>
              <th scope="col" class="num">
                Sold
              </th>
              <th scope="col" class="num">
                Bought
              </th>
              <th scope="col" class="num">
                Rate
              </th>
              <th scope="col" class="num">
                Fee
              </th>
              <th scope="col">Payer → payee</th>
              <th scope="col">Quote</th>
            </tr>
          </thead>
          <tbody>
            {executions.map((done) => (
              <tr key={done.id}>
                <td>{time(done.executedAt)}</td>
                <td>{done.provider}</td>
                <td class="num">{minor(done.sourceAmount, done.sourceCurrency)}</td>
                <td class="num">{minor(done.targetAmount, done.targetCurrency)}</td>
                <td class="num">{done.rate}</td>
                <td class="num">{minor(done.fee, done.sourceCurrency)}</td>
                <td>
                  {done.payerOwner} → {done.payeeOwner}
                  {done.reserved ? ' (reserved, then posted)' : ''}
                </td>
                <td>
                  <a href={`#/fx/${encodeURIComponent(done.id)}`}>
                    <code>{done.id}</code>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
