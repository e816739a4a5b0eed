import { Option, type Command } from 'commander';
import {
  ApiKeys,
  KEY_ROLES,
  ROTATION_GRACE_MAX_SECONDS,
  type ApiKeyInfo,
} from '../../access/api-keys.js';
import { CLI_ACTOR, type ActorRole } from '../../domain/actor.js';
import type { CliContext, RegisterCommand } from '../context.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, runLedgerCommand } from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
import { hubOperation } from '../shared/hub.js';
import { printJson, renderTable } from '../shared/output.js';

const LIST_MAX = 1000;
const SHOWN_ONCE =
  'This key is shown once and cannot be shown again: store it now (a secret manager, or a file only you can read). It is sent as `Authorization: Bearer <key>`.\n';

/**
 * `vostro key issue|list|rotate|revoke`: API keys, run by the operator on the hub's machine (the
 * actor `cli` in the audit log). `issue` and `rotate` print the new key once, on standard output
 * alone (so `KEY=$(vostro key issue …)` works), with the warning on standard error.
 */
export const registerKey: RegisterCommand = (program, context) => {
  const key = program
    .command('key')
    .description(
      'issue, list, rotate and revoke API keys for the HTTP API (operator, auditor, participant)',
    );
  registerIssue(key, context);
  registerList(key, context);
  registerRotate(key, context);
  registerRevoke(key, context);
};

interface IssueOptions {
  readonly role: ActorRole;
  readonly participant?: string;
  readonly label?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerIssue(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('issue')
      .description(
        'issue an API key and print it once: operator (everything), auditor (every read, no writes), participant (its own accounts, transfers and keys)',
      )
      .addOption(
        new Option('--role <role>', 'what the key may do').choices(KEY_ROLES).makeOptionMandatory(),
      )
      .option('--participant <id>', 'for a participant key: the participant it acts for')
      .option(
        '--label <text>',
        'what the key is for, e.g. "treasury back office" (at most 80 characters)',
      )
      .option('--json', 'print the key and its record as JSON'),
  ).action(
    commandAction(context, async (options: IssueOptions) => {
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const issued = await hubOperation(
          () =>
            new ApiKeys(session.ledger).issue(
              {
                role: options.role,
                ...(options.participant === undefined ? {} : { participant: options.participant }),
                ...(options.label === undefined ? {} : { label: options.label }),
              },
              CLI_ACTOR,
            ),
          { role: '--role', participant: '--participant', label: '--label' },
        );
        printNewKey(context.io, issued.key, issued.info, options.json === true);
        return ExitCode.ok;
      });
    }),
  );
}

function registerList(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('list')
      .description('list API keys (never their secrets), in key-id order')
      .addOption(new Option('--role <role>', 'only keys of this role').choices(KEY_ROLES))
      .option('--participant <id>', 'only the keys of this participant')
      .option(
        '--after <key-id>',
        'continue after this key id (the `more:` value of the previous page)',
      )
      .option('--limit <count>', `at most this many, 1 to ${LIST_MAX}`, '100')
      .option('--json', 'print the keys as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        role?: ActorRole;
        participant?: string;
        after?: string;
        limit: string;
        json?: boolean;
        db?: string;
      }) => {
        const limit = parseIntegerOption('--limit', options.limit, {
          minimum: 1,
          maximum: LIST_MAX,
        });
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const filter = {
              ...(options.role === undefined ? {} : { role: options.role }),
              ...(options.participant === undefined ? {} : { participant: options.participant }),
            };
            const found = await new ApiKeys(session.ledger).list(filter, options.after, limit + 1);
            const page = found.slice(0, limit);
            const next = found.length > limit ? (page.at(-1)?.keyId ?? null) : null;
            if (options.json === true) {
              printJson(context.io, { keys: page, next });
            } else if (page.length === 0) {
              context.io.out('No API keys. Issue one with `vostro key issue --help`.\n');
            } else {
              const rows = page.map((key) => [
                key.keyId,
                key.role,
                key.participant ?? '',
                key.status,
                key.label,
                key.createdAt,
                key.revokedAt ?? '',
              ]);
              context.io.out(
                renderTable(
                  ['key id', 'role', 'participant', 'status', 'label', 'created', 'revoked (at)'],
                  rows,
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

function registerRotate(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('rotate')
      .description(
        'issue a new key with the same role, participant and label and print it once; the old key stops now, or after --grace seconds',
      )
      .argument('<key-id>', 'the key to replace (its public id, 16 hex digits)')
      .option(
        '--grace <seconds>',
        `how long the old key keeps working, 0 to ${ROTATION_GRACE_MAX_SECONDS} (7 days)`,
        '0',
      )
      .option('--json', 'print the new key and both records as JSON'),
  ).action(
    commandAction(
      context,
      async (keyId: string, options: { grace: string; json?: boolean; db?: string }) => {
        const graceSeconds = parseIntegerOption('--grace', options.grace, {
          minimum: 0,
          maximum: ROTATION_GRACE_MAX_SECONDS,
        });
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const rotated = await hubOperation(
              () => new ApiKeys(session.ledger).rotate(keyId, { graceSeconds }, CLI_ACTOR),
              { keyId: '<key-id>', graceSeconds: '--grace' },
            );
            if (options.json === true) {
              printJson(context.io, {
                ...rotated.info,
                key: rotated.key,
                previous: rotated.previous,
              });
              context.io.err(SHOWN_ONCE);
            } else {
              printNewKey(context.io, rotated.key, rotated.info, false);
              context.io.err(
                rotated.previous.status === 'rotating'
                  ? `${keyId} keeps working until ${rotated.previous.revokedAt ?? '?'}.\n`
                  : `${keyId} no longer works.\n`,
              );
            }
            return ExitCode.ok;
          },
        );
      },
    ),
  );
}

function registerRevoke(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('revoke')
      .description('revoke a key now; a server on the same database refuses it within 5 seconds')
      .argument('<key-id>', 'the key to revoke (its public id)')
      .option('--json', "print the key's record as JSON"),
  ).action(
    commandAction(context, async (keyId: string, options: { json?: boolean; db?: string }) => {
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const revoked = await hubOperation(
          () => new ApiKeys(session.ledger).revoke(keyId, CLI_ACTOR),
          { keyId: '<key-id>' },
        );
        if (options.json === true) printJson(context.io, revoked);
        else context.io.out(`${revoked.keyId} revoked at ${revoked.revokedAt ?? '?'}\n`);
        return ExitCode.ok;
      });
    }),
  );
}

function printNewKey(io: CliIo, key: string, info: ApiKeyInfo, json: boolean): void {
  if (json) printJson(io, { ...info, key });
  else io.out(`${key}\n`);
  io.err(
    `Issued ${info.role} key ${info.keyId}${info.participant === undefined ? '' : ` for ${info.participant}`}. ${SHOWN_ONCE}`,
  );
}
