import { useEffect, useState } from 'preact/hooks';
import { explain, getJson } from '../api.ts';

/** `GET /v1/audit` (operator and auditor keys), oldest first by `seq`. */
interface AuditEntry {
  readonly seq: string;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly keyId?: string;
  readonly requestId?: string;
  readonly action: string;
  readonly target?: string;
  readonly detail: Record<string, unknown>;
}

interface Filters {
  /** Sent to the API (`actor=`). */
  readonly actor: string;
  /** Filtered here: the API filters by actor only. An action (`keys.issue`) or its start (`keys.`). */
  readonly action: string;
  /** UTC, `YYYY-MM-DDTHH:MM` (a datetime-local input's value): from inclusive, to exclusive. */
  readonly from: string;
  readonly to: string;
}

const EMPTY: Filters = { actor: '', action: '', from: '', to: '' };
const SHOWN = 50;
const READ = 500;
/** At most this many pages of the API are read for one page here (25,000 entries). */
const PAGES_READ = 50;

interface Found {
  readonly entries: readonly AuditEntry[];
  /** Where the next page starts (`after`), or null at the end of the log. */
  readonly next: string | null;
  readonly examined: number;
}

function keep(entry: AuditEntry, filters: Filters): boolean {
  const action = filters.action.trim();
  if (action !== '' && !(entry.action === action || entry.action.startsWith(action))) return false;
  if (filters.from !== '' && entry.at < filters.from) return false;
  if (filters.to !== '' && entry.at >= filters.to) return false;
  return true;
}

/** Reads the log after `after` until it has a page of entries that pass the filters. */
async function findPage(after: string, filters: Filters, signal: AbortSignal): Promise<Found> {
  const entries: AuditEntry[] = [];
  let cursor = after;
  let examined = 0;
  const actor = filters.actor.trim();
  for (let pages = 0; pages < PAGES_READ; pages += 1) {
    const page = await getJson<{ data: readonly AuditEntry[]; next: string | null }>(
      `/audit?limit=${READ}&after=${cursor}${actor === '' ? '' : `&actor=${encodeURIComponent(actor)}`}`,
      signal,
    );
    for (const entry of page.data) {
      examined += 1;
      cursor = entry.seq;
      if (!keep(entry, filters)) continue;
      entries.push(entry);
      if (entries.length === SHOWN) return { entries, next: entry.seq, examined };
    }
    if (page.next === null) return { entries, next: null, examined };
  }
  return { entries, next: cursor, examined };
}

type Loaded =
  { state: 'loading' } | { state: 'ok'; found: Found } | { state: 'failed'; message: string };

export function Audit() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  /** The `after` of each page read so far: the last is the page shown. */
  const [starts, setStarts] = useState<readonly string[]>(['0']);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const start = starts.at(-1) ?? '0';
  useEffect(() => {
    const abort = new AbortController();
    setLoaded({ state: 'loading' });
    findPage(start, filters, abort.signal).then(
      (found) => setLoaded({ state: 'ok', found }),
      (error: unknown) => {
        if (!abort.signal.aborted)
          setLoaded({ state: 'failed', message: explain(error, 'the audit log') });
      },
    );
    return () => abort.abort();
  }, [start, filters]);
  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setStarts(['0']);
  };
  const change = (name: keyof Filters) => (event: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [name]: event.currentTarget.value });
  const field = (name: keyof Filters, label: string, hint: string) => (
    <label class="filter">
      <span>{label}</span>
      <input
        type="text"
        name={name}
        value={draft[name]}
        placeholder={hint}
        spellcheck={false}
        onInput={change(name)}
      />
    </label>
  );
  const time = (name: keyof Filters, label: string) => (
    <label class="filter">
      <span>{label}</span>
      <input type="datetime-local" name={name} value={draft[name]} onInput={change(name)} />
    </label>
  );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form class="filters" onSubmit={apply} role="search" aria-label="Filter the audit log">
        {field('actor', 'Actor', 'operator, auditor, cli, sbi…')}
        {field('action', 'Action', 'keys.issue, or keys.')}
        {time('from', 'From (UTC)')}
        {time('to', 'To (UTC, before)')}
        <div class="buttons">
          <button type="submit" class="primary">
            Apply
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setStarts(['0']);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {loaded.state === 'loading' ? (
        <p aria-busy="true">Reading the audit log…</p>
      ) : loaded.state === 'failed' ? (
        <p class="notice" data-testid="audit-message">
          {loaded.message}
        </p>
      ) : (
        <>
          <div class="scroll">
            <table data-testid="audit">
              <caption>
                Page {starts.length}: {loaded.found.entries.length} entries, oldest first
                {loaded.found.entries.length < SHOWN && loaded.found.next !== null
                  ? ` (${loaded.found.examined} read; more may match further on)`
                  : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Seq
                  </th>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Key, request</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {loaded.found.entries.map((entry) => (
                  <tr key={entry.seq}>
                    <td class="num">{entry.seq}</td>
                    <td>{entry.at.slice(0, 19).replace('T', ' ')}</td>
                    <td>
                      {entry.actor} <span class="muted">({entry.role})</span>
                    </td>
                    <td>{entry.action}</td>
                    <td>{entry.target === undefined ? '—' : <code>{entry.target}</code>}</td>
                    <td>
                      {entry.keyId === undefined ? '—' : <code>{entry.keyId}</code>}
                      {entry.requestId === undefined ? null : (
                        <>
                          {' '}
                          <code>{entry.requestId}</code>
                        </>
                      )}
                    </td>
                    <td>
                      <code class="detail">{JSON.stringify(entry.detail)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Audit log pages">
            <button
              type="button"
              disabled={starts.length === 1}
              onClick={() => setStarts(starts.slice(0, -1))}
            >
              Previous page
            </button>
            <button
              type="button"
              disabled={loaded.found.next === null}
              onClick={() => {
                const next = loaded.found.next;
                if (next !== null) setStarts([...starts, next]);
              }}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
