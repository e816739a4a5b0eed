import { Option, type Command } from 'commander';
import { CLI_ACTOR } from '../../domain/actor.js';
import {
  ISSUER_ROLES,
  type IssuerEntry,
  type IssuerRole,
} from '../../documents/register-snapshot.js';
import { DOCUMENT_TYPES, type DocumentType } from '../../documents/types.js';
import { issuerJson, registerSnapshotJson } from '../../views/documents.js';
import type { CliContext, RegisterCommand } from '../context.js';
import { UsageError } from '../errors.js';
import { addDbOption, commandAction, RefusedError } from '../ledger-context.js';
import { parseIntegerOption } from '../options.js';
import { jsonText, readJsonFile, writeNewFile } from '../shared/files.js';
import { hubOperation, runHubCommand } from '../shared/hub.js';
import { printJson, renderTable } from '../shared/output.js';

/**
 * `vostro issuer add|key-add|revoke|list|export`: the trust register, kept by the operator on the
 * hub's machine (the actor `cli` in the audit log). `export` writes the register as one file, which
 * `vostro document verify --register` reads to verify documents with no server.
 */
export const registerIssuer: RegisterCommand = (program, context) => {
  const issuer = program
    .command('issuer')
    .description(
      'the trust register: issuers of trade documents, the types each may issue, their public keys and revocations',
    );
  registerAdd(issuer, context);
  registerKeyAdd(issuer, context);
  registerRevoke(issuer, context);
  registerList(issuer, context);
  registerExport(issuer, context);
};

function registerAdd(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('add')
      .description('register an issuer and the document types it may issue (keys are added after)')
      .requiredOption('--id <id>', 'the issuer id, e.g. maersk (a participant’s id when it is one)')
      .requiredOption('--name <text>', 'its name')
      .addOption(
        new Option('--role <role>', 'what it is').choices(ISSUER_ROLES).makeOptionMandatory(),
      )
      .requiredOption('--country <code>', 'ISO 3166-1 alpha-2, e.g. IN')
      .option(
        '--document-types <types>',
        `comma-separated, of ${DOCUMENT_TYPES.join(', ')}; none for an issuer that only holds bills of lading`,
      )
      .option('--participant <id>', 'the participant it is (banks, exporters, importers, customs)')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        id: string;
        name: string;
        role: IssuerRole;
        country: string;
        documentTypes?: string;
        participant?: string;
        json?: boolean;
        db?: string;
      }) => {
        const documentTypes = documentTypesOption(options.documentTypes);
        await runHubCommand(context, options.db, async (hub) => {
          const entry = await hubOperation(
            () =>
              hub.register.addIssuer(
                {
                  id: options.id,
                  name: options.name,
                  role: options.role,
                  country: options.country,
                  documentTypes,
                  ...(options.participant === undefined
                    ? {}
                    : { participant: options.participant }),
                },
                CLI_ACTOR,
              ),
            {
              id: '--id',
              name: '--name',
              role: '--role',
              country: '--country',
              documentTypes: '--document-types',
              participant: '--participant',
            },
          );
          printIssuer(context, entry, options.json === true);
        });
      },
    ),
  );
}

function registerKeyAdd(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('key-add')
      .description(
        'register an issuer’s public key, as `vostro signing-key generate` printed it, with its validity period',
      )
      .requiredOption('--issuer <id>', 'the issuer')
      .requiredOption(
        '--public-key <file>',
        'the public key file (`signing-key generate --public-out`), or a file holding the publicKey JSON alone',
      )
      .requiredOption('--valid-from <instant>', 'ISO 8601 date or date-time with a zone')
      .requiredOption('--valid-to <instant>', 'ISO 8601 date or date-time with a zone')
      .option('--supersedes <key-id>', 'a key of this issuer that this one replaces')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        issuer: string;
        publicKey: string;
        validFrom: string;
        validTo: string;
        supersedes?: string;
        json?: boolean;
        db?: string;
      }) => {
        const publicKey = publicKeyFile(options.publicKey, options.issuer);
        await runHubCommand(context, options.db, async (hub) => {
          const entry = await hubOperation(
            () =>
              hub.register.addKey(
                options.issuer,
                {
                  publicKey,
                  validFrom: options.validFrom,
                  validTo: options.validTo,
                  ...(options.supersedes === undefined ? {} : { supersedes: options.supersedes }),
                },
                CLI_ACTOR,
              ),
            {
              id: '--issuer',
              issuer: '--issuer',
              publicKey: '--public-key',
              validFrom: '--valid-from',
              validTo: '--valid-to',
              supersedes: '--supersedes',
            },
          );
          printIssuer(context, entry, options.json === true);
        });
      },
    ),
  );
}

function registerRevoke(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('revoke')
      .description(
        'revoke an issuer’s key now: documents the hub received before stay valid, those received after fail verification',
      )
      .requiredOption('--issuer <id>', 'the issuer')
      .requiredOption('--key <key-id>', 'the key, key:…')
      .requiredOption('--reason <text>', 'why (kept with the key)')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: {
        issuer: string;
        key: string;
        reason: string;
        json?: boolean;
        db?: string;
      }) => {
        await runHubCommand(context, options.db, async (hub) => {
          const entry = await hubOperation(
            () => hub.register.revokeKey(options.issuer, options.key, options.reason, CLI_ACTOR),
            { id: '--issuer', issuer: '--issuer', keyId: '--key', reason: '--reason' },
          );
          printIssuer(context, entry, options.json === true);
        });
      },
    ),
  );
}

function registerList(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('list')
      .description('issuers in id order, with their keys')
      .addOption(new Option('--role <role>', 'only issuers of this role').choices(ISSUER_ROLES))
      .option('--limit <n>', 'at most this many, 1 to 1000', '1000')
      .option('--json', 'print as JSON'),
  ).action(
    commandAction(
      context,
      async (options: { role?: IssuerRole; limit: string; json?: boolean; db?: string }) => {
        const limit = parseIntegerOption('--limit', options.limit, { minimum: 1, maximum: 1000 });
        await runHubCommand(context, options.db, async (hub) => {
          const found = await hub.register.list({
            ...(options.role === undefined ? {} : { role: options.role }),
            limit,
          });
          if (options.json === true) {
            printJson(context.io, { data: found.map(issuerJson) });
            return;
          }
          context.io.out(
            renderTable(
              ['issuer', 'role', 'country', 'document types', 'keys (valid / revoked)'],
              found.map((entry) => [
                entry.id,
                entry.role,
                entry.country,
                entry.documentTypes.join(', ') || '—',
                `${entry.keys.filter((key) => key.revokedAt === undefined).length} / ${entry.keys.filter((key) => key.revokedAt !== undefined).length}`,
              ]),
            ),
          );
        });
      },
    ),
  );
}

function registerExport(parent: Command, context: CliContext): void {
  addDbOption(
    parent
      .command('export')
      .description(
        'write the whole register to a file, for `vostro document verify --register` with no server (the same as GET /v1/register)',
      )
      .option('--out <file>', 'the file to create; standard output if none'),
  ).action(
    commandAction(context, async (options: { out?: string; db?: string }) => {
      await runHubCommand(context, options.db, async (hub) => {
        const snapshot = registerSnapshotJson(await hub.register.snapshot());
        if (options.out === undefined) {
          printJson(context.io, snapshot);
          return;
        }
        writeNewFile('--out', options.out, jsonText(snapshot));
        context.io.out(
          `wrote the register (${snapshot.issuers.length} issuer(s), exported ${snapshot.exportedAt}) to ${options.out}\n`,
        );
      });
    }),
  );
}

function documentTypesOption(text: string | undefined): DocumentType[] {
  if (text === undefined || text.trim() === '') return [];
  const types = text.split(',').map((type) => type.trim());
  for (const type of types)
    if (!(DOCUMENT_TYPES as readonly string[]).includes(type))
      throw new UsageError(
        `--document-types: "${type.slice(0, 40)}" is not a document type; the types are ${DOCUMENT_TYPES.join(', ')}`,
      );
  return types as DocumentType[];
}

/**
 * The public key in a file: what `signing-key generate --public-out` wrote (`issuer`, `keyId`,
 * `publicKey`; its issuer must be `--issuer`), or the public key JSON alone. Its sizes and
 * encoding are checked by the register.
 */
function publicKeyFile(path: string, issuer: string): unknown {
  const value = readJsonFile('--public-key', path);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RefusedError(`--public-key: ${path}: a public key file holds a JSON object`);
  const record = value as Record<string, unknown>;
  if (!('publicKey' in record)) return value;
  if (record['issuer'] !== undefined && record['issuer'] !== issuer)
    throw new RefusedError(
      `--public-key: ${path} is the key of issuer ${JSON.stringify(record['issuer'])}, not ${issuer}; nothing was registered`,
    );
  return record['publicKey'];
}

function printIssuer(context: CliContext, entry: IssuerEntry, json: boolean): void {
  const view = issuerJson(entry);
  if (json) {
    printJson(context.io, view);
    return;
  }
  context.io.out(
    `${view.id}: ${view.name} (${view.role}, ${view.country})${view.participant === undefined ? '' : `, participant ${view.participant}`}; may issue ${view.documentTypes.join(', ') || 'no documents (holds titles only)'}\n`,
  );
  if (view.keys.length > 0)
    context.io.out(
      renderTable(
        ['key', 'valid from', 'valid to', 'revoked'],
        view.keys.map((key) => [
          key.keyId,
          key.validFrom,
          key.validTo,
          key.revokedAt === undefined
            ? key.supersededBy === undefined
              ? ''
              : `superseded by ${key.supersededBy}`
            : `${key.revokedAt}: ${key.revocationReason ?? ''}`,
        ]),
      ),
    );
}
