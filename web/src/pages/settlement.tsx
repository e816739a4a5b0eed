import { useEffect, useRef, useState } from 'preact/hooks';
import { explain, postJson } from '../api.ts';
import { mayOperate, useCaller } from '../caller.ts';
import { formatMajor } from '../money.ts';
import { useApi } from '../use-api.ts';
import { CapBar } from './participants.tsx';

interface Window {
  readonly id: string;
  readonly currency: string;
  readonly status: 'open' | 'closed' | 'settled';
  readonly openedAtIso: string;
  readonly closedAtIso?: string;
  readonly closedBy?: string;
  readonly settledAtIso?: string;
}

interface Positions {
  /** Interbank transfers netted, what they add up to, what moved, and 1 − moved / gross. */
  readonly transfers: number;
  readonly gross: string;
  readonly moved: string;
  readonly efficiency: string | null;
  readonly bilateralInstructions: readonly { payer: string; payee: string; amount: string }[];
  readonly positions: readonly {
    participant: string;
    debits: string;
    credits: string;
    net: string;
  }[];
  readonly instructions: readonly {
    kind: 'pay_in' | 'pay_out';
    participant: string;
    amount: string;
  }[];
}

type Action = { kind: 'close' | 'settle'; window: Window };

function time(iso: string | undefined): string {
  return iso === undefined || iso.startsWith('1970-') ? '—' : iso.slice(0, 19).replace('T', ' ');
}

/** A modal confirmation (the native dialog: focus moves into it, Escape cancels). */
function Confirm(props: { action: Action; onConfirm: () => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const { kind, window } = props.action;
  return (
    <dialog ref={dialog} onCancel={props.onCancel} aria-labelledby="confirm-title">
      <h2 id="confirm-title">
        {kind === 'close' ? 'Close' : 'Settle'} window {window.id}?
      </h2>
      <p>
        {kind === 'close'
          ? `Every ${window.currency} payment so far stays in ${window.id}, which is netted; new payments go into the next window.`
          : `The net positions of ${window.id} are written as settlement transfers, all or none. This cannot be undone.`}
      </p>
      <div class="buttons">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="primary" onClick={props.onConfirm}>
          {kind === 'close' ? 'Close window' : 'Settle window'}
        </button>
      </div>
    </dialog>
  );
}

function WindowPositions({ window }: { window: Window }) {
  const loaded = useApi<Positions>(
    `/windows/${window.id}/positions`,
    `the positions of ${window.id}`,
  );
  if (loaded.state === 'loading') return <p aria-busy="true">Loading positions…</p>;
  if (loaded.state === 'failed') return <p class="notice">{loaded.message}</p>;
  const { transfers, gross, moved, efficiency, bilateralInstructions } = loaded.value;
  return (
    <>
      <p data-testid="netting-summary">
        {transfers} interbank payment{transfers === 1 ? '' : 's'} of{' '}
        {formatMajor(gross, window.currency)} in all;{' '}
        {efficiency === null
          ? 'nothing to move.'
          : `the hub moves ${formatMajor(moved, window.currency)}: netting saves ${(Number(efficiency) * 100).toFixed(2)} %.`}
      </p>
      <WindowPositionsTable window={window} positions={loaded.value} />
      {bilateralInstructions.length === 0 ? null : (
        <div class="scroll">
          <table data-testid="bilateral">
            <caption>
              Without the hub: what each pair of banks would pay each other (bilateral netting)
            </caption>
            <thead>
              <tr>
                <th scope="col">Payer</th>
                <th scope="col">Payee</th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {bilateralInstructions.map((entry) => (
                <tr key={`${entry.payer}>${entry.payee}`}>
                  <td>{entry.payer}</td>
                  <td>{entry.payee}</td>
                  <td class="num">{formatMajor(entry.amount, window.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function WindowPositionsTable({ window, positions }: { window: Window; positions: Positions }) {
  return (
    <table>
      <caption>
        Net positions of {window.id} ({window.status})
      </caption>
      <thead>
        <tr>
          <th scope="col">Participant</th>
          <th scope="col" class="num">
            Debits
          </th>
          <th scope="col" class="num">
            Credits
          </th>
          <th scope="col" class="num">
            Net
          </th>
          <th scope="col">Instruction</th>
        </tr>
      </thead>
      <tbody>
        {positions.positions.map((position) => {
          const instruction = positions.instructions.find(
            (entry) => entry.participant === position.participant,
          );
          return (
            <tr key={position.participant}>
              <td>{position.participant}</td>
              <td class="num">{formatMajor(position.debits, window.currency)}</td>
              <td class="num">{formatMajor(position.credits, window.currency)}</td>
              <td class="num">{formatMajor(position.net, window.currency)}</td>
              <td>
                {instruction === undefined
                  ? '—'
                  : `${instruction.kind === 'pay_in' ? 'pays in' : 'is paid out'} ${formatMajor(instruction.amount, window.currency)}`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Settlement() {
  // Close and Settle are offered to operator keys only: the API refuses them to every other role.
  const operate = mayOperate(useCaller());
  const [currency, setCurrency] = useState('INR');
  const [version, setVersion] = useState(0);
  const [action, setAction] = useState<Action>();
  const [message, setMessage] = useState<string>();
  const [shown, setShown] = useState<string>();
  const windows = useApi<{ data: readonly Window[] }>(
    `/windows?currency=${currency}`,
    'settlement windows',
    undefined,
    version,
  );
  const confirm = async () => {
    if (action === undefined) return;
    const { kind, window } = action;
    setAction(undefined);
    try {
      if (kind === 'close')
        await postJson('/windows/close', { currency: window.currency, window: window.id });
      else await postJson(`/windows/${window.id}/settle`, {});
      setMessage(`${window.id} ${kind === 'close' ? 'closed' : 'settled'}.`);
    } catch (error) {
      setMessage(explain(error, `${kind === 'close' ? 'closing' : 'settling'} ${window.id}`));
    }
    setVersion((current) => current + 1);
  };
  return (
    <section aria-labelledby="settlement-title">
      <h1 id="settlement-title">Settlement</h1>
      <label>
        Currency{' '}
        <select value={currency} onChange={(event) => setCurrency(event.currentTarget.value)}>
          <option>INR</option>
          <option>RUB</option>
        </select>
      </label>
      {message === undefined ? null : (
        <p class="notice" role="status" data-testid="settlement-message">
          {message}
        </p>
      )}
      {windows.state === 'loading' ? (
        <p aria-busy="true">Loading windows…</p>
      ) : windows.state === 'failed' ? (
        <p class="notice" data-testid="windows-message">
          {windows.message}
        </p>
      ) : (
        <div class="scroll">
          <table data-testid="windows">
            <caption>{currency} settlement windows, the open one last</caption>
            <thead>
              <tr>
                <th scope="col">Window</th>
                <th scope="col">State</th>
                <th scope="col">Opened (UTC)</th>
                <th scope="col">Closed (UTC)</th>
                <th scope="col">Settled (UTC)</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {windows.value.data.map((window) => (
                <tr key={window.id} data-window={window.id}>
                  <td>{window.id}</td>
                  <td>
                    <span class={`state ${window.status}`}>{window.status}</span>
                  </td>
                  <td>{time(window.openedAtIso)}</td>
                  <td>
                    {time(window.closedAtIso)}
                    {window.closedBy === undefined ? '' : ` by ${window.closedBy}`}
                  </td>
                  <td>{time(window.settledAtIso)}</td>
                  <td>
                    {window.status === 'open' ? (
                      !operate ? (
                        '—'
                      ) : (
                        <button type="button" onClick={() => setAction({ kind: 'close', window })}>
                          Close {window.id}
                        </button>
                      )
                    ) : (
                      <>
                        <button
                          type="button"
                          onClick={() => setShown(shown === window.id ? undefined : window.id)}
                          aria-expanded={shown === window.id}
                        >
                          Positions
                        </button>
                        {window.status === 'closed' && operate ? (
                          <button
                            type="button"
                            onClick={() => setAction({ kind: 'settle', window })}
                          >
                            Settle {window.id}
                          </button>
                        ) : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {windows.state === 'ok' && shown !== undefined
        ? windows.value.data
            .filter((window) => window.id === shown)
            .map((window) => <WindowPositions key={`${window.id}-${version}`} window={window} />)
        : null}
      {operate || windows.state === 'ok' ? <Caps currency={currency} /> : null}
      {action === undefined ? null : (
        <Confirm
          action={action}
          onConfirm={() => void confirm()}
          onCancel={() => setAction(undefined)}
        />
      )}
    </section>
  );
}

/** The net debit caps of the participants that settle in `currency`, and their use in the open window. */
function Caps({ currency }: { currency: string }) {
  const participants = useApi<{
    data: readonly {
      id: string;
      accounts: readonly { readonly role: string; readonly currency: string }[];
    }[];
  }>('/participants?limit=1000', 'the participants');
  if (participants.state !== 'ok') return null;
  const capped = participants.value.data.filter((participant) =>
    participant.accounts.some((account) => account.role === 'cap' && account.currency === currency),
  );
  return (
    <section aria-labelledby="caps-title" data-testid="settlement-caps">
      <h2 id="caps-title">{currency} net debit caps in the open window</h2>
      <ul class="plain">
        {capped.map((participant) => (
          <li key={participant.id}>
            <strong>{participant.id}</strong>{' '}
            <CapBar participant={participant.id} currency={currency} />
          </li>
        ))}
      </ul>
    </section>
  );
}
