import { useState } from 'preact/hooks';
import { formatMajor, formatMoney, majorToMinor } from '../money.ts';
import { useApi } from '../use-api.ts';

/** `GET /v1/participants` (operator and auditor keys). */
interface Participant {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly country: string;
  readonly bank?: string;
  readonly currencies: readonly string[];
  readonly status: 'active' | 'suspended';
  readonly bic?: string;
  readonly accounts: readonly { readonly role: string; readonly currency: string }[];
}

/** `GET /v1/participants/{id}/caps/{currency}`: decimal amounts in major units. */
interface CapStatus {
  readonly participant: string;
  readonly currency: string;
  readonly cap: string;
  readonly headroom: string;
  readonly net: string;
}

/** `GET /v1/keys` (operator and auditor keys): never a secret. */
interface KeyInfo {
  readonly keyId: string;
  readonly role: string;
  readonly participant?: string;
  readonly label: string;
  readonly status: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt?: string;
}

const KINDS: Record<string, string> = {
  bank: 'bank',
  fx_provider: 'FX provider',
  corporate: 'corporate',
  customs: 'customs',
};
const LIMIT = 1000;

/**
 * A settling participant's net debit cap and how much of it is used (the cap less the headroom
 * left: payments in the open window, reservations included), as a bar.
 */
export function CapBar({ participant, currency }: { participant: string; currency: string }) {
  const loaded = useApi<CapStatus>(
    `/participants/${encodeURIComponent(participant)}/caps/${currency}`,
    `${participant}'s ${currency} cap`,
  );
  if (loaded.state === 'loading') return <span aria-busy="true">…</span>;
  if (loaded.state === 'failed') return <span>{loaded.message}</span>;
  const cap = majorToMinor(loaded.value.cap, currency);
  const headroom = majorToMinor(loaded.value.headroom, currency);
  // A net receiver has more headroom than its cap: none of it is used.
  const used = cap > headroom ? cap - headroom : 0n;
  // The bar's scale only (a float); the amounts beside it are exact.
  const share =
    cap === 0n ? (used > 0n ? 1 : 0) : Math.min(1, Number((used * 10_000n) / cap) / 10_000);
  const label = `${currency} cap of ${participant}: ${formatMoney(used, currency)} used of ${formatMajor(loaded.value.cap, currency)}`;
  return (
    <div class="cap">
      <meter min={0} max={1} low={0.6} high={0.85} optimum={0} value={share} aria-label={label} />
      <span class="cap-text">
        {currency}: {formatMoney(used, currency)} used of {formatMajor(loaded.value.cap, currency)}{' '}
        ({Math.floor(share * 100)} %); headroom {formatMajor(loaded.value.headroom, currency)}; net{' '}
        {formatMajor(loaded.value.net, currency)}
      </span>
    </div>
  );
}

function matches(filter: string, ...fields: readonly (string | undefined)[]): boolean {
  const wanted = filter.trim().toLowerCase();
  return wanted === '' || fields.some((field) => field?.toLowerCase().includes(wanted) === true);
}

function Keys({ filter }: { filter: string }) {
  const keys = useApi<{ data: readonly KeyInfo[]; next: string | null }>(
    `/keys?limit=${LIMIT}`,
    'the API keys',
  );
  if (keys.state === 'loading') return <p aria-busy="true">Loading keys…</p>;
  if (keys.state === 'failed') return <p class="notice">{keys.message}</p>;
  const shown = keys.value.data.filter((key) =>
    matches(filter, key.keyId, key.role, key.participant, key.label, key.status, key.createdBy),
  );
  return (
    <div class="scroll">
      <table data-testid="keys">
        <caption>
          API keys in key-id order ({shown.length} of {keys.value.data.length}
          {keys.value.next === null ? '' : `, the first ${LIMIT}`}); never their secrets
        </caption>
        <thead>
          <tr>
            <th scope="col">Key id</th>
            <th scope="col">Role</th>
            <th scope="col">Participant</th>
            <th scope="col">Label</th>
            <th scope="col">Status</th>
            <th scope="col">Issued (UTC)</th>
            <th scope="col">By</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((key) => (
            <tr key={key.keyId}>
              <td>
                <code>{key.keyId}</code>
              </td>
              <td>{key.role}</td>
              <td>{key.participant ?? '—'}</td>
              <td>{key.label}</td>
              <td>
                {key.status}
                {key.revokedAt === undefined ? '' : ` (${key.revokedAt.slice(0, 19)})`}
              </td>
              <td>{key.createdAt.slice(0, 19).replace('T', ' ')}</td>
              <td>{key.createdBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Participants() {
  const [filter, setFilter] = useState('');
  const participants = useApi<{ data: readonly Participant[]; next: string | null }>(
    `/participants?limit=${LIMIT}`,
    'the participants',
  );
  return (
    <section aria-labelledby="participants-title">
      <h1 id="participants-title">Participants &amp; keys</h1>
      <form class="search" role="search" onSubmit={(event) => event.preventDefault()}>
        <label for="participant-filter">Filter by text</label>
        <input
          id="participant-filter"
          type="search"
          value={filter}
          onInput={(event) => setFilter(event.currentTarget.value)}
          spellcheck={false}
          placeholder="id, name, kind, country, BIC, currency, key label…"
        />
      </form>
      {participants.state === 'loading' ? (
        <p aria-busy="true">Loading participants…</p>
      ) : participants.state === 'failed' ? (
        <p class="notice" data-testid="participants-message">
          {participants.message}
        </p>
      ) : (
        <div class="scroll">
          <table data-testid="participants">
            <caption>
              Participants in id order; a settling participant’s net debit cap per currency and its
              use in the open window
            </caption>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col">Kind</th>
                <th scope="col">Country</th>
                <th scope="col">BIC</th>
                <th scope="col">Currencies</th>
                <th scope="col">Status</th>
                <th scope="col">Net debit caps</th>
              </tr>
            </thead>
            <tbody>
              {participants.value.data
                .filter((participant) =>
                  matches(
                    filter,
                    participant.id,
                    participant.name,
                    participant.kind,
                    KINDS[participant.kind],
                    participant.country,
                    participant.bic,
                    participant.bank,
                    participant.status,
                    ...participant.currencies,
                  ),
                )
                .map((participant) => {
                  const capped = participant.currencies.filter((currency) =>
                    participant.accounts.some(
                      (account) => account.role === 'cap' && account.currency === currency,
                    ),
                  );
                  return (
                    <tr key={participant.id} data-participant={participant.id}>
                      <td>
                        {participant.name} <code>{participant.id}</code>
                        {participant.bank === undefined ? '' : `, banks with ${participant.bank}`}
                      </td>
                      <td>{KINDS[participant.kind] ?? participant.kind}</td>
                      <td>{participant.country}</td>
                      <td>{participant.bic ?? '—'}</td>
                      <td>{participant.currencies.join(', ')}</td>
                      <td>{participant.status}</td>
                      <td>
                        {capped.length === 0
                          ? '—'
                          : capped.map((currency) => (
                              <CapBar
                                key={currency}
                                participant={participant.id}
                                currency={currency}
                              />
                            ))}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      )}
      <h2>API keys</h2>
      <Keys filter={filter} />
    </section>
  );
}
