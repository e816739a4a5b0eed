import { currencyByCode, formatAmount, type Currency } from '../ledger/currency.js';
import { TransferFlags } from '../ledger/flags.js';
import type { AccountId } from '../ledger/ids.js';
import type { Hub } from '../hub/hub.js';
import { HubError, invalidField } from '../domain/errors.js';
import {
  ACCOUNT_ROLES,
  type AccountRole,
  type ParticipantAccount,
} from '../participants/accounts.js';
import { transferCodeName } from '../settlement/codes.js';
import {
  creditBalancesAt,
  HistoryTooLongError,
  postedAmount,
  postedSnapshot,
} from '../ledger/account-history.js';
import { csvText, toCsv } from './csv.js';
import { isoOfNs, parseInstant } from '../domain/time.js';

/**
 * A participant's statement for the period [from, to): for each of its accounts (as listed in its
 * participant record), the opening balance (everything posted before `from`), every posting in
 * the period oldest first with the running balance after it, and the closing balance (everything
 * posted before `to`). Opening + credits − debits = closing for a credit-normal account.
 *
 * Balance convention: balances are POSTED balances, on the account's normal side.
 * - Credit-normal (every participant account: settlement, cap, customer, vostro, nostro,
 *   investment, FX liquidity, fees, suspense): balance = credits_posted − debits_posted; money
 *   the participant holds is a positive balance; a credit raises it, a debit lowers it.
 * - Debit-normal (the hub's `hub_settlement` and `cap_source`, which are debited when money or cap
 *   headroom goes out to participants): balance = debits_posted − credits_posted.
 * So a statement's closing balance over a period that ends after the newest posting equals the
 * ledger's balance of the account, with that sign.
 *
 * Postings are plain transfers and posts of pending transfers (by the amount posted). Pending
 * transfers (reservations), voids and expiries change only pending balances and are not lines of
 * the statement; a reservation shows on the day it posts.
 *
 * How: each account's history is walked newest first from its current balances back to `from`
 * (account-history.ts), so the cost is the account's postings since `from`, and opening and
 * closing are current balance minus what was posted after each bound. `maxLines` (default
 * 100 000 per account) bounds the work; a longer period is refused (invalid_field on `from`).
 *
 * Times: `from` and `to` are ISO dates (00:00 UTC), zoned ISO date-times, or ledger timestamps
 * (bigint ns). Lines carry the ledger timestamp (ns) and its ISO time (UTC, milliseconds).
 */
export interface StatementRequest {
  readonly participant: string;
  readonly from: string | bigint;
  readonly to: string | bigint;
  /** Only accounts in this currency. */
  readonly currency?: string;
  /** Only accounts of these roles. */
  readonly roles?: readonly AccountRole[];
  /** Most postings per account in the period; default 100 000. */
  readonly maxLines?: number;
}

export type NormalSide = 'credit' | 'debit';

/** hub_settlement and cap_source are debit-normal; every other role is credit-normal. */
export function normalSide(role: AccountRole): NormalSide {
  return role === 'hub_settlement' || role === 'cap_source' ? 'debit' : 'credit';
}

export interface StatementLine {
  readonly timestamp: bigint;
  readonly time: string;
  readonly transferId: string;
  /** `post` for the posting of a pending transfer (whose id is `pendingId`). */
  readonly kind: 'plain' | 'post';
  readonly pendingId?: string;
  readonly direction: 'debit' | 'credit';
  readonly amountMinor: bigint;
  readonly counterpartyAccountId: string;
  /** The participant that owns the counterparty account (undefined for an account of no participant). */
  readonly counterpartyParticipant: string | undefined;
  readonly counterpartyName: string | undefined;
  readonly counterpartyRole: AccountRole | undefined;
  readonly code: number;
  readonly codeName: string;
  readonly reference: string;
  /** The balance after this line, on the account's normal side. */
  readonly balanceMinor: bigint;
}

export interface AccountStatement {
  readonly accountId: AccountId;
  readonly role: AccountRole;
  readonly description: string;
  readonly currency: string;
  readonly heldAt?: string;
  readonly normalSide: NormalSide;
  readonly openingMinor: bigint;
  readonly debitsMinor: bigint;
  readonly creditsMinor: bigint;
  readonly closingMinor: bigint;
  readonly lines: readonly StatementLine[];
}

export interface Statement {
  readonly participant: {
    readonly id: string;
    readonly name: string;
    readonly kind: string;
    readonly country: string;
  };
  readonly fromNs: bigint;
  readonly toNs: bigint;
  readonly accounts: readonly AccountStatement[];
  readonly generatedAtIso: string;
}

type Services = Pick<Hub, 'ledger' | 'participants'>;

export async function buildStatement(
  hub: Services,
  request: StatementRequest,
  options: { now?: Date } = {},
): Promise<Statement> {
  const fromNs = parseInstant(request.from, 'from');
  const toNs = parseInstant(request.to, 'to');
  if (toNs <= fromNs)
    throw invalidField({ field: 'to', message: 'the period must end after it starts (to > from)' });
  const maxLines = request.maxLines ?? 100_000;
  if (!Number.isSafeInteger(maxLines) || maxLines < 1)
    throw invalidField({ field: 'max_lines', message: 'max_lines must be a positive integer' });
  if (
    request.currency !== undefined &&
    currencyByCode(request.currency)?.code !== request.currency
  ) {
    throw new HubError('unknown_currency', {
      field: 'currency',
      message: `${JSON.stringify(request.currency)} is not a supported ISO 4217 code`,
    });
  }
  for (const role of request.roles ?? [])
    if (typeof role !== 'string' || !Object.hasOwn(ACCOUNT_ROLES, role))
      throw invalidField({
        field: 'roles',
        message: `${JSON.stringify(role)} is not an account role`,
      });
  const participant = await hub.participants.get(request.participant);
  const accounts = participant.accounts.filter(
    (account) =>
      (request.currency === undefined || account.currency === request.currency) &&
      (request.roles === undefined || request.roles.includes(account.role)),
  );
  const names = new Map((await hub.participants.all()).map((record) => [record.id, record.name]));
  const statements: AccountStatement[] = [];
  const counterparties = new Counterparties(hub, names);
  for (const account of accounts)
    statements.push(
      await accountStatement(hub, account, { fromNs, toNs }, maxLines, counterparties),
    );
  return {
    participant: {
      id: participant.id,
      name: participant.name,
      kind: participant.kind,
      country: participant.country,
    },
    fromNs,
    toNs,
    accounts: statements,
    generatedAtIso: (options.now ?? new Date()).toISOString(),
  };
}

async function accountStatement(
  hub: Services,
  account: ParticipantAccount,
  { fromNs, toNs }: { readonly fromNs: bigint; readonly toNs: bigint },
  maxLines: number,
  counterparties: Counterparties,
): Promise<AccountStatement> {
  let snapshot;
  try {
    // Postings in [from, to) are the lines; later ones are walked and summed, not kept.
    snapshot = await postedSnapshot(hub.ledger.store, account.id, {
      sinceNs: fromNs,
      untilNs: toNs,
      maxMovements: maxLines,
    });
  } catch (error) {
    if (error instanceof HistoryTooLongError)
      throw invalidField({
        field: 'from',
        message: `account ${account.id} has more than ${maxLines} postings in the period; choose a shorter period`,
      });
    throw error;
  }
  if (snapshot === undefined)
    throw new Error(`bug: ${account.id} of the participant record is not in the ledger`);
  const side = normalSide(account.role);
  const sign = side === 'credit' ? 1n : -1n;
  const [openingCredit = 0n, closingCredit = 0n] = creditBalancesAt(snapshot, [
    fromNs - 1n,
    toNs - 1n,
  ]);
  const inPeriod = [...snapshot.movements].reverse();
  let balance = openingCredit * sign;
  let debits = 0n;
  let credits = 0n;
  const lines: StatementLine[] = [];
  for (const transfer of inPeriod) {
    const isCredit = transfer.creditAccountId === account.id;
    const amount = postedAmount(transfer);
    if (isCredit) credits += amount;
    else debits += amount;
    balance += (isCredit ? amount : -amount) * sign;
    const counterparty = isCredit ? transfer.debitAccountId : transfer.creditAccountId;
    const party = await counterparties.of(counterparty);
    lines.push({
      timestamp: transfer.timestamp,
      time: isoOfNs(transfer.timestamp),
      transferId: transfer.id,
      kind: (transfer.flags & TransferFlags.postPending) !== 0 ? 'post' : 'plain',
      ...((transfer.flags & TransferFlags.postPending) !== 0
        ? { pendingId: transfer.pendingId }
        : {}),
      direction: isCredit ? 'credit' : 'debit',
      amountMinor: amount,
      counterpartyAccountId: counterparty,
      counterpartyParticipant: party.participant,
      counterpartyName: party.name,
      counterpartyRole: party.role,
      code: transfer.code,
      codeName: transferCodeName(transfer.code),
      reference: transfer.reference,
      balanceMinor: balance,
    });
  }
  const closing = closingCredit * sign;
  if (balance !== closing)
    throw new Error(
      `bug: the statement of ${account.id} does not reconcile (${balance} ≠ ${closing})`,
    );
  return {
    accountId: account.id,
    role: account.role,
    description: ACCOUNT_ROLES[account.role].description,
    currency: account.currency,
    ...(account.heldAt === undefined ? {} : { heldAt: account.heldAt }),
    normalSide: side,
    openingMinor: openingCredit * sign,
    debitsMinor: debits,
    creditsMinor: credits,
    closingMinor: closing,
    lines,
  };
}

interface Party {
  readonly participant: string | undefined;
  readonly name: string | undefined;
  readonly role: AccountRole | undefined;
}

/**
 * Who owns each counterparty account, looked up once per statement: the registry's directory
 * (which reloads every participant on an id it does not know, so an unknown id must not be asked
 * twice), else the ledger's owner field (raw accounts the operator made through /v1/accounts).
 */
class Counterparties {
  private readonly known = new Map<string, Party>();

  constructor(
    private readonly hub: Services,
    private readonly names: ReadonlyMap<string, string>,
  ) {}

  async of(id: AccountId): Promise<Party> {
    let party = this.known.get(id);
    if (party === undefined) {
      const entry = await this.hub.participants.account(id);
      const owner = entry?.participant ?? (await this.hub.ledger.lookupAccounts([id]))[0]?.owner;
      party = {
        participant: owner,
        name: owner === undefined ? undefined : this.names.get(owner),
        role: entry?.role,
      };
      this.known.set(id, party);
    }
    return party;
  }
}

function currencyOf(code: string): Currency {
  const currency = currencyByCode(code);
  if (currency === undefined) throw new Error(`bug: unknown currency ${code}`);
  return currency;
}

/** JSON-ready values: amounts as major-unit decimal strings, timestamps as ns decimal strings. */
export function statementJson(statement: Statement) {
  return {
    participant: statement.participant,
    period: {
      from: { timestamp: statement.fromNs.toString(), time: isoOfNs(statement.fromNs) },
      to: { timestamp: statement.toNs.toString(), time: isoOfNs(statement.toNs) },
      convention: "from inclusive, to exclusive; posted balances on each account's normal side",
    },
    accounts: statement.accounts.map((account) => {
      const currency = currencyOf(account.currency);
      const amount = (minor: bigint): string => formatAmount(minor, currency);
      return {
        accountId: account.accountId,
        role: account.role,
        description: account.description,
        currency: account.currency,
        heldAt: account.heldAt ?? null,
        normalSide: account.normalSide,
        opening: amount(account.openingMinor),
        debits: amount(account.debitsMinor),
        credits: amount(account.creditsMinor),
        closing: amount(account.closingMinor),
        lines: account.lines.map((line) => ({
          timestamp: line.timestamp.toString(),
          time: line.time,
          transferId: line.transferId,
          kind: line.kind,
          pendingId: line.pendingId ?? null,
          direction: line.direction,
          amount: amount(line.amountMinor),
          counterparty: {
            accountId: line.counterpartyAccountId,
            participant: line.counterpartyParticipant ?? null,
            name: line.counterpartyName ?? null,
            role: line.counterpartyRole ?? null,
          },
          code: line.code,
          codeName: line.codeName,
          reference: line.reference,
          balance: amount(line.balanceMinor),
        })),
      };
    }),
    generatedAt: statement.generatedAtIso,
  };
}

export const STATEMENT_CSV_HEADER = [
  'participant',
  'account_id',
  'account_role',
  'currency',
  'held_at',
  'normal_side',
  'row_type',
  'time',
  'timestamp',
  'transfer_id',
  'kind',
  'counterparty_account_id',
  'counterparty_participant',
  'counterparty_name',
  'code',
  'code_name',
  'debit',
  'credit',
  'balance',
  'reference',
] as const;

/**
 * The statement as ONE RFC 4180 table (header row, CRLF line ends): for each account an `opening`
 * row (at `from`, balance only), one `posting` row per line (its amount in the `debit` or the
 * `credit` column, the other empty), and a `closing` row (at `to`, balance only), so that summing
 * the debit and credit columns gives the period's movements without counting anything twice.
 */
export function statementCsv(statement: Statement): string {
  const rows: string[][] = [];
  const from = isoOfNs(statement.fromNs);
  const to = isoOfNs(statement.toNs);
  for (const account of statement.accounts) {
    const currency = currencyOf(account.currency);
    const amount = (minor: bigint): string => formatAmount(minor, currency);
    const prefix = [
      statement.participant.id,
      account.accountId,
      account.role,
      account.currency,
      account.heldAt ?? '',
      account.normalSide,
    ];
    const bound = (
      type: string,
      time: string,
      { ns, balance }: { readonly ns: bigint; readonly balance: bigint },
    ): string[] => [
      ...prefix,
      type,
      time,
      ns.toString(),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      amount(balance),
      '',
    ];
    rows.push(bound('opening', from, { ns: statement.fromNs, balance: account.openingMinor }));
    for (const line of account.lines) {
      rows.push([
        ...prefix,
        'posting',
        line.time,
        line.timestamp.toString(),
        line.transferId,
        line.kind,
        line.counterpartyAccountId,
        line.counterpartyParticipant ?? '',
        csvText(line.counterpartyName ?? ''),
        String(line.code),
        line.codeName,
        line.direction === 'debit' ? amount(line.amountMinor) : '',
        line.direction === 'credit' ? amount(line.amountMinor) : '',
        amount(line.balanceMinor),
        csvText(line.reference),
      ]);
    }
    rows.push(bound('closing', to, { ns: statement.toNs, balance: account.closingMinor }));
  }
  return toCsv(STATEMENT_CSV_HEADER, rows);
}
