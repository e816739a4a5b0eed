import { auditJson } from '../../views/audit.js';
import type { RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, runLedgerCommand } from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
import { printJson, renderTable } from '../shared/output.js';

const LIST_MAX = 1000;

/** `vostro audit`: the audit log, oldest first, a page at a time; the same entries as GET /v1/audit. */
export const registerAudit: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('audit')
      .description(
        'show the audit log: who changed what, when, with which API key and request id (oldest first)',
      )
      .option(
        '--actor <actor>',
        'only the entries of this actor: a participant id, operator, auditor or cli',
      )
      .option(
        '--after <seq>',
        'only entries after this sequence number (the `more:` value of the previous page)',
      )
      .option('--limit <count>', `at most this many, 1 to ${LIST_MAX}`, '50')
      .option('--json', 'print the entries as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        actor?: string;
        after?: string;
        limit: string;
        json?: boolean;
        db?: string;
      }) => {
        const limit = parseIntegerOption('--limit', options.limit, {
          minimum: 1,
          maximum: LIST_MAX,
        });
        if (options.after !== undefined && !/^(0|[1-9][0-9]{0,18})$/.test(options.after))
          throw new UsageError(`--after: "${options.after.slice(0, 64)}" is not a sequence number`);
        const afterSeq = options.after === undefined ? undefined : BigInt(options.after);
        await runLedgerCommand(
          context,
          { dbOption: options.db, create: false },
          async (session) => {
            const found = await session.store.auditEntries({
              ...(afterSeq === undefined ? {} : { afterSeq }),
              ...(options.actor === undefined ? {} : { actor: options.actor }),
              limit: limit + 1,
            });
            const page = found.slice(0, limit).map(auditJson);
            const next = found.length > limit ? (page.at(-1)?.seq ?? null) : null;
            if (options.json === true) {
              printJson(context.io, { entries: page, next });
            } else if (page.length === 0) {
              context.io.out('No audit entries.\n');
            } else {
              const rows = page.map((entry) => [
                entry.seq,
                entry.at,
                entry.actor,
                entry.role,
                entry.keyId ?? '',
                entry.action,
                entry.target ?? '',
                entry.requestId ?? '',
                JSON.stringify(entry.detail),
              ]);
              context.io.out(
                renderTable(
                  [
                    'seq',
                    'at (UTC)',
                    'actor',
                    'role',
                    'key id',
                    'action',
                    'target',
                    'request id',
                    'detail',
                  ],
                  rows,
                  [0],
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
};
