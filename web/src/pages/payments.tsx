import { useEffect, useState } from 'preact/hooks';
import { explain, getJson } from '../api.ts';
import { useCaller, type Caller } from '../caller.ts';
import { rowOfTransfer, useLiveFeed, type FeedRow, type FoundTransfer } from '../live-feed.ts';
import { PaymentStory } from '../payment-story.tsx';

/** Rows of the live feed kept (and rendered) at most. */
const SHOWN = 100;
/** Rows of a search shown per "Show more". */
const FOUND = 50;
/** API pages read at most for one "Show more" (a page may be short: docs/api.md). */
const PAGES_READ = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['pending', 'posted', 'voided', 'expired'] as const;

/** The search as the form holds it and the URL (`#/payments/?participant=…`) keeps it. */
interface Search {
  readonly participant: string;
  readonly currency: string;
  readonly amountMin: string;
  readonly amountMax: string;
  readonly status: string;
  /** UTC dates, `YYYY-MM-DD`: from inclusive, to exclusive. */
  readonly from: string;
  readonly to: string;
}

const EMPTY: Search = {
  participant: '',
  currency: '',
  amountMin: '',
  amountMax: '',
  status: '',
  from: '',
  to: '',
};

function searchOfHash(): Search | undefined {
  const at = location.hash.indexOf('?');
  if (at < 0) return undefined;
  const params = new URLSearchParams(location.hash.slice(at + 1));
  const value = (name: keyof Search | 'amount') => params.get(name) ?? '';
  const exact = value('amount');
  return {
    participant: value('participant'),
    currency: value('currency'),
    amountMin: exact === '' ? value('amountMin') : exact,
    amountMax: exact === '' ? value('amountMax') : exact,
    status: value('status'),
    from: value('from'),
    to: value('to'),
  };
}

/** The API query of a search: an equal minimum and maximum is an exact amount. */
function apiQuery(search: Search): URLSearchParams {
  const params = new URLSearchParams();
  const put = (name: string, value: string) => {
    if (value.trim() !== '') params.set(name, value.trim());
  };
  put('participant', search.participant);
  put('currency', search.currency);
  if (search.amountMin.trim() !== '' && search.amountMin.trim() === search.amountMax.trim())
    put('amount', search.amountMin);
  else {
    put('amountMin', search.amountMin);
    put('amountMax', search.amountMax);
  }
  put('status', search.status);
  put('from', search.from);
  put('to', search.to);
  return params;
}

interface Found {
  readonly rows: readonly FeedRow[];
  readonly statuses: ReadonlyMap<string, string>;
  readonly next: string | null;
}

/** Reads on from `before` until it has `FOUND` transfers or the end (at most PAGES_READ pages). */
async function findMore(
  query: URLSearchParams,
  before: string | null,
  signal: AbortSignal,
): Promise<{ transfers: FoundTransfer[]; next: string | null }> {
  const transfers: FoundTransfer[] = [];
  let cursor = before;
  for (let pages = 0; pages < PAGES_READ && transfers.length < FOUND; pages += 1) {
    const params = new URLSearchParams(query);
    params.set('limit', String(FOUND - transfers.length));
    if (cursor !== null) params.set('before', cursor);
    const page = await getJson<{ data: readonly FoundTransfer[]; next: string | null }>(
      `/transfers?${params.toString()}`,
      signal,
    );
    transfers.push(...page.data);
    cursor = page.next;
    if (cursor === null) break;
  }
  return { transfers, next: cursor };
}

function SearchResults({ search }: { search: Search }) {
  const [found, setFound] = useState<Found>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const query = apiQuery(search);
  const key = query.toString();
  const load = (previous: Found | undefined, signal: AbortSignal) => {
    setBusy(true);
    findMore(query, previous?.next ?? null, signal).then(
      ({ transfers, next }) => {
        setBusy(false);
        setProblem(undefined);
        setFound({
          rows: [...(previous?.rows ?? []), ...transfers.map(rowOfTransfer)],
          statuses: new Map([
            ...(previous?.statuses ?? []),
            ...transfers.map((transfer) => [transfer.id, transfer.status] as const),
          ]),
          next,
        });
      },
      (error: unknown) => {
        if (signal.aborted) return;
        setBusy(false);
        setProblem(explain(error, 'the search'));
      },
    );
  };
  useEffect(() => {
    const abort = new AbortController();
    setFound(undefined);
    load(undefined, abort.signal);
    return () => abort.abort();
  }, [key]);
  return (
    <section class="panel" aria-labelledby="found-title">
      <h2 id="found-title">Found</h2>
      {problem !== undefined ? (
        <p class="notice" role="alert" data-testid="found-message">
          {problem}
        </p>
      ) : found === undefined ? (
        <p aria-busy="true">Searching…</p>
      ) : (
        <>
          <p data-testid="found-count">
            {found.rows.length === 0
              ? 'No payment or transfer matches.'
              : `${found.rows.length} payments and transfers${found.next === null ? '' : ' so far'}, newest first.`}
          </p>
          {found.rows.length === 0 ? null : (
            <div class="scroll">
              <table data-testid="found">
                <thead>
                  <tr>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">Kind · status</th>
                    <th scope="col">From → to</th>
                    <th scope="col" class="num">
                      Amount
                    </th>
                    <th scope="col">Reference</th>
                    <th scope="col">Id</th>
                  </tr>
                </thead>
                <tbody>
                  {found.rows.map((row) => (
                    <Row key={row.key} row={row} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {found.next === null ? null : (
            <button
              type="button"
              disabled={busy}
              onClick={() => load(found, new AbortController().signal)}
            >
              Show more
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Row({ row }: { row: FeedRow }) {
  return (
    <tr>
      <td>{row.at}</td>
      <td>{row.what}</td>
      <td>
        {row.from} → {row.to}
      </td>
      <td class="num">{row.amount}</td>
      <td>{row.reference}</td>
      <td>
        {row.story ? (
          <a href={`#/payments/${encodeURIComponent(row.id)}`}>
            <code>{row.id}</code>
          </a>
        ) : (
          <code>{row.id}</code>
        )}
      </td>
    </tr>
  );
}

function SearchForm({ caller, initial }: { caller: Caller; initial: Search | undefined }) {
  const own = caller.role === 'participant' ? (caller.participant ?? '') : undefined;
  const [id, setId] = useState('');
  const [search, setSearch] = useState<Search>({
    ...(initial ?? EMPTY),
    ...(own === undefined ? {} : { participant: own }),
  });
  const [problem, setProblem] = useState<string>();
  const field =
    (name: keyof Search) => (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) => {
      const value = event.currentTarget.value;
      setSearch((current) => ({ ...current, [name]: value }));
    };
  const submit = (event: Event) => {
    event.preventDefault();
    const wanted = id.trim().toLowerCase();
    if (wanted !== '') {
      if (!UUID.test(wanted)) {
        setProblem(
          'A payment or transfer id is a UUID, such as 0193a1f0-7c2e-7000-8000-0000000000a1.',
        );
        return;
      }
      setProblem(undefined);
      location.hash = `#/payments/${wanted}`;
      return;
    }
    if (
      (search.amountMin.trim() !== '' || search.amountMax.trim() !== '') &&
      search.currency === ''
    ) {
      setProblem('An amount is in a currency: choose INR or RUB.');
      return;
    }
    setProblem(undefined);
    location.hash = `#/payments/?${apiQuery(search).toString()}`;
  };
  return (
    <form class="search payment-search" onSubmit={submit} role="search" aria-label="Payments">
      <label>
        Payment or transfer id
        <input
          value={id}
          onInput={(event) => setId(event.currentTarget.value)}
          spellcheck={false}
          placeholder="a UUID"
          data-testid="search-id"
        />
      </label>
      <label>
        Participant
        <input
          value={search.participant}
          onInput={field('participant')}
          readOnly={own !== undefined}
          spellcheck={false}
          placeholder="any, e.g. sbi"
          data-testid="search-participant"
        />
      </label>
      <label>
        Currency
        <select value={search.currency} onChange={field('currency')} data-testid="search-currency">
          <option value="">any</option>
          <option value="INR">INR</option>
          <option value="RUB">RUB</option>
        </select>
      </label>
      <label>
        Amount at least
        <input
          value={search.amountMin}
          onInput={field('amountMin')}
          inputMode="decimal"
          data-testid="search-amount-min"
        />
      </label>
      <label>
        Amount at most
        <input
          value={search.amountMax}
          onInput={field('amountMax')}
          inputMode="decimal"
          data-testid="search-amount-max"
        />
      </label>
      <label>
        Status
        <select value={search.status} onChange={field('status')} data-testid="search-status">
          <option value="">any</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label>
        From (UTC)
        <input type="date" value={search.from} onInput={field('from')} />
      </label>
      <label>
        Before (UTC)
        <input type="date" value={search.to} onInput={field('to')} />
      </label>
      <button type="submit">Find</button>
      <p class="muted search-note">
        The same minimum and maximum find an exact amount.
        {own === undefined ? '' : ' Your key searches its own payments only.'}
      </p>
      {problem === undefined ? null : (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

function LiveList() {
  const feed = useLiveFeed(SHOWN);
  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">
        Recent payments and transfers{' '}
        <span class={feed.live ? 'live on' : 'live'} data-testid="live">
          {feed.live ? (feed.paused ? '❚❚ paused' : '● live') : '○ not live'}
        </span>
      </h2>
      <p class="muted">
        <span data-testid="received">{feed.received}</span> received live since the page opened; the
        newest {SHOWN} shown.{' '}
        <button
          type="button"
          aria-pressed={feed.paused}
          onClick={() => feed.setPaused(!feed.paused)}
          data-testid="pause"
        >
          {feed.paused ? 'Resume' : 'Pause'}
        </button>
      </p>
      {feed.problem === undefined ? null : (
        <p class="notice" role="alert">
          {feed.problem}
        </p>
      )}
      <div class="scroll">
        <table class="feed-table" data-testid="payments">
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Event</th>
              <th scope="col">From → to</th>
              <th scope="col" class="num">
                Amount
              </th>
              <th scope="col">Reference</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            {/* Keyed by position: at a thousand events a second every row is new at each
                update, and rewriting the text of the rows already there costs far less than
                removing a hundred rows and building a hundred more. */}
            {feed.rows.map((row, index) => (
              <Row key={index} row={row} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Payments: a search (by id, participant, amount in a currency, status and dates), a payment's
 * story (`#/payments/<id>`), and the live feed of payments and transfers.
 */
export function Payments({ transferId }: { transferId: string | undefined }) {
  const caller = useCaller();
  const search = searchOfHash();
  const storyId = transferId !== undefined && UUID.test(transferId) ? transferId : undefined;
  return (
    <section aria-labelledby="payments-title">
      <h1 id="payments-title">Payments</h1>
      <SearchForm key={location.hash} caller={caller} initial={search} />
      {storyId !== undefined ? (
        <PaymentStory key={storyId} id={storyId.toLowerCase()} />
      ) : transferId !== undefined && search === undefined ? (
        <p class="notice" data-testid="story-message">
          Not a payment or transfer id: {transferId}.
        </p>
      ) : null}
      {search === undefined ? null : <SearchResults search={search} />}
      <LiveList />
    </section>
  );
}
