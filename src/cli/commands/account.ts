import { Option } from 'commander';
import type { Command } from 'commander';
import { AccountFlags, accountFlagNames, flagNames } from '../../ledger/flags.js';
import { newAccountId } from '../../ledger/ids.js';
import {
  AccountKind,
  accountKindName,
  accountKindNames,
  type Account,
  type AccountInput,
  type AccountKindName,
} from '../../ledger/model.js';
import { ACCOUNT_RESULT_MESSAGES } from '../../ledger/results.js';
import { CLI_ACTOR } from '../../domain/actor.js';
import { ParticipantRegistry } from '../../participants/registry.js';
import { currencyCode } from '../../views/amounts.js';
import { accountJson, availableMinor, netPostedMinor } from '../../views/accounts.js';
import { isoTime } from '../../views/time.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import {
  parseAccountIdOption,
  parseCurrencyOption,
  parseIntegerOption,
  parseParticipantOption,
  parseReferenceOption,
  parseTimestampOption,
} from '../options.js';
import { requireAccount } from '../shared/accounts.js';
import { hubOperation } from '../shared/hub.js';
import { humanAmount, humanAmountWithCode } from '../shared/human.js';
import { printJson, renderTable } from '../shared/output.js';

/** Accounts one `account list` prints at most; page on with `--after`. */
export const ACCOUNT_LIST_MAX = 1000;
const ACCOUNT_LIST_DEFAULT = 50;

/** `vostro account create|list|show`. */
export const registerAccount: RegisterCommand = (program, context) => {
  const account = program.command('account').description('create, list and show ledger accounts');
  registerCreate(account, context);
  registerList(account, context);
  registerShow(account, context);
  registerIdentify(account, context);
};

interface CreateOptions {
  readonly owner: string;
  readonly currency: string;
  readonly kind: AccountKindName;
  readonly id?: string;
  readonly debitsMustNotExceedCredits?: boolean;
  readonly creditsMustNotExceedDebits?: boolean;
  readonly tallied?: boolean;
  readonly reference?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerCreate(account: Command, context: CliContext): void {
  addDbOption(
    account
      .command('create')
      .description('create an account in one currency for one participant; prints its id')
      .requiredOption(
        '--owner <participant>',
        'participant that owns the account, e.g. sbi, sberbank, hub',
      )
      .requiredOption('--currency <code>', 'ISO 4217 currency code: INR, RUB, USD, AED, CNY, EUR')
      .addOption(
        new Option('--kind <kind>', 'what the account is for')
          .choices(accountKindNames)
          .makeOptionMandatory(),
      )
      .option(
        '--id <uuid>',
        'the account id (default: a new time-ordered UUIDv7); re-running with the same id and content is harmless',
      )
      .addOption(
        new Option(
          '--debits-must-not-exceed-credits',
          'refuse debits beyond the posted credits (a funded account)',
        ).conflicts('creditsMustNotExceedDebits'),
      )
      .option('--credits-must-not-exceed-debits', 'refuse credits beyond the posted debits')
      .option(
        '--tallied',
        'add its transfers with other tallied accounts to the pair tallies netting reads',
      )
      .option('--reference <text>', 'free reference text, at most 64 characters')
      .option('--json', 'print the result as JSON'),
  ).action(
    commandAction(context, async (options: CreateOptions) => {
      const input = accountInputFrom(options);
      await runLedgerCommand(context, { dbOption: options.db, create: false }, (session) =>
        runAccountCreate(session, input, options, context.io),
      );
    }),
  );
}

/** Validates every option before the database is opened, so a usage error writes nothing. */
export function accountInputFrom(options: CreateOptions): AccountInput {
  const currency = parseCurrencyOption('--currency', options.currency);
  let flags: number = AccountFlags.none;
  if (options.debitsMustNotExceedCredits === true) flags |= AccountFlags.debitsMustNotExceedCredits;
  if (options.creditsMustNotExceedDebits === true) flags |= AccountFlags.creditsMustNotExceedDebits;
  if (options.tallied === true) flags |= AccountFlags.tallied;
  return {
    id: options.id === undefined ? newAccountId() : parseAccountIdOption('--id', options.id),
    ledger: currency.ledger,
    code: AccountKind[options.kind],
    flags,
    owner: parseParticipantOption('--owner', options.owner),
    reference: parseReferenceOption('--reference', options.reference),
    userData64: 0n,
    userData32: 0,
  };
}

export async function runAccountCreate(
  session: LedgerSession,
  input: AccountInput,
  options: { json?: boolean },
  io: CliIo,
): Promise<number> {
  const outcome = await session.ledger.createAccounts([input]);
  if (!outcome.ok) throw new Error(`bug: a batch of one account was refused as ${outcome.error}`);
  const result = outcome.results[0] ?? 'ok';
  const accepted = result === 'ok' || result === 'exists';
  const [stored] = accepted ? await session.ledger.lookupAccounts([input.id]) : [];
  if (options.json === true) {
    printJson(io, {
      id: input.id,
      result,
      message: ACCOUNT_RESULT_MESSAGES[result],
      account: stored === undefined ? null : accountJson(stored),
    });
  } else if (accepted) {
    io.out(`${input.id}\n`);
    if (result === 'exists') io.err(`note: ${ACCOUNT_RESULT_MESSAGES.exists}\n`);
  } else {
    io.err(`error: account refused: ${result}: ${ACCOUNT_RESULT_MESSAGES[result]}\n`);
  }
  return accepted ? ExitCode.ok : ExitCode.refused;
}

interface ListOptions {
  readonly owner?: string;
  readonly limit?: string;
  readonly after?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerList(account: Command, context: CliContext): void {
  addDbOption(
    account
      .command('list')
      .description('list accounts in the order they were created, with their posted balances')
      .option('--owner <participant>', 'only the accounts of this participant')
      .option(
        '--limit <count>',
        `at most this many accounts, 1 to ${ACCOUNT_LIST_MAX}`,
        String(ACCOUNT_LIST_DEFAULT),
      )
      .option(
        '--after <timestamp>',
        'continue after this creation timestamp (the `next` value of the previous page)',
      )
      .option('--json', 'print the accounts as JSON'),
  ).action(
    commandAction(context, async (options: ListOptions) => {
      const query = {
        owner:
          options.owner === undefined
            ? undefined
            : parseParticipantOption('--owner', options.owner),
        limit: parseIntegerOption('--limit', options.limit ?? String(ACCOUNT_LIST_DEFAULT), {
          minimum: 1,
          maximum: ACCOUNT_LIST_MAX,
        }),
        afterTimestamp:
          options.after === undefined ? undefined : parseTimestampOption('--after', options.after),
      };
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        // One more than asked tells whether there is a next page without a second query.
        const found = await session.store.listAccounts({ ...query, limit: query.limit + 1 });
        const accounts = found.slice(0, query.limit);
        const next =
          found.length > query.limit ? (accounts.at(-1) as Account).timestamp.toString() : null;
        printAccounts(context.io, accounts, next, options.json === true);
        return ExitCode.ok;
      });
    }),
  );
}

function printAccounts(
  io: CliIo,
  accounts: readonly Account[],
  next: string | null,
  json: boolean,
): void {
  if (json) {
    printJson(io, { accounts: accounts.map(accountJson), next });
    return;
  }
  if (accounts.length === 0) {
    io.out('No accounts. Create one with `vostro account create --help`.\n');
    return;
  }
  const rows = accounts.map((account) => [
    account.id,
    account.owner,
    currencyCode(account.ledger),
    accountKindName(account.code),
    humanAmount(netPostedMinor(account), account.ledger),
    humanAmount(account.debitsPending, account.ledger),
  ]);
  io.out(
    renderTable(
      ['id', 'owner', 'currency', 'kind', 'balance (posted)', 'pending debits'],
      rows,
      [4, 5],
    ),
  );
  if (next !== null) io.out(`more: --after ${next}\n`);
}

function registerShow(account: Command, context: CliContext): void {
  addDbOption(
    account
      .command('show')
      .description('show one account: owner, currency, kind, flags and balances')
      .argument('<account-id>', 'the account id (UUID)')
      .option('--json', 'print the account as JSON'),
  ).action(
    commandAction(context, async (idText: string, options: { json?: boolean; db?: string }) => {
      const id = parseAccountIdOption('<account-id>', idText);
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const account = await requireAccount(session, id, 'account');
        if (options.json === true) printJson(context.io, accountJson(account));
        else context.io.out(describeAccount(account));
        return ExitCode.ok;
      });
    }),
  );
}

interface IdentifyOptions {
  readonly iban?: string;
  readonly other?: string;
  readonly remove?: boolean;
  readonly json?: boolean;
  readonly db?: string;
}

function registerIdentify(account: Command, context: CliContext): void {
  addDbOption(
    account
      .command('identify')
      .description(
        'give a participant’s account an IBAN or another identifier (unique across the hub), by which ISO 20022 messages name it (`Acct/Id/IBAN`, `Acct/Id/Othr/Id`); every account also answers to its own id written as 32 hex digits',
      )
      .argument('<account-id>', 'the account id (UUID)')
      .addOption(
        new Option('--iban <iban>', 'an IBAN (ISO 13616; checked by its mod-97 digits)').conflicts(
          'other',
        ),
      )
      .option(
        '--other <id>',
        'another identifier: 1 to 34 characters, e.g. a domestic account number',
      )
      .option('--remove', 'take the identifier away instead')
      .option('--json', 'print the account as JSON'),
  ).action(
    commandAction(context, async (idText: string, options: IdentifyOptions) => {
      const id = parseAccountIdOption('<account-id>', idText);
      const identifier =
        options.iban !== undefined
          ? { iban: options.iban }
          : options.other !== undefined
            ? { other: options.other }
            : undefined;
      if (identifier === undefined) throw new UsageError('give the identifier: --iban or --other');
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const registry = new ParticipantRegistry(session.ledger);
        const changed = await hubOperation(
          () =>
            options.remove === true
              ? registry.removeAccountIdentifier(id, identifier, CLI_ACTOR)
              : registry.addAccountIdentifier(id, identifier, CLI_ACTOR),
          {
            account: '<account-id>',
            identifier: options.iban === undefined ? '--other' : '--iban',
            'identifier/iban': '--iban',
            'identifier/other': '--other',
          },
        );
        if (options.json === true) printJson(context.io, changed);
        else {
          const names = (changed.identifiers ?? []).map((known) =>
            'iban' in known ? `IBAN ${known.iban}` : `other ${known.other}`,
          );
          context.io.out(
            `${changed.id} (${changed.currency} ${changed.role}) answers to: ${names.length === 0 ? 'its id only' : names.join(', ')}\n`,
          );
        }
        return ExitCode.ok;
      });
    }),
  );
}

export function describeAccount(account: Account): string {
  const amount = (minor: bigint): string => humanAmount(minor, account.ledger);
  const flags = flagNames(account.flags, accountFlagNames);
  const rows = [
    ['id', account.id],
    ['owner', account.owner],
    ['currency', `${currencyCode(account.ledger)} (ledger ${account.ledger})`],
    ['kind', `${accountKindName(account.code)} (code ${account.code})`],
    ['flags', flags.length === 0 ? '-' : flags.join(', ')],
    ['reference', account.reference === '' ? '-' : account.reference],
    ['created', `${isoTime(account.timestamp)} (${account.timestamp})`],
    ['debits posted', amount(account.debitsPosted)],
    ['credits posted', amount(account.creditsPosted)],
    ['debits pending', amount(account.debitsPending)],
    ['credits pending', amount(account.creditsPending)],
    [
      'balance (credits − debits, posted)',
      humanAmountWithCode(netPostedMinor(account), account.ledger),
    ],
    [
      'available (less pending debits)',
      humanAmountWithCode(availableMinor(account), account.ledger),
    ],
  ];
  return renderTable(['field', 'value'], rows);
}
