#!/usr/bin/env node
// Lints the OpenAPI description the server publishes with Redocly's recommended rules
// (redocly.yaml) and fails on any error or warning, printing each one. The description is the one
// `GET /v1/openapi.json` serves, generated from the routes' schemas, so the server is built here
// in-process on a temporary SQLite database and asked for it; nothing listens on a port.
// Run with tsx: `npm run lint:openapi`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildServer } from '../src/api/server.ts';
import { Ledger } from '../src/ledger/ledger.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';

const root = new URL('..', import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), 'vostro-openapi-'));
try {
  const description = await servedDescription(directory);
  const file = join(directory, 'openapi.json');
  writeFileSync(file, description);
  process.exitCode = lint(file);
} finally {
  rmSync(directory, { recursive: true, force: true });
}

/** The body of GET /v1/openapi.json from a server on an empty database. */
async function servedDescription(directory) {
  const store = new SqliteStore({ path: join(directory, 'lint.db'), backgroundCheckpoints: false });
  try {
    const app = await buildServer({ ledger: new Ledger(store), store });
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
      if (response.statusCode !== 200)
        throw new Error(`GET /v1/openapi.json answered ${response.statusCode}: ${response.body}`);
      return response.body;
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}

/** Runs `redocly lint` on the file; the exit code: 0 only when there is no problem at all. */
function lint(file) {
  const require = createRequire(import.meta.url);
  const cliPackage = require.resolve('@redocly/cli/package.json');
  const cli = join(dirname(cliPackage), JSON.parse(readFileSync(cliPackage, 'utf8')).bin.redocly);
  const result = spawnSync(
    process.execPath,
    [cli, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    console.error(`redocly lint did not report (exit ${result.status}):\n${result.stderr}`);
    return 1;
  }
  const { problems, totals } = report;
  for (const problem of problems) {
    const where = problem.location?.[0]?.pointer ?? '';
    console.error(`${problem.severity} ${problem.ruleId} at ${where}: ${problem.message}`);
  }
  if (problems.length > 0 || totals.errors > 0 || totals.warnings > 0) {
    console.error(
      `OpenAPI description: ${totals.errors} errors, ${totals.warnings} warnings (none are allowed; rules in redocly.yaml)`,
    );
    return 1;
  }
  console.log('OpenAPI description: no errors or warnings');
  return 0;
}
