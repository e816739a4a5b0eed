import { useEffect, useMemo, useState } from 'preact/hooks';
import { explain, getJson } from '../api.ts';
import { formatMajor } from '../money.ts';
import { useApi } from '../use-api.ts';
// Types only: the verifier (the hub's own, with its post-quantum signature code) is loaded with
// import() below, into a chunk of its own that only this page fetches.
import type * as Offline from '../verify/offline.ts';

type OfflineModule = typeof Offline;

/** The states of a trade, in the order of its life (src/trade/trades.ts). */
const STATES = ['draft', 'agreed', 'shipped', 'presented', 'paid', 'expired', 'cancelled'] as const;
const PAGE = 100;
/** Pages of 500 read for the counts: at most 10,000 trades. */
const COUNT_PAGE = 500;
const COUNT_PAGES = 20;
/** Larger files are refused unread: a signed document is at most 256 KiB. */
const FILE_READ_MAX = 8 * 1024 * 1024;

/** `GET /v1/trades/{id}` (and each item of `GET /v1/trades`). */
interface Trade {
  readonly id: string;
  readonly status: string;
  readonly exporter: string;
  readonly importer: string;
  readonly exporterBank: string;
  readonly importerBank: string;
  readonly currency: string;
  readonly lines: readonly {
    readonly hs: string;
    readonly description: string;
    readonly quantity: string;
    readonly unit: string;
    readonly unitPrice: string;
  }[];
  readonly total: string;
  readonly incoterm: { readonly rule: string; readonly place: string };
  readonly latestShipmentDate: string;
  readonly corridor?: { readonly summary: string; readonly days?: number };
  readonly paymentTerms: { readonly kind: string } & Record<string, unknown>;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly history: readonly {
    readonly status: string;
    readonly at: string;
    readonly by: string;
    readonly reason?: string;
  }[];
  readonly terms: Offline.TradeTerms;
}

interface Page<T> {
  readonly data: readonly T[];
  readonly next: string | null;
}

interface Check {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly reason: string;
}

interface Report {
  readonly valid: boolean;
  readonly checks: readonly Check[];
}

/** `GET /v1/trades/{id}/documents`: a stored document with the hub's verification of it. */
interface TradeDocument {
  readonly hash: string;
  readonly type: string;
  readonly issuer: string;
  readonly receivedAt: string;
  readonly receivedBy: string;
  readonly document: { readonly content: Record<string, unknown> };
  readonly report: Report;
}

const TERMS: Record<string, string> = {
  advance: 'advance payment',
  open_account: 'open account',
  documentary_collection: 'documentary collection',
  documentary_credit: 'documentary credit',
};

function typeName(type: string): string {
  return type.replaceAll('_', ' ');
}

/** A string from the payment terms, or nothing. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A list of document types from the payment terms, in words. */
function listed(value: unknown): string {
  return Array.isArray(value) ? value.map((type) => typeName(String(type))).join(', ') : '';
}

let offlineModule: Promise<OfflineModule> | undefined;

/** The offline verifier's chunk, fetched once per page load (the browser caches it: immutable). */
function useOfflineModule(): OfflineModule | 'loading' | 'failed' {
  const [module, setModule] = useState<OfflineModule | 'loading' | 'failed'>('loading');
  useEffect(() => {
    let live = true;
    offlineModule ??= import('../verify/offline.ts');
    offlineModule.then(
      (loaded) => live && setModule(loaded),
      () => {
        offlineModule = undefined;
        if (live) setModule('failed');
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return module;
}

type AllTrades =
  | { state: 'loading' }
  | { state: 'ok'; trades: readonly Trade[]; complete: boolean }
  | { state: 'failed'; message: string };

/** Every trade the key may see (up to COUNT_PAGES pages), for the counts by state. */
function useAllTrades(): AllTrades {
  const [loaded, setLoaded] = useState<AllTrades>({ state: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      const trades: Trade[] = [];
      let after: string | null = null;
      for (let page = 0; page < COUNT_PAGES; page++) {
        const query = new URLSearchParams({ limit: String(COUNT_PAGE) });
        if (after !== null) query.set('after', after);
        const found: Page<Trade> = await getJson<Page<Trade>>(`/trades?${query}`, abort.signal);
        trades.push(...found.data);
        after = found.next;
        if (after === null) break;
      }
      setLoaded({ state: 'ok', trades, complete: after === null });
    })().catch((error: unknown) => {
      if (!abort.signal.aborted)
        setLoaded({ state: 'failed', message: explain(error, 'the trades') });
    });
    return () => abort.abort();
  }, []);
  return loaded;
}

function StateCounts({
  all,
  status,
  choose,
}: {
  all: AllTrades;
  status: string;
  choose: (status: string) => void;
}) {
  if (all.state === 'loading') return <p aria-busy="true">Counting trades…</p>;
  if (all.state === 'failed')
    return (
      <p class="notice" role="alert">
        {all.message}
      </p>
    );
  const count = (state: string) => all.trades.filter((trade) => trade.status === state).length;
  const tiles = [
    ['', 'all', all.trades.length],
    ...STATES.map((state) => [state, state, count(state)] as const),
  ] as const;
  return (
    <div class="state-counts" role="group" aria-label="Trades by state" data-testid="state-counts">
      {tiles.map(([value, label, n]) => (
        <button
          key={label}
          type="button"
          class="tile state-count"
          aria-pressed={status === value}
          data-state={label}
          onClick={() => choose(value)}
        >
          <span class="tile-label">{label}</span>
          <span class="tile-value">
            {n}
            {all.complete ? '' : '+'}
          </span>
        </button>
      ))}
    </div>
  );
}

/** `GET /v1/trades?status=&after=&limit=`: one page of the table, as the API filters it. */
function TradeTable({ status }: { status: string }) {
  const [pages, setPages] = useState<string[]>([]);
  useEffect(() => setPages([]), [status]);
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (status !== '') query.set('status', status);
  const after = pages.at(-1);
  if (after !== undefined) query.set('after', after);
  const loaded = useApi<Page<Trade>>(`/trades?${query}`, 'the trades');
  if (loaded.state === 'loading') return <p aria-busy="true">Loading trades…</p>;
  if (loaded.state === 'failed')
    return (
      <p class="notice" role="alert" data-testid="trades-message">
        {loaded.message}
      </p>
    );
  const trades = loaded.value.data;
  const next = loaded.value.next;
  return (
    <>
      {trades.length === 0 ? (
        <p class="notice" data-testid="no-trades">
          {status === ''
            ? 'No trades your key may see: a participant key sees the trades it is party to or finances.'
            : `No ${status} trades your key may see.`}
        </p>
      ) : (
        <div class="scroll">
          <table data-testid="trades">
            <caption>
              {status === '' ? 'Trades' : `Trades ${status}`}, in id order, as the hub answers them
              to your key
            </caption>
            <thead>
              <tr>
                <th scope="col">Trade</th>
                <th scope="col">State</th>
                <th scope="col">Exporter → importer</th>
                <th scope="col">Goods</th>
                <th scope="col" class="num">
                  Value
                </th>
                <th scope="col">Terms</th>
                <th scope="col">Ship by</th>
              </tr>
            </thead>
            <tbody>
              {trades.map((trade) => (
                <tr key={trade.id} data-trade={trade.id}>
                  <td>
                    <a href={`#/trades/${trade.id}`}>
                      <code>{trade.id}</code>
                    </a>
                  </td>
                  <td class={`trade-state ${trade.status}`}>{trade.status}</td>
                  <td>
                    {trade.exporter} → {trade.importer}
                  </td>
                  <td>
                    {trade.lines.map((line) => `${line.description} (HS ${line.hs})`).join('; ')}
                  </td>
                  <td class="num">{formatMajor(trade.total, trade.currency)}</td>
                  <td>
                    {TERMS[trade.paymentTerms.kind] ?? trade.paymentTerms.kind},{' '}
                    {trade.incoterm.rule} {trade.incoterm.place}
                  </td>
                  <td>{trade.latestShipmentDate}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages.length === 0 && next === null ? null : (
        <div class="pager">
          <button
            type="button"
            disabled={pages.length === 0}
            onClick={() => setPages(pages.slice(0, -1))}
          >
            Previous
          </button>
          <button
            type="button"
            disabled={next === null}
            onClick={() => next !== null && setPages([...pages, next])}
          >
            Next
          </button>
        </div>
      )}
    </>
  );
}

function Checks({ checks, label }: { checks: readonly Check[]; label: string }) {
  return (
    <div class="scroll">
      <table class="checks" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <tr key={check.name} data-check={check.name} data-status={check.status}>
              <td>
                <code>{check.name}</code>
              </td>
              <td class={`check-${check.status}`}>
                {check.status === 'pass'
                  ? '✓ pass'
                  : check.status === 'fail'
                    ? '✗ fail'
                    : '– skipped'}
              </td>
              <td>{check.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function verdict(report: Report): string {
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  return report.valid
    ? 'verifies: no check failed'
    : `does not verify: ${failed} check${failed === 1 ? '' : 's'} failed`;
}

function DocumentPanel({ entry }: { entry: TradeDocument }) {
  const content = entry.document.content;
  const number = typeof content['number'] === 'string' ? content['number'] : '';
  const titleId = `document-${entry.hash.slice(7, 19)}`;
  return (
    <article class="panel document" aria-labelledby={titleId} data-document={entry.hash}>
      <h3 id={titleId}>
        {typeName(entry.type)} {number}{' '}
        <span class={entry.report.valid ? 'verdict valid' : 'verdict invalid'}>
          {verdict(entry.report)}
        </span>
      </h3>
      <p class="muted">
        Signed by {entry.issuer}; received by the hub at {entry.receivedAt} from {entry.receivedBy};{' '}
        <code>{entry.hash}</code>
      </p>
      <Checks checks={entry.report.checks} label={`Checks of ${typeName(entry.type)} ${number}`} />
    </article>
  );
}

/** One trade and its documents, as the API answers them to this key (else its sentence). */
function TradeDetail({
  id,
  onTrade,
  onDocuments,
}: {
  id: string;
  onTrade: (trade: Trade | undefined) => void;
  onDocuments: (documents: readonly TradeDocument[]) => void;
}) {
  const trade = useApi<Trade>(`/trades/${encodeURIComponent(id)}`, `trade ${id}`);
  // The documents are asked for once the trade is known to be visible: a trade the key may not
  // see is one sentence, not two refusals.
  const documents = useApi<{ data: readonly TradeDocument[] }>(
    trade.state === 'ok' ? `/trades/${encodeURIComponent(id)}/documents` : undefined,
    `the documents of trade ${id}`,
  );
  useEffect(() => onTrade(trade.state === 'ok' ? trade.value : undefined), [trade]);
  useEffect(() => onDocuments(documents.state === 'ok' ? documents.value.data : []), [documents]);
  return (
    <section class="panel" aria-labelledby="trade-title" data-testid="trade-detail">
      <h2 id="trade-title">Trade {id}</h2>
      {trade.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : trade.state === 'failed' ? (
        <p class="notice" role="alert" data-testid="trade-message">
          {trade.message}
        </p>
      ) : (
        <>
          <dl class="fields" data-testid="trade-fields">
            {[
              ['State', trade.value.status],
              ['Exporter', `${trade.value.exporter} (bank ${trade.value.exporterBank})`],
              ['Importer', `${trade.value.importer} (bank ${trade.value.importerBank})`],
              ['Value', formatMajor(trade.value.total, trade.value.currency)],
              ['Incoterm', `${trade.value.incoterm.rule} ${trade.value.incoterm.place}`],
              ['Latest shipment', trade.value.latestShipmentDate],
              [
                'Payment terms',
                TERMS[trade.value.paymentTerms.kind] ?? trade.value.paymentTerms.kind,
              ],
              ...(trade.value.paymentTerms.kind === 'documentary_credit'
                ? [
                    ['Documents required', listed(trade.value.paymentTerms['requiredDocuments'])],
                    ['Credit expires', text(trade.value.paymentTerms['expiryDate'])],
                  ]
                : []),
              ...(trade.value.corridor === undefined
                ? []
                : [
                    [
                      'Corridor',
                      `${trade.value.corridor.summary}${trade.value.corridor.days === undefined ? '' : `, ${trade.value.corridor.days} days`}`,
                    ],
                  ]),
              ['Recorded', `${trade.value.createdAt} by ${trade.value.createdBy}`],
            ].map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <div class="scroll">
            <table>
              <caption>Goods</caption>
              <thead>
                <tr>
                  <th scope="col">HS</th>
                  <th scope="col">Description</th>
                  <th scope="col" class="num">
                    Quantity
                  </th>
                  <th scope="col" class="num">
                    Unit price
                  </th>
                </tr>
              </thead>
              <tbody>
                {trade.value.lines.map((line) => (
                  <tr key={`${line.hs} ${line.description}`}>
                    <td>{line.hs}</td>
                    <td>{line.description}</td>
                    <td class="num">
                      {line.quantity} {line.unit}
                    </td>
                    <td class="num">{formatMajor(line.unitPrice, trade.value.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted">
            History:{' '}
            {trade.value.history
              .map(
                (change) =>
                  `${change.status} ${change.at} by ${change.by}${change.reason === undefined ? '' : ` (${change.reason})`}`,
              )
              .join(' · ')}
          </p>
          <h2>Documents</h2>
          <p class="muted">
            Each document with every check the hub makes, as it verifies it now: against the trust
            register as it stands, at the time the hub received the document, against this trade’s
            terms.
          </p>
          {documents.state === 'loading' ? (
            <p aria-busy="true">Loading documents…</p>
          ) : documents.state === 'failed' ? (
            <p class="notice" role="alert">
              {documents.message}
            </p>
          ) : documents.value.data.length === 0 ? (
            <p class="notice" data-testid="no-documents">
              No documents have been submitted under this trade.
            </p>
          ) : (
            <div data-testid="documents">
              {documents.value.data.map((entry) => (
                <DocumentPanel key={entry.hash} entry={entry} />
              ))}
            </div>
          )}
        </>
      )}
      <p>
        <a href="#/trades">Back to the list</a>
      </p>
    </section>
  );
}

type Checked =
  | { state: 'idle' }
  | { state: 'checking'; name: string }
  | { state: 'refused'; name: string; message: string }
  | { state: 'done'; name: string; at: string; result: Offline.OfflineReport };

/**
 * The drop zone: a document file verified in this browser against the register fetched from the
 * hub when the page opened. The file is read here and never sent anywhere.
 */
function OfflineVerifier({
  trades,
  documents,
}: {
  trades: ReadonlyMap<string, Trade>;
  documents: readonly TradeDocument[];
}) {
  const module = useOfflineModule();
  const fetched = useApi<unknown>('/register', 'the trust register');
  const register = useMemo(
    () =>
      typeof module === 'object' && fetched.state === 'ok'
        ? module.readRegister(fetched.value)
        : undefined,
    [module, fetched],
  );
  const [checked, setChecked] = useState<Checked>({ state: 'idle' });
  const [over, setOver] = useState(false);
  const ready = typeof module === 'object' && register?.ok === true;

  const check = async (file: File) => {
    if (typeof module !== 'object' || register?.ok !== true) return;
    if (file.size > FILE_READ_MAX) {
      setChecked({
        state: 'refused',
        name: file.name,
        message: `${file.name} is ${file.size} bytes: a signed document is at most 262144 bytes (256 KiB), so it was not read.`,
      });
      return;
    }
    setChecked({ state: 'checking', name: file.name });
    const bytes = new Uint8Array(await file.arrayBuffer());
    // Let the page say "checking" before the signature checks take the thread.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const now = new Date();
    const result = module.verifyFile(bytes, register.register, {
      trade: (id) => trades.get(id)?.terms,
      receivedAt: (hash) => documents.find((entry) => entry.hash === hash)?.receivedAt,
      now,
    });
    setChecked({ state: 'done', name: file.name, at: now.toISOString(), result });
  };

  const exportedAt = register?.ok === true ? register.register.exportedAt : '';
  const issuers = register?.ok === true ? register.register.issuers : [];
  return (
    <section class="panel" aria-labelledby="offline-title" data-testid="offline">
      <h2 id="offline-title">Verify a document file in this browser</h2>
      <p>
        The file is checked here, offline, by the hub’s own verifier (RFC 8785 canonical form,
        SHA-256, ML-DSA-65 and Ed25519 signatures): it is never sent to the hub. The keys are those
        of the trust register the page fetched from the hub
        {exportedAt === ''
          ? '.'
          : ` (exported at ${exportedAt}: ${issuers.length} issuers, ${issuers.reduce((sum, issuer) => sum + issuer.keys.length, 0)} keys).`}
      </p>
      {module === 'failed' ? (
        <p class="notice" role="alert">
          The verifier could not be loaded: reload the page.
        </p>
      ) : fetched.state === 'failed' ? (
        <p class="notice" role="alert">
          {fetched.message}
        </p>
      ) : register?.ok === false ? (
        <p class="notice" role="alert">
          The hub’s register could not be read, so nothing is verified against it:{' '}
          {register.problem}
        </p>
      ) : null}
      <div
        class={over ? 'dropzone over' : 'dropzone'}
        data-testid="dropzone"
        data-ready={ready ? 'true' : 'false'}
        onDragOver={(event) => {
          event.preventDefault();
          if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          const file = event.dataTransfer?.files[0];
          if (file !== undefined) void check(file);
        }}
      >
        <p>{ready ? 'Drop a signed document file (JSON) here, or' : 'Loading the verifier…'}</p>
        <label for="document-file">Choose a signed document file</label>{' '}
        <input
          id="document-file"
          type="file"
          accept=".json,application/json"
          disabled={!ready}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file !== undefined) void check(file);
            event.currentTarget.value = '';
          }}
        />
      </div>
      <div aria-live="polite" data-testid="offline-result">
        {checked.state === 'checking' ? (
          <p aria-busy="true">Checking {checked.name}…</p>
        ) : checked.state === 'refused' ? (
          <p class="notice" role="alert">
            {checked.message}
          </p>
        ) : checked.state === 'done' ? (
          <OfflineResult checked={checked} exportedAt={exportedAt} module={module} />
        ) : null}
      </div>
    </section>
  );
}

function OfflineResult({
  checked,
  exportedAt,
  module,
}: {
  checked: Extract<Checked, { state: 'done' }>;
  exportedAt: string;
  module: OfflineModule | 'loading' | 'failed';
}) {
  const { report, trade, receivedAt, receivedByHub } = checked.result;
  return (
    <>
      <h3>
        {checked.name}{' '}
        <span
          class={report.valid ? 'verdict valid' : 'verdict invalid'}
          data-testid="offline-verdict"
        >
          {verdict(report)}
        </span>
      </h3>
      <p class="muted">
        Checked in this browser at {checked.at}
        {trade === undefined ? '' : `, against the terms of trade ${trade}`}; the keys judged{' '}
        {receivedByHub
          ? `at ${receivedAt}, when the hub received this document`
          : `as if the document were received now (${receivedAt})`}
        .
      </p>
      <Checks checks={report.checks} label={`Checks of ${checked.name} in this browser`} />
      {typeof module === 'object' ? (
        <>
          <h4>What a check in this browser cannot know</h4>
          <ul data-testid="offline-limits">
            {module.offlineLimits(exportedAt, trade !== undefined).map((limit) => (
              <li key={limit}>{limit}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function Trades({ tradeId }: { tradeId: string | undefined }) {
  const all = useAllTrades();
  const [status, setStatus] = useState('');
  const [shown, setShown] = useState<Trade>();
  const [documents, setDocuments] = useState<readonly TradeDocument[]>([]);
  // The trades whose terms a dropped file may be checked against: those listed, and the one shown.
  const trades = useMemo(() => {
    const known = new Map<string, Trade>();
    if (all.state === 'ok') for (const trade of all.trades) known.set(trade.id, trade);
    if (shown !== undefined) known.set(shown.id, shown);
    return known;
  }, [all, shown]);
  return (
    <section aria-labelledby="trades-title">
      <h1 id="trades-title">Trades &amp; documents</h1>
      {tradeId === undefined ? null : (
        <TradeDetail key={tradeId} id={tradeId} onTrade={setShown} onDocuments={setDocuments} />
      )}
      <h2>Trades by state</h2>
      <StateCounts all={all} status={status} choose={setStatus} />
      {/* Keyed by the state, so that a new choice starts from "loading", never showing the last
          state's rows under the new caption. */}
      <TradeTable key={status} status={status} />
      <OfflineVerifier trades={trades} documents={tradeId === undefined ? [] : documents} />
    </section>
  );
}
