import { useState } from 'preact/hooks';
import type { HubEvent } from '../api.ts';
import { formatMoney } from '../money.ts';
import { useApi } from '../use-api.ts';
import { text, useFeed } from '../use-feed.ts';

/** The events that tell of payments and transfers (docs/events.md), newest first on the page. */
const TYPES = 'transfer.created,transfer.posted,transfer.voided,transfer.expired,payment.refused';
const SHOWN = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function EventRow({ event }: { event: HubEvent }) {
  const data = event.data;
  const currency = text(data['currency']);
  const amount = text(data['amount']);
  const id = text(data['id']);
  const from = text(data['debitOwner'] ?? data['payer']);
  const to = text(data['creditOwner'] ?? data['payee']);
  return (
    <tr>
      <td>{event.at.slice(0, 19).replace('T', ' ')}</td>
      <td>{event.type}</td>
      <td>
        {from} → {to}
      </td>
      <td class="num">
        {/^-?[0-9]+$/.test(amount) && currency !== '' ? formatMoney(amount, currency) : amount}
      </td>
      <td>{text(data['reference'] ?? data['code'])}</td>
      <td>
        {event.type === 'payment.refused' ? (
          <code>{id}</code>
        ) : (
          <a href={`#/payments/${encodeURIComponent(id)}`}>
            <code>{id}</code>
          </a>
        )}
      </td>
    </tr>
  );
}

/** One transfer as the API gives it to this key (a participant's key: only its own, else 404). */
function TransferDetail({ id }: { id: string }) {
  const loaded = useApi<Record<string, unknown>>(
    `/transfers/${encodeURIComponent(id)}`,
    `transfer ${id}`,
  );
  return (
    <section class="panel" aria-labelledby="transfer-title">
      <h2 id="transfer-title">Transfer {id}</h2>
      {loaded.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : loaded.state === 'failed' ? (
        <p class="notice" data-testid="transfer-message">
          {loaded.message}
        </p>
      ) : (
        <dl class="fields" data-testid="transfer-detail">
          {Object.entries(loaded.value)
            .filter(([, value]) => typeof value !== 'object' || value === null)
            .map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{text(value)}</dd>
              </div>
            ))}
        </dl>
      )}
      <p>
        <a href="#/payments">Back to the list</a>
      </p>
    </section>
  );
}

export function Payments({ transferId }: { transferId: string | undefined }) {
  const feed = useFeed(TYPES, SHOWN, 'payments');
  const [search, setSearch] = useState(transferId ?? '');
  const [searchProblem, setSearchProblem] = useState<string>();
  const submit = (event: Event) => {
    event.preventDefault();
    const id = search.trim().toLowerCase();
    if (!UUID.test(id)) {
      setSearchProblem(
        'A payment or transfer id is a UUID, such as 0193a1f0-7c2e-7000-8000-0000000000a1.',
      );
      return;
    }
    setSearchProblem(undefined);
    location.hash = `#/payments/${id}`;
  };
  return (
    <section aria-labelledby="payments-title">
      <h1 id="payments-title">Payments</h1>
      <form class="search" onSubmit={submit} role="search">
        <label for="payment-id">Find a payment or transfer by id</label>
        <input
          id="payment-id"
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
      {transferId === undefined ? null : <TransferDetail id={transferId} />}
      <h2>
        Recent payments and transfers{' '}
        <span class={feed.live ? 'live on' : 'live'} data-testid="live">
          {feed.live ? '● live' : '○ not live'}
        </span>
      </h2>
      {feed.problem === undefined ? null : (
        <p class="notice" role="alert">
          {feed.problem}
        </p>
      )}
      <div class="scroll">
        <table data-testid="payments">
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
            {feed.events.map((event) => (
              <EventRow key={event.id} event={event} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
