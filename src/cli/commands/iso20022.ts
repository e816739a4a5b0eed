import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import { Hub } from '../../hub/hub.js';
import type { SubmitOutcome } from '../../iso20022/service.js';
import { ISO_MESSAGE_MAX_BYTES, IsoFormatError } from '../../iso20022/xml.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, RefusedError, runLedgerCommand } from '../ledger-context.js';
import { parseAccountIdOption, parseIntegerOption } from '../options.js';
import { parseSeqOption } from '../shared/events.js';
import { writeNewFile } from '../shared/files.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import {
  addRemoteOptions,
  remoteFetch,
  remoteOf,
  remoteRefusal,
  type Remote,
} from '../shared/remote.js';

/** camt.054 entries one `notifications` call reads at most. */
const NOTIFICATIONS_LIMIT_MAX = 10_000;

/**
 * `vostro iso20022 submit|message|statement|notifications`: ISO 20022 messages in and out, as the
 * operator at the hub's machine (docs/iso20022.md maps them field by field).
 *
 * Exit codes of `submit` (ExitCode in src/cli/io.ts): 0 every transaction accepted (ACSC); 1 the
 * message was judged and at least one transaction rejected (PART, or RJCT of its transactions: the
 * pacs.002 says why, per transaction), like any refused payment; 2 the message was refused as a
 * whole, before any transaction was judged (not XML, a DOCTYPE, too large, an unsupported message
 * or version, schema errors, NbOfTxs or CtrlSum that disagree): a malformed input, like a malformed
 * command line; 3 the database is in use. The pacs.002 goes to standard output whenever there is
 * one (for exit 0, 1 and a schema refusal), a one-line summary to standard error.
 */
export const registerIso20022: RegisterCommand = (program, context) => {
  const iso = program
    .command('iso20022')
    .description(
      'ISO 20022: submit pacs.008/pacs.009 payment messages (a pacs.002 status report back), read a stored report, an account’s camt.053 statement of a day and its camt.054 notifications',
    );
  registerSubmit(iso, context);
  registerMessage(iso, context);
  registerStatement(iso, context);
  registerNotifications(iso, context);
};

interface SubmitOptions {
  readonly out?: string;
  readonly db?: string;
  readonly url?: string;
  readonly keyFile?: string;
}

/** What a judged message came to, from the service or from the server's answer. */
interface Judged {
  readonly statusReport: string;
  readonly groupStatus: string;
  readonly messageId: string;
  readonly replayed: boolean;
}

function registerSubmit(parent: Command, context: CliContext): void {
  const command = addDbOption(
    parent
      .command('submit')
      .description(
        'submit a pacs.008.001.09 or pacs.009.001.09 message from a file, to the database or to a running server (--url); prints its pacs.002.001.11 status report; exit 0 all accepted, 1 any transaction rejected, 2 the message refused as a whole',
      )
      .argument('<file>', 'the XML message (at most 8 MiB)')
      .option('--out <file>', 'write the pacs.002 to this new file instead of standard output'),
  );
  addRemoteOptions(command).action(
    commandAction(context, async (file: string, options: SubmitOptions) => {
      const bytes = readMessageFile(file);
      const remote = remoteOf(options, context.io.env);
      if (remote !== undefined) {
        const judged = await submitRemote(context, remote, file, bytes);
        context.setExitCode(
          judged === undefined ? ExitCode.usage : report(context, judged, options),
        );
        return;
      }
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const hub = new Hub(session.ledger);
        let outcome: SubmitOutcome;
        try {
          outcome = await hubOperation(() => hub.iso20022.submit(bytes, CLI_ACTOR), {
            message: '<file>',
          });
        } catch (error) {
          if (!(error instanceof IsoFormatError)) throw error;
          context.io.err(`error: <file>: ${file}: ${error.message} (${error.code})\n`);
          for (const item of error.errors)
            context.io.err(`  ${item.path === '' ? '' : `${item.path}: `}${item.message}\n`);
          context.io.err('The message was refused as a whole; nothing was written.\n');
          return ExitCode.usage;
        }
        return report(context, outcome, options);
      });
    }),
  );
}

/**
 * POST /v1/iso20022/messages. The server's refusals of the message itself (not XML, a DOCTYPE, too
 * large, unsupported: 400, 413, 415, 422) are printed and answered with undefined (exit 2); any
 * other refusal (a wrong key, 403 for another bank's instructing agent) ends with exit 1.
 */
async function submitRemote(
  context: CliContext,
  remote: Remote,
  file: string,
  bytes: Uint8Array,
): Promise<Judged | undefined> {
  const response = await remoteFetch(remote, '/iso20022/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: bytes,
  });
  if (!response.ok) {
    const refusal = await remoteRefusal(response);
    if (![400, 413, 415, 422].includes(response.status)) throw refusal;
    context.io.err(`error: <file>: ${file}: ${refusal.message}\n`);
    context.io.err('The message was refused as a whole; nothing was written.\n');
    return undefined;
  }
  return {
    statusReport: await response.text(),
    groupStatus: response.headers.get('vostro-group-status') ?? '',
    messageId: response.headers.get('vostro-message-id') ?? '',
    replayed: response.headers.get('vostro-replayed') === 'true',
  };
}

/** Prints the report and a summary line; returns the exit code. */
function report(context: CliContext, judged: Judged, options: SubmitOptions): number {
  printXml(context, judged.statusReport, options.out);
  const statuses = transactionStatuses(judged.statusReport);
  const accepted = statuses.filter((status) => status === 'ACSC' || status === 'ACCP').length;
  const rejected = statuses.filter((status) => status === 'RJCT').length;
  const whole = refusedAsAWhole(judged, statuses);
  context.io.err(
    `${judged.groupStatus}: ${whole ? 'the message was refused as a whole (the status report says why); nothing was written' : `${accepted} accepted, ${rejected} rejected; message ${judged.messageId}`}${judged.replayed ? ' (submitted before: this is its original report; nothing new was written)' : ''}\n`,
  );
  if (judged.groupStatus === 'ACSC') return ExitCode.ok;
  return whole ? ExitCode.usage : ExitCode.refused;
}

/** The status of each transaction the pacs.002 reports on (TxInfAndSts/TxSts), in order. */
function transactionStatuses(xml: string): string[] {
  return [...xml.matchAll(/<TxInfAndSts>[\s\S]*?<TxSts>([A-Z]{4})<\/TxSts>/g)].map(
    (match) => match[1] ?? '',
  );
}

/**
 * Whether the message was refused before any transaction was judged: a group rejected for its
 * format (FF01: schema errors, NbOfTxs or CtrlSum that disagree with the transactions), or
 * rejected with no transaction reported on.
 */
function refusedAsAWhole(judged: Judged, statuses: readonly string[]): boolean {
  if (judged.groupStatus !== 'RJCT') return false;
  const group = /<OrgnlGrpInfAndSts>([\s\S]*?)<\/OrgnlGrpInfAndSts>/.exec(judged.statusReport)?.[1];
  return statuses.length === 0 || /<Cd>FF\d\d<\/Cd>/.test(group ?? '');
}

function registerMessage(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('message')
      .description('print the pacs.002 status report of a message submitted before')
      .argument('<id>', 'the message id `submit` printed (instructing BIC:MsgId)'),
  ).action(
    commandAction(context, async (id: string, options: { db?: string }) => {
      if (id.length === 0 || id.length > 200 || !/^[\x21-\x7e]+$/.test(id))
        throw new UsageError(
          `<id>: "${id.slice(0, 64)}" is not a message id (the instructing agent's BIC, a colon and the MsgId, as \`submit\` prints it)`,
        );
      await runHubCommand(context, options.db, async (hub) => {
        const found = await hubOperation(() => hub.iso20022.message(id, CLI_ACTOR), {
          id: '<id>',
        });
        if (found === undefined) throw new RefusedError(`<id>: no message ${id}`);
        printXml(context, found.statusReport, undefined);
        context.io.err(
          `${found.kind} ${found.msgId} from ${found.from}, received ${found.receivedAt}\n`,
        );
      });
    }),
  );
}

function registerStatement(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('statement')
      .description(
        'an account’s camt.053.001.08 statement of one day (UTC): opening and closing booked balance and every entry, with references back to the payments’ UETR and EndToEndId',
      )
      .requiredOption('--account <id>', 'the account (UUID)')
      .requiredOption('--date <date>', 'the day, YYYY-MM-DD (UTC)')
      .option('--out <file>', 'write it to this new file instead of standard output'),
  ).action(
    commandAction(
      context,
      async (options: { account: string; date: string; out?: string; db?: string }) => {
        const account = parseAccountIdOption('--account', options.account);
        const date = parseDateOption('--date', options.date);
        await runHubCommand(context, options.db, async (hub) => {
          const xml = await hubOperation(() => hub.iso20022.statement(account, date, CLI_ACTOR), {
            account: '--account',
            accountId: '--account',
            date: '--date',
          });
          printXml(context, xml, options.out);
        });
      },
    ),
  );
}

function registerNotifications(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('notifications')
      .description(
        'an account’s camt.054.001.08 debit and credit notifications, from its transfer events after a cursor; the cursor to go on from goes to standard error',
      )
      .requiredOption('--account <id>', 'the account (UUID)')
      .option('--after <seq>', 'only entries of events after this one (0: from the start)', '0')
      .option('--limit <count>', `events read at most, 1 to ${NOTIFICATIONS_LIMIT_MAX}`, '1000')
      .option('--out <file>', 'write it to this new file instead of standard output'),
  ).action(
    commandAction(
      context,
      async (options: {
        account: string;
        after: string;
        limit: string;
        out?: string;
        db?: string;
      }) => {
        const accountId = parseAccountIdOption('--account', options.account);
        const afterSeq = parseSeqOption('--after', options.after);
        const limit = parseIntegerOption('--limit', options.limit, {
          minimum: 1,
          maximum: NOTIFICATIONS_LIMIT_MAX,
        });
        await runHubCommand(context, options.db, async (hub) => {
          const { xml, lastSeq } = await hubOperation(
            () => hub.iso20022.notifications({ accountId, afterSeq, limit }, CLI_ACTOR),
            { account: '--account', accountId: '--account', afterSeq: '--after', limit: '--limit' },
          );
          printXml(context, xml, options.out);
          context.io.err(`next: --after ${lastSeq}\n`);
        });
      },
    ),
  );
}

/** An XML document to standard output (ending its line), or to a new file `--out` names. */
function printXml(context: CliContext, xml: string, out: string | undefined): void {
  const text = xml.endsWith('\n') ? xml : `${xml}\n`;
  if (out === undefined) context.io.out(text);
  else writeNewFile('--out', out, text);
}

/**
 * The message file's bytes (the service decodes them: the XML declaration names the encoding). A
 * missing or unreadable path is a usage error (exit 2), as is a file over the 8 MiB limit, which
 * is refused before it is read into memory.
 */
function readMessageFile(path: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UsageError(`<file>: ${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`<file>: cannot read ${path}: ${(error as Error).message}`);
  }
  if (size > ISO_MESSAGE_MAX_BYTES)
    throw new UsageError(
      `<file>: ${path} is ${size} bytes; a message is at most ${ISO_MESSAGE_MAX_BYTES} bytes (8 MiB): split it into several`,
    );
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`<file>: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** A calendar day `YYYY-MM-DD` that exists (2026-02-30 does not). */
function parseDateOption(option: string, text: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match === null ? undefined : new Date(`${text}T00:00:00Z`);
  if (
    date === undefined ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== text
  )
    throw new UsageError(
      `${option}: "${text.slice(0, 64)}" is not a date: give a day that exists as YYYY-MM-DD, e.g. 2026-11-20`,
    );
  return text;
}
