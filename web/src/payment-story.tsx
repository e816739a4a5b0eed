import { isStaff, useCaller, type Caller } from './caller.ts';
import type { FoundTransfer } from './live-feed.ts';
import { formatMajor } from './money.ts';
import { useApi } from './use-api.ts';

/** `GET /v1/transfers/{id}/chain` (docs/api.md). */
interface Chain {
  readonly data: readonly FoundTransfer[];
  readonly resolutions: readonly FoundTransfer[];
  readonly complete: boolean;
}

/** Transfer codes the hub writes (src/settlement/codes.ts). */
const CODES: Readonly<Record<number, string>> = {
  1: 'payment',
  2: 'net debit cap use',
  3: 'cap reset',
  4: 'FX leg',
  5: 'settlement',
  6: 'funding',
  7: 'fee',
  8: 'sweep',
};
const CAP_USE = 2;
const FX_LEG = 4;

const codeName = (code: number): string => CODES[code] ?? `code ${code}`;
const money = (transfer: FoundTransfer): string => formatMajor(transfer.amount, transfer.currency);
const when = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

function LegRows({ legs }: { legs: readonly FoundTransfer[] }) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Leg</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">From → to</th>
            <th scope="col" class="num">
              Amount
            </th>
            <th scope="col">Id</th>
          </tr>
        </thead>
        <tbody>
          {legs.map((leg, index) => (
            <tr key={leg.id}>
              <td>{index + 1}</td>
              <td>{codeName(leg.code)}</td>
              <td>{leg.kind}</td>
              <td>{leg.status}</td>
              <td>
                {leg.debitOwner} → {leg.creditOwner}
              </td>
              <td class="num">{money(leg)}</td>
              <td>
                <code>{leg.id}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `GET /v1/participants/{id}/caps/{currency}`. */
interface CapStatus {
  readonly participant: string;
  readonly currency: string;
  readonly cap: string;
  readonly headroom: string;
  readonly net: string;
}

function CapPanel({ leg, caller }: { leg: FoundTransfer | undefined; caller: Caller }) {
  const bank = leg?.debitOwner;
  const visible = leg !== undefined && (isStaff(caller) || bank === caller.participant);
  const cap = useApi<CapStatus>(
    visible ? `/participants/${encodeURIComponent(bank ?? '')}/caps/${leg.currency}` : undefined,
    `the net debit cap of ${bank ?? ''}`,
  );
  return (
    <section class="panel" aria-labelledby="story-cap">
      <h3 id="story-cap">Net debit cap</h3>
      {leg === undefined ? (
        <p data-testid="story-cap">
          No net debit cap leg: the payment is between accounts that settle with the same
          participant, or its cap leg is not on your key's accounts.
        </p>
      ) : !visible ? (
        <p class="notice" data-testid="story-cap">
          This payment used {money(leg)} of the net debit cap of {bank}; a participant key sees only
          its own bank's cap.
        </p>
      ) : cap.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : cap.state === 'failed' ? (
        <p class="notice" data-testid="story-cap">
          {cap.message}
        </p>
      ) : (
        <dl class="fields" data-testid="story-cap">
          <div>
            <dt>Bank whose cap it used</dt>
            <dd>{cap.value.participant}</dd>
          </div>
          <div>
            <dt>This payment used</dt>
            <dd>{money(leg)}</dd>
          </div>
          <div>
            <dt>Cap in the open window</dt>
            <dd>{formatMajor(cap.value.cap, cap.value.currency)}</dd>
          </div>
          <div>
            <dt>Headroom left now</dt>
            <dd>{formatMajor(cap.value.headroom, cap.value.currency)}</dd>
          </div>
          <div>
            <dt>Net position now</dt>
            <dd>{formatMajor(cap.value.net, cap.value.currency)}</dd>
          </div>
        </dl>
      )}
      <p class="muted">
        Caps restore when a window closes; the figures above are the open window's, now.
      </p>
    </section>
  );
}

/** `GET /v1/fx/quotes/{id}`. */
interface Quote {
  readonly id: string;
  readonly status: string;
  readonly provider: string;
  readonly sourceCurrency: string;
  readonly targetCurrency: string;
  readonly sourceAmount: string;
  readonly targetAmount: string;
  readonly fee: string;
  readonly rate: string;
  readonly referenceRate: string;
  readonly spreadBps: number;
}

function FxPanel({ quoteId }: { quoteId: string }) {
  const quote = useApi<Quote>(`/fx/quotes/${quoteId}`, `FX quote ${quoteId}`);
  return (
    <section class="panel" aria-labelledby="story-fx">
      <h3 id="story-fx">FX conversion</h3>
      {quote.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : quote.state === 'failed' ? (
        <p class="notice" data-testid="story-fx">
          {quote.message}
        </p>
      ) : (
        <dl class="fields" data-testid="story-fx">
          <div>
            <dt>Quote</dt>
            <dd>
              <a href={`#/fx/${quote.value.id}`}>{quote.value.id}</a> ({quote.value.status})
            </dd>
          </div>
          <div>
            <dt>Provider</dt>
            <dd>{quote.value.provider}</dd>
          </div>
          <div>
            <dt>Sold → bought</dt>
            <dd>
              {formatMajor(quote.value.sourceAmount, quote.value.sourceCurrency)} →{' '}
              {formatMajor(quote.value.targetAmount, quote.value.targetCurrency)}
            </dd>
          </div>
          <div>
            <dt>Rate given</dt>
            <dd>{quote.value.rate}</dd>
          </div>
          <div>
            <dt>Reference rate</dt>
            <dd>{quote.value.referenceRate}</dd>
          </div>
          <div>
            <dt>Spread</dt>
            <dd>{quote.value.spreadBps} bp</dd>
          </div>
          <div>
            <dt>Fee</dt>
            <dd>{formatMajor(quote.value.fee, quote.value.sourceCurrency)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** `GET /v1/windows?currency=`. */
interface Window {
  readonly id: string;
  readonly status: string;
  readonly openedAfter: string;
  readonly closedAt?: string;
  readonly openedAtIso: string;
  readonly closedAtIso?: string;
  readonly settledAtIso?: string;
}

function WindowPanel({ transfer, caller }: { transfer: FoundTransfer; caller: Caller }) {
  const staff = isStaff(caller);
  const windows = useApi<{ data: readonly Window[] }>(
    staff ? `/windows?currency=${transfer.currency}` : undefined,
    'settlement windows',
  );
  const at = BigInt(transfer.timestamp);
  const window =
    windows.state === 'ok'
      ? windows.value.data.find(
          (candidate) =>
            BigInt(candidate.openedAfter) < at &&
            (candidate.closedAt === undefined || at <= BigInt(candidate.closedAt)),
        )
      : undefined;
  return (
    <section class="panel" aria-labelledby="story-window">
      <h3 id="story-window">Settlement window</h3>
      {!staff ? (
        <p class="notice" data-testid="story-window">
          Settlement windows are for operator and auditor keys: your key's role ({caller.role}) may
          not see them.
        </p>
      ) : windows.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : windows.state === 'failed' ? (
        <p class="notice" data-testid="story-window">
          {windows.message}
        </p>
      ) : window === undefined ? (
        <p data-testid="story-window">No {transfer.currency} window holds this transfer.</p>
      ) : (
        <dl class="fields" data-testid="story-window">
          <div>
            <dt>Window</dt>
            <dd>
              <a href="#/settlement">{window.id}</a> ({window.status})
            </dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>{when(window.openedAtIso)}</dd>
          </div>
          <div>
            <dt>Closed</dt>
            <dd>{window.closedAtIso === undefined ? 'still open' : when(window.closedAtIso)}</dd>
          </div>
          <div>
            <dt>Settled</dt>
            <dd>{window.settledAtIso === undefined ? 'not yet' : when(window.settledAtIso)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** `GET /v1/audit`. */
interface AuditEntry {
  readonly seq: string;
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly target?: string;
  readonly requestId?: string;
  readonly detail: Record<string, unknown>;
}

function AuditPanel({ targets, caller }: { targets: readonly string[]; caller: Caller }) {
  const staff = isStaff(caller);
  return (
    <section class="panel" aria-labelledby="story-audit">
      <h3 id="story-audit">Audit entries</h3>
      {staff ? (
        targets.map((target) => <AuditOf key={target} target={target} />)
      ) : (
        <p class="notice" data-testid="story-audit">
          The audit log is for operator and auditor keys: your key's role ({caller.role}) may not
          read it.
        </p>
      )}
    </section>
  );
}

function AuditOf({ target }: { target: string }) {
  const entries = useApi<{ data: readonly AuditEntry[] }>(
    `/audit?target=${encodeURIComponent(target)}&limit=100`,
    'the audit log',
  );
  if (entries.state === 'loading') return <p aria-busy="true">Loading…</p>;
  if (entries.state === 'failed')
    return (
      <p class="notice" data-testid="story-audit">
        {entries.message}
      </p>
    );
  if (entries.value.data.length === 0)
    return <p data-testid="story-audit">No audit entry names {target} as its target.</p>;
  return (
    <div class="scroll">
      <table data-testid="story-audit">
        <caption>About {target}</caption>
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">At (UTC)</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.value.data.map((entry) => (
            <tr key={entry.seq}>
              <td>{entry.seq}</td>
              <td>{entry.at.slice(0, 19).replace('T', ' ')}</td>
              <td>
                {entry.actor} ({entry.role})
              </td>
              <td>{entry.action}</td>
              <td>
                <code>{JSON.stringify(entry.detail)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A payment's whole story (`#/payments/<id>`): its legs (the linked chain of the transfer, and
 * what posted, voided or expired them), the net debit cap it used, its FX conversion, the
 * settlement window it falls in and the audit entries about it. What the API refuses the key's
 * role is said as a sentence, without asking.
 */
export function PaymentStory({ id }: { id: string }) {
  const caller = useCaller();
  // The transfer first: a key that may not see it gets the API's 404, said as a sentence.
  const transfer = useApi<FoundTransfer>(`/transfers/${encodeURIComponent(id)}`, `payment ${id}`);
  return (
    <section class="panel" aria-labelledby="story-title" data-testid="story">
      <h2 id="story-title">Payment {id}</h2>
      {transfer.state === 'loading' ? (
        <p aria-busy="true">Loading…</p>
      ) : transfer.state === 'failed' ? (
        <p class="notice" data-testid="transfer-message">
          {transfer.message}
        </p>
      ) : (
        <ChainOf id={id} caller={caller} />
      )}
      <p>
        <a href="#/payments" data-testid="story-back">
          Back to the list
        </a>
      </p>
    </section>
  );
}

function ChainOf({ id, caller }: { id: string; caller: Caller }) {
  const chain = useApi<Chain>(`/transfers/${encodeURIComponent(id)}/chain`, `payment ${id}`);
  if (chain.state === 'loading') return <p aria-busy="true">Loading…</p>;
  if (chain.state === 'failed')
    return (
      <p class="notice" data-testid="transfer-message">
        {chain.message}
      </p>
    );
  return <Story id={id} chain={chain.value} caller={caller} />;
}

function Story({ id, chain, caller }: { id: string; chain: Chain; caller: Caller }) {
  const legs = chain.data;
  const asked = legs.find((leg) => leg.id === id) ?? legs[0];
  const first = legs[0];
  if (asked === undefined || first === undefined)
    return <p class="notice">Not found, or not visible to your key: payment {id}.</p>;
  const main = legs.find((leg) => leg.code !== CAP_USE) ?? first;
  const fx = legs.some((leg) => leg.code === FX_LEG);
  const targets = [...new Set([first.id, asked.id])];
  return (
    <>
      <dl class="fields" data-testid="transfer-detail">
        <div>
          <dt>What</dt>
          <dd>{fx ? 'FX conversion' : codeName(main.code)}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd data-testid="story-status">{main.status}</dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd>{money(main)}</dd>
        </div>
        <div>
          <dt>From → to</dt>
          <dd>
            {main.debitOwner} → {main.creditOwner}
          </dd>
        </div>
        <div>
          <dt>Reference</dt>
          <dd>{main.reference === '' ? '—' : main.reference}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{when(main.createdAt)}</dd>
        </div>
        {main.expiresAt === null ? null : (
          <div>
            <dt>Expires</dt>
            <dd>{when(main.expiresAt)}</dd>
          </div>
        )}
      </dl>
      <h3>Legs</h3>
      {caller.role === 'participant' ? (
        <p class="muted">The legs on your own accounts; the others are not shown to your key.</p>
      ) : null}
      {chain.complete ? null : (
        <p class="notice">The chain is longer than the 64 legs each way read here.</p>
      )}
      <div data-testid="story-legs">
        <LegRows legs={legs} />
      </div>
      {chain.resolutions.length === 0 ? null : (
        <>
          <h3>Posted, voided or expired by</h3>
          <div data-testid="story-resolutions">
            <LegRows legs={chain.resolutions} />
          </div>
        </>
      )}
      <CapPanel leg={legs.find((leg) => leg.code === CAP_USE)} caller={caller} />
      {fx ? <FxPanel quoteId={first.id} /> : null}
      <WindowPanel transfer={main} caller={caller} />
      <AuditPanel targets={targets} caller={caller} />
    </>
  );
}
