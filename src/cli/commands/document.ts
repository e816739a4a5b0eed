import type { Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import { HubError } from '../../domain/errors.js';
import { isoOfNs, parseInstant } from '../../domain/time.js';
import { DOCUMENT_MAX_BYTES, signDocument } from '../../documents/envelope.js';
import { parseKeyFile } from '../../documents/key-file.js';
import { registerSnapshotOf, type RegisterSnapshot } from '../../documents/register-snapshot.js';
import { parseDocumentContent } from '../../documents/types.js';
import {
  verifyDocument,
  type TradeTerms,
  type VerificationReport,
} from '../../documents/verify.js';
import { storedDocumentJson, verificationReportJson } from '../../views/documents.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { addDbOption, commandAction, RefusedError } from '../ledger-context.js';
import { jsonText, readJsonFile, readTextFile, writeNewFile } from '../shared/files.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import { printJson, renderTable } from '../shared/output.js';

/**
 * `vostro document sign|verify|submit|show`: signed trade documents. `sign` runs at the issuer,
 * offline, with its own key file; `verify` runs anywhere: offline against an exported register
 * snapshot (`--register`, no database and no server), or against the hub's database. `submit` and
 * `show` are the hub's side: store a signed document after verifying it, and read one back.
 */
export const registerDocument: RegisterCommand = (program, context) => {
  const document = program
    .command('document')
    .description(
      'signed trade documents: sign offline with an issuer key, verify (offline or on the hub), submit to the hub, show',
    );
  registerSign(document, context);
  registerVerifyDocument(document, context);
  registerSubmit(document, context);
  registerShow(document, context);
};

function registerSign(parent: Command, context: CliContext): void {
  parent
    .command('sign')
    .description(
      'sign a document’s content with an issuer’s key file, offline (no database, no server); the content is checked against its type’s schema first, and the output file is never overwritten',
    )
    .requiredOption('--key <file>', 'the issuer’s key file, made by `vostro signing-key generate`')
    .requiredOption('--in <file>', 'the document content as JSON (see docs/documents.md)')
    .requiredOption('--out <file>', 'the signed document to create')
    .option('--json', 'print the hash and key id as JSON')
    .action(
      commandAction(
        context,
        async (options: { key: string; in: string; out: string; json?: boolean }) => {
          const { issuer, pair } = keyFileOf(options.key);
          const parsed = parseDocumentContent(readJsonFile('--in', options.in));
          if (!parsed.ok)
            throw new RefusedError(
              `--in: ${options.in}: ${parsed.field}: ${parsed.reason}; nothing was signed`,
            );
          const content = parsed.content;
          if (content.issuer !== issuer)
            throw new RefusedError(
              `--in: ${options.in}: /issuer is "${content.issuer}", but the key in ${options.key} belongs to issuer "${issuer}"; nothing was signed`,
            );
          const signed = signDocument(content, pair);
          const text = jsonText(signed);
          const bytes = Buffer.byteLength(text);
          if (bytes > DOCUMENT_MAX_BYTES)
            throw new RefusedError(
              `--in: the signed document would be ${bytes} bytes; the hub accepts at most ${DOCUMENT_MAX_BYTES}; nothing was written`,
            );
          writeNewFile('--out', options.out, text);
          const summary = {
            hash: signed.hash,
            type: content.type,
            trade: content.trade,
            issuer,
            keyId: pair.keyId,
            out: options.out,
          };
          if (options.json === true) printJson(context.io, summary);
          else
            context.io.out(
              `signed ${content.type} ${content.number} of trade ${content.trade} as ${issuer} (${pair.keyId})\nhash: ${signed.hash}\nwritten to ${options.out}\n`,
            );
        },
      ),
    );
}

/** The issuer and key pair of a key file, or a refusal naming `--key` and what is wrong with the file. */
function keyFileOf(path: string): ReturnType<typeof parseKeyFile> {
  const text = readTextFile('--key', path);
  try {
    return parseKeyFile(text);
  } catch (error) {
    if (error instanceof HubError)
      throw new RefusedError(`--key: ${path}: ${fieldMessage(error)}; nothing was signed`);
    throw error;
  }
}

interface VerifyOptions {
  readonly register?: string;
  readonly trade?: string;
  readonly receivedAt?: string;
  readonly json?: boolean;
  readonly db?: string;
}

function registerVerifyDocument(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('verify')
      .description(
        'verify a signed document and list every check (schema, size, hash, both signatures, issuer, key validity and revocation, the trade’s terms) with pass or fail and why; exit 1 if any check fails. With --register it runs offline, else against the hub’s database',
      )
      .argument('<file>', 'the signed document (JSON)')
      .option(
        '--register <file>',
        'verify offline against this register snapshot (from `vostro issuer export` or GET /v1/register)',
      )
      .option(
        '--trade <file>',
        'offline: the trade to check the document against (`vostro trade show --json`, or its terms)',
      )
      .option(
        '--received-at <instant>',
        'offline: when the hub received the document (ISO 8601 with a zone; default: now)',
      )
      .option('--json', 'print the report as JSON'),
  ).action(
    commandAction(context, async (file: string, options: VerifyOptions) => {
      const input = readDocumentFile('<file>', file);
      if (options.register === undefined) {
        if (options.trade !== undefined || options.receivedAt !== undefined)
          throw new UsageError(
            `${options.trade === undefined ? '--received-at' : '--trade'}: only with --register (offline); the hub verifies against its own trade records and receipt times`,
          );
        await runHubCommand(context, options.db, async (hub) => {
          const report = await hubOperation(() => hub.documents.verify(input, CLI_ACTOR));
          printReport(context, report, options.json === true);
        });
        return;
      }
      if (options.db !== undefined)
        throw new UsageError(
          '--db: not with --register: an offline verification opens no database',
        );
      const register = registerFile(options.register);
      const receivedAt =
        options.receivedAt === undefined
          ? new Date().toISOString()
          : isoOfNs(
              optionValue('--received-at', () =>
                parseInstant(options.receivedAt ?? '', 'receivedAt'),
              ),
            );
      const trade = options.trade === undefined ? undefined : tradeFile(options.trade);
      const report = verifyDocument(input, {
        register,
        receivedAt,
        ...(trade === undefined ? {} : { trade }),
      });
      printReport(context, report, options.json === true);
    }),
  );
}

function registerSubmit(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('submit')
      .description(
        'verify a signed document and store it in the hub, with the hub’s receipt time; a document that fails a check is refused and nothing is stored (exit 1)',
      )
      .argument('<file>', 'the signed document (JSON)')
      .option('--json', 'print the stored document and the report as JSON'),
  ).action(
    commandAction(context, async (file: string, options: { json?: boolean; db?: string }) => {
      const input = readDocumentFile('<file>', file);
      await runHubCommand(context, options.db, async (hub) => {
        const result = await hubOperation(() => hub.documents.submit(input, CLI_ACTOR));
        if (options.json === true) {
          printJson(context.io, {
            status: result.status,
            document: storedDocumentJson(result.document),
            report: verificationReportJson(result.report),
          });
        } else {
          context.io.out(
            `${result.status === 'created' ? 'stored' : 'already stored'}: ${result.document.type} ${result.document.hash} of trade ${result.document.trade}, received ${result.document.receivedAt}\n`,
          );
          printChecks(context.io, result.report);
        }
        if (!result.report.valid) throw new RefusedError(failedSummary(result.report));
      });
    }),
  );
}

function registerShow(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('show')
      .description(
        'a stored document: its type, trade, issuer, when the hub received it, and the signed document',
      )
      .argument('<hash>', 'the document hash, sha256:…')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(context, async (hash: string, options: { json?: boolean; db?: string }) => {
      await runHubCommand(context, options.db, async (hub) => {
        const stored = await hubOperation(() => hub.documents.get(hash, CLI_ACTOR), {
          hash: '<hash>',
        });
        const view = storedDocumentJson(stored);
        if (options.json === true) {
          printJson(context.io, view);
          return;
        }
        context.io.out(
          renderTable(
            ['field', 'value'],
            [
              ['hash', view.hash],
              ['type', view.type],
              ['trade', view.trade],
              ['issuer', view.issuer],
              ['key', view.document.signature.keyId],
              ['received at', view.receivedAt],
              ['received from', view.receivedBy],
              ...(view.addressedTo === undefined ? [] : [['addressed to', view.addressedTo]]),
            ],
          ),
        );
      });
    }),
  );
}

/** A signed document file, refused before any check when it is too large for the hub to accept. */
function readDocumentFile(option: string, path: string): unknown {
  const text = readTextFile(option, path);
  const bytes = Buffer.byteLength(text);
  if (bytes > DOCUMENT_MAX_BYTES + 1024)
    throw new RefusedError(
      `${option}: ${path} is ${bytes} bytes; a signed document is at most ${DOCUMENT_MAX_BYTES} bytes`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RefusedError(`${option}: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A register snapshot file, checked whole (src/documents/register-snapshot.ts): a broken export is named precisely. */
function registerFile(path: string): RegisterSnapshot {
  const value = readJsonFile('--register', path);
  return optionValue(`--register: ${path}`, () => registerSnapshotOf(value));
}

/**
 * The trade terms to check a document against: a trade as `vostro trade show --json` prints it
 * (its `terms`), or the terms themselves.
 */
function tradeFile(path: string): TradeTerms {
  const value = readJsonFile('--trade', path);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RefusedError(`--trade: ${path}: a trade is a JSON object`);
  const terms = (value as { terms?: unknown }).terms ?? value;
  const record = terms as Record<string, unknown>;
  for (const field of ['id', 'exporter', 'importer', 'currency', 'total', 'latestShipmentDate'])
    if (typeof record[field] !== 'string')
      throw new RefusedError(
        `--trade: ${path}: /${field} must be a string (give the output of \`vostro trade show --json\`)`,
      );
  if (!Array.isArray(record['lines']))
    throw new RefusedError(`--trade: ${path}: /lines must be a list of goods lines`);
  return terms as TradeTerms;
}

/** Runs a parser of src/documents or src/domain; its refusal names the option and the field. */
function optionValue<T>(option: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof HubError) throw new RefusedError(`${option}: ${fieldMessage(error)}`);
    throw error;
  }
}

function fieldMessage(error: HubError): string {
  return error.field === undefined || error.message.includes(error.field)
    ? error.message
    : `${error.field}: ${error.message}`;
}

/** Prints the report; an invalid document ends the command with exit code 1 and the failed checks named. */
function printReport(context: CliContext, report: VerificationReport, json: boolean): void {
  if (json) printJson(context.io, verificationReportJson(report));
  else printChecks(context.io, report);
  if (!report.valid) throw new RefusedError(failedSummary(report));
}

function printChecks(io: CliIo, report: VerificationReport): void {
  if (report.hash !== undefined)
    io.out(
      `${report.type ?? 'document'} ${report.hash}${report.trade === undefined ? '' : ` of trade ${report.trade}`}\n`,
    );
  io.out(
    renderTable(
      ['check', 'result', 'reason'],
      report.checks.map((check) => [check.name, check.status, check.reason]),
    ),
  );
  io.out(report.valid ? 'valid: no check failed\n' : 'INVALID\n');
}

function failedSummary(report: VerificationReport): string {
  const failed = report.checks.filter((check) => check.status === 'fail');
  return `${failed.length} check(s) failed: ${failed.map((check) => check.name).join(', ')}`;
}
