import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import {
  ACCOUNT_ROLES,
  ROLES_OPENED_LATER,
  type AccountRole,
} from '../../participants/accounts.js';
import { PARTICIPANT_KINDS, type ParticipantKind } from '../../participants/participant.js';
import { ParticipantRegistry, type ParticipantRecord } from '../../participants/registry.js';
import { participantJson } from '../../views/participants.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import {
  addDbOption,
  commandAction,
  RefusedError,
  runLedgerCommand,
  type LedgerSession,
} from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
import { hubOperation } from '../shared/hub.js';
import { printJson, renderTable } from '../shared/output.js';

const LIST_MAX = 1000;
const LATER_ROLES = [...new Set(Object.values(ROLES_OPENED_LATER).flat())];
const CREATABLE_KINDS = PARTICIPANT_KINDS.filter((kind) => kind !== 'hub');

/** `vostro participant create|list|show|open-account|suspend|activate`: the operator at the command line. */
export const registerParticipant: RegisterCommand = (program, context) => {
  const participant = program
    .command('participant')
    .description(
      'create, list, show, suspend and reactivate participants (banks, FX providers, corporates, customs authorities) and open their accounts',
    );
  registerCreate(participant, context);
  registerList(participant, context);
  registerShow(participant, context);
  registerOpenAccount(participant, context);
  registerSetBic(participant, context);
  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['activate', 'active'],
  ] as const)
    registerStatus(participant, context, action, status);
};

interface CreateOptions {
  readonly id: string;
  readonly name: string;
  readonly kind: ParticipantKind;
  readonly country: string;
  readonly bank?: string;
  readonly currencies: string;
  readonly bic?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerCreate(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('create')
      .description(
        'create a participant; its accounts (settlement and cap for a bank, customer for a corporate, …) are opened in each currency',
      )
      .requiredOption(
        '--id <id>',
        'participant id: a lower-case letter, then lower-case letters, digits or hyphens (2 to 40), e.g. sbi',
      )
      .requiredOption('--name <name>', 'full name, e.g. "State Bank of India"')
      .addOption(
        new Option('--kind <kind>', 'what it is').choices(CREATABLE_KINDS).makeOptionMandatory(),
      )
      .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 code, e.g. IN or RU')
      .option('--bank <id>', 'for a corporate: the bank that keeps its accounts')
      .option(
        '--bic <bic>',
        'for a bank or FX provider: its BIC (ISO 9362, 8 or 11 characters, e.g. DEMOINBBXXX), which ISO 20022 messages name it by',
      )
      .option(
        '--currencies <codes>',
        'comma-separated ISO 4217 codes, e.g. INR,RUB (required but for a customs authority, which holds no accounts)',
        '',
      )
      .option('--json', 'print the participant as JSON'),
  ).action(
    commandAction(context, async (options: CreateOptions) => {
      const input = {
        id: options.id,
        name: options.name,
        kind: options.kind,
        country: options.country,
        ...(options.bank === undefined ? {} : { bank: options.bank }),
        ...(options.bic === undefined ? {} : { bic: options.bic }),
        currencies: options.currencies
          .split(',')
          .map((code) => code.trim())
          .filter((code) => code !== ''),
      };
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const record = await hubOperation(
          () => new ParticipantRegistry(session.ledger).create(input, CLI_ACTOR),
          {
            id: '--id',
            name: '--name',
            kind: '--kind',
            country: '--country',
            bank: '--bank',
            bic: '--bic',
            currencies: '--currencies',
          },
        );
        printParticipant(context.io, record, options.json === true);
        return ExitCode.ok;
      });
    }),
  );
}

function registerList(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('list')
      .description('list participants in id order')
      .option(
        '--after <id>',
        'continue after this participant id (the `more:` value of the previous page)',
      )
      .option('--limit <count>', `at most this many, 1 to ${LIST_MAX}`, '100')
      .option('--json', 'print the participants as JSON'),
  ).action(
    commandAction(
      context,
      async (options: { after?: string; limit: string; json?: boolean; db?: string }) => {
        const limit = parseIntegerOption('--limit', options.limit, {
          minimum: 1,
          maximum: LIST_MAX,
        });
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const found = await new ParticipantRegistry(session.ledger).list(
              options.after,
              limit + 1,
            );
            const page = found.slice(0, limit);
            const next = found.length > limit ? (page.at(-1)?.id ?? null) : null;
            if (options.json === true) {
              printJson(context.io, { participants: page.map(participantJson), next });
            } else if (page.length === 0) {
              context.io.out(
                'No participants. Create one with `vostro participant create --help`.\n',
              );
            } else {
              const rows = page.map((record) => [
                record.id,
                record.name,
                record.kind,
                record.country,
                record.currencies.join(','),
                record.status,
                String(record.accounts.length),
              ]);
              context.io.out(
                renderTable(
                  ['id', 'name', 'kind', 'country', 'currencies', 'status', 'accounts'],
                  rows,
                  [6],
                ),
              );
              if (next !== null) context.io.out(`more: --after ${next}\n`);
            }
            return ExitCode.ok;
          },
        );
      },
    ),
  );
}

function registerShow(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('show')
      .description('show a participant and its accounts')
      .argument('<id>', 'participant id')
      .option('--json', 'print the participant as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const record = await requireParticipant(session, id);
        printParticipant(context.io, record, options.json === true);
        return ExitCode.ok;
      });
    }),
  );
}

function registerOpenAccount(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('open-account')
      .description(
        'open a vostro, nostro, investment or suspense account for a participant; prints its id',
      )
      .argument('<id>', 'participant id')
      .addOption(
        new Option('--role <role>', "the account's role")
          .choices(LATER_ROLES)
          .makeOptionMandatory(),
      )
      .requiredOption('--currency <code>', 'ISO 4217 code, e.g. INR')
      .option('--held-at <bank>', 'for vostro and nostro accounts: the bank that keeps the account')
      .option('--json', 'print the account as JSON'),
  ).action(
    commandAction(
      context,
      async (
        id: string,
        options: {
          role: AccountRole;
          currency: string;
          heldAt?: string;
          json?: boolean;
          db?: string;
        },
      ) => {
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const account = await hubOperation(
              () =>
                new ParticipantRegistry(session.ledger).openAccount(
                  id,
                  options.role,
                  options.currency,
                  options.heldAt,
                  CLI_ACTOR,
                ),
              {
                role: '--role',
                currency: '--currency',
                held_at: '--held-at',
                participant: '<id>',
                bank: '--held-at',
                currencies: '--currency',
              },
            );
            if (options.json === true) printJson(context.io, account);
            else context.io.out(`${account.id}\n`);
            return ExitCode.ok;
          },
        );
      },
    ),
  );
}

function registerSetBic(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('set-bic')
      .description(
        'give a bank or FX provider its BIC (ISO 9362), which ISO 20022 messages name it by, or take it away with --remove; a BIC is unique across the hub',
      )
      .argument('<id>', 'participant id')
      .argument(
        '[bic]',
        '8 or 11 characters, e.g. DEMOINBBXXX (DEMOINBB and DEMOINBBXXX are one institution)',
      )
      .option('--remove', 'take its BIC away instead')
      .option('--json', 'print the participant as JSON'),
  ).action(
    commandAction(
      context,
      async (
        id: string,
        bic: string | undefined,
        options: { remove?: boolean; json?: boolean; db?: string },
      ) => {
        if ((bic === undefined) === (options.remove !== true))
          throw new UsageError(
            bic === undefined
              ? '<bic>: give the BIC to set, or --remove to take it away'
              : '<bic> and --remove ask for two different things; give one of them',
          );
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const record = await hubOperation(
              () => new ParticipantRegistry(session.ledger).setBic(id, bic ?? null, CLI_ACTOR),
              { participant: '<id>', id: '<id>', bic: '<bic>', kind: '<id>' },
            );
            if (options.json === true) printJson(context.io, participantJson(record));
            else
              context.io.out(
                record.bic === undefined
                  ? `${record.id} has no BIC\n`
                  : `${record.id} is ${record.bic}\n`,
              );
            return ExitCode.ok;
          },
        );
      },
    ),
  );
}

function registerStatus(
  parent: Command,
  context: CliContext,
  action: 'suspend' | 'activate',
  status: 'suspended' | 'active',
): void {
  addDbOption(
    parent
      .command(action)
      .description(
        action === 'suspend'
          ? 'suspend a participant: it can no longer pay or quote'
          : 'reactivate a suspended participant',
      )
      .argument('<id>', 'participant id')
      .option('--json', 'print the participant as JSON'),
  ).action(
    commandAction(context, async (id: string, options: { json?: boolean; db?: string }) => {
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const record = await hubOperation(
          () => new ParticipantRegistry(session.ledger).setStatus(id, status, CLI_ACTOR),
          { participant: '<id>', id: '<id>' },
        );
        if (options.json === true) printJson(context.io, participantJson(record));
        else context.io.out(`${record.id} is ${record.status}\n`);
        return ExitCode.ok;
      });
    }),
  );
}

async function requireParticipant(session: LedgerSession, id: string): Promise<ParticipantRecord> {
  const record = await new ParticipantRegistry(session.ledger).find(id);
  if (record === undefined) throw new RefusedError(`no participant ${id} in ${session.dbPath}`);
  return record;
}

function printParticipant(io: CliIo, record: ParticipantRecord, json: boolean): void {
  if (json) {
    printJson(io, participantJson(record));
    return;
  }
  const rows = [
    ['id', record.id],
    ['name', record.name],
    ['kind', record.kind],
    ['country', record.country],
    ...(record.bank === undefined ? [] : [['bank', record.bank]]),
    ...(record.bic === undefined ? [] : [['BIC', record.bic]]),
    ['currencies', record.currencies.join(', ')],
    ['status', record.status],
    ['created', record.createdAt],
  ];
  io.out(renderTable(['field', 'value'], rows));
  const accounts = record.accounts.map((account) => [
    account.id,
    account.currency,
    account.role,
    ACCOUNT_ROLES[account.role].description,
    account.heldAt ?? '',
    (account.identifiers ?? [])
      .map((identifier) => ('iban' in identifier ? `IBAN ${identifier.iban}` : identifier.other))
      .join(', '),
  ]);
  io.out(renderTable(['account', 'currency', 'role', 'what', 'held at', 'identifiers'], accounts));
}
