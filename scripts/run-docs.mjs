#!/usr/bin/env node
// Runs every shell block of README.md and docs/*.md, so that the docs cannot go stale
// (`npm run test:docs`).
//
//   node scripts/run-docs.mjs [--jobs N] [--keep] [--list] [--real-npx | --cli COMMAND] [doc ...]
//
// Each document runs in a fresh temporary directory that stands for a fresh clone: it holds links
// to this checkout's package.json, package-lock.json, node_modules, dist/ and docs/examples/ (the
// sample files the docs use) and nothing else, so every database the document makes is new. Its blocks run in order in one bash session, so
// variables and functions carry from block to block; VOSTRO_* variables of the caller's
// environment are removed. Documents run two at a time (`--jobs`). `doc` arguments pick documents
// by a part of their path, or name Markdown files to run instead. `--keep` keeps the temporary
// directories, `--list` prints the commands without running them.
//
// Conventions for writers of docs:
//
// - Fenced blocks tagged sh, bash, shell or console are run. An untagged block that looks like
//   commands is refused: tag it (```sh to have it run, ```text if it is not for a shell).
// - In sh/bash/shell blocks every command must exit 0, unless its trailing comment says `exit N`
//   (`# refused: exit 1`), which is then the exit code required. Output is not checked (it is
//   shown when a command fails). Comment lines and blank lines are not commands.
// - In console blocks `$ ` starts a command (continued on the next lines after a trailing `\` or
//   an open quote; a leading `> ` on those lines is dropped), and the lines up to the next `$ ` are
//   its expected output. Each expected line must be found within a line of the actual output
//   (stdout and stderr together), in order, white space collapsed; `…` inside a line stands for
//   anything, and a line of only `…` for any number of lines. Exit codes as in sh blocks.
// - `npm ci` and `npm run build`, alone or as the first steps of an `&&` list (`npm ci && npm
//   start`), are not run, and the runner says so: it uses this checkout's node_modules, and
//   requires dist/ to be built and newer than src/. `npx vostro …` runs `node <checkout>/dist/cli/
//   main.js …`, what npx resolves it to, without npm's start-up (`--real-npx` goes through npx;
//   `--cli 'node --import tsx <checkout>/src/cli/main.ts'` runs the sources, and needs no dist/).
//   Any other `npx` is refused.
// - `npm start`, `npx vostro start` and `npx vostro serve` start a server in the background, as in
//   a terminal of its own, on a free port the runner picks (it adds or replaces `--port`, and
//   rewrites every `127.0.0.1:8080` and `localhost:8080` of the document's commands and expected
//   output to it). The runner waits until /healthz answers and goes on; in a console block the
//   server's expected output is checked then. At `<!-- docs-test: stop-server -->` (where the text
//   tells the reader to press Ctrl-C), or at the end of the document, the server's process group
//   gets SIGINT, as from Ctrl-C, and must end with exit 0 (npm itself ends by the signal, as in a
//   terminal).
// - `<!-- docs-test: skip reason="…" -->` just before a block skips it, printing the reason. Keep it
//   for blocks that cannot run here (the whole test suite, benchmarks).
//
// Exits 0 when every command passed, 1 when one failed (naming the document, the line and the
// command), 2 for a malformed document or command line.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { setTimeout as schedule } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
const LINKED = ['package.json', 'package-lock.json', 'node_modules', 'dist', 'docs/examples'];
const SETUP = new Map([
  ['npm ci', 'the runner uses this checkout’s node_modules'],
  ['npm run build', 'the runner checked that dist/ is built and newer than src/'],
]);
const COMMAND_TIMEOUT_MS = 120_000;
const SERVER_READY_TIMEOUT_MS = 120_000;
const SERVER_STOP_TIMEOUT_MS = 30_000;
const DONE = '__DOCS_TEST_DONE__';

class DocError extends Error {}

/** A document's path as messages show it: from the checkout's root when it is inside it. */
const displayName = (file) => (file.startsWith(ROOT) ? relative(ROOT, file) : file);

// ---------------------------------------------------------------------------------------------
// Command line

const args = process.argv.slice(2);
const options = { keep: false, realNpx: false, cli: null, list: false, jobs: 2, filters: [] };
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--keep') options.keep = true;
  else if (arg === '--jobs') {
    options.jobs = Number(args[++i]);
    if (!Number.isInteger(options.jobs) || options.jobs < 1) {
      console.error('run-docs: --jobs takes a positive integer');
      process.exit(2);
    }
  } else if (arg === '--real-npx') options.realNpx = true;
  else if (arg === '--cli') {
    options.cli = args[++i];
    if (!options.cli) {
      console.error('run-docs: --cli takes a command');
      process.exit(2);
    }
  } else if (arg === '--list') options.list = true;
  else if (arg === '--help' || arg === '-h') {
    console.log(
      'usage: node scripts/run-docs.mjs [--jobs N] [--keep] [--real-npx | --cli COMMAND] [--list] [document ...]',
    );
    process.exit(0);
  } else if (arg.startsWith('-')) {
    console.error(`run-docs: unknown option ${arg}`);
    process.exit(2);
  } else options.filters.push(arg);
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Scans shell text and tells whether it is a complete command: no open quote, no open `$(`, no
 * heredoc waiting for its end, no trailing backslash. Also finds where the trailing comment of
 * the last line starts (-1: none).
 */
function scanShell(text) {
  let quote = null;
  let depth = 0;
  let comment = -1;
  const heredocs = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    if (heredocs.length > 0) {
      const end = heredocs[0];
      if ((end.strip ? line.replace(/^\t+/, '') : line) === end.word) heredocs.shift();
      offset += line.length + 1;
      continue;
    }
    let lineComment = -1;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quote === "'") {
        if (c === "'") quote = null;
      } else if (quote === '"') {
        if (c === '\\') i++;
        else if (c === '"') quote = null;
      } else if (c === '\\') i++;
      else if (c === "'" || c === '"') quote = c;
      else if (c === '#' && (i === 0 || /[\s;&|(]/.test(line[i - 1]))) {
        lineComment = i;
        break;
      } else if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if (c === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
        const match = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(line.slice(i));
        if (match) {
          heredocs.push({ word: match[3], strip: match[1] === '-' });
          i += match[0].length - 1;
        }
      }
    }
    comment = lineComment === -1 ? -1 : offset + lineComment;
    offset += line.length + 1;
  }
  const last = lines[lines.length - 1];
  const continued = quote === null && comment === -1 && /(^|[^\\])\\$/.test(last);
  return {
    complete: quote === null && depth === 0 && heredocs.length === 0 && !continued,
    comment,
  };
}

/** A command's trailing comment, or ''. */
function trailingComment(command) {
  const { comment } = scanShell(command);
  return comment === -1 ? '' : command.slice(comment);
}

function expectedExit(command) {
  const match = /\bexit (\d+)\b/.exec(trailingComment(command));
  return match ? Number(match[1]) : 0;
}

/** The command without its trailing comment. */
function withoutComment(command) {
  const { comment } = scanShell(command);
  return (comment === -1 ? command : command.slice(0, comment)).trimEnd();
}

function parseDirective(text, where) {
  const match = /^docs-test:\s*([a-z-]+)(?:\s+(.*))?$/.exec(text.trim());
  if (!match) throw new DocError(`${where}: malformed marker <!-- ${text.trim()} -->`);
  const [, name, rest = ''] = match;
  if (name === 'stop-server') {
    if (rest.trim() !== '') throw new DocError(`${where}: stop-server takes no arguments`);
    return { name };
  }
  if (name === 'skip') {
    const reason = /^reason="([^"]+)"$/.exec(rest.trim());
    if (!reason) throw new DocError(`${where}: skip needs reason="why it cannot run"`);
    return { name, reason: reason[1] };
  }
  throw new DocError(`${where}: unknown marker docs-test: ${name} (known: skip, stop-server)`);
}

const LOOKS_LIKE_SHELL = /^\s*(\$ |npx |npm |curl |vostro |node |export )/;

/** The items of a document in order: shell blocks and stop-server markers. */
function parseDocument(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const name = displayName(file);
  const items = [];
  let pendingSkip = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const marker = /^\s*<!--\s*(docs-test:.*?)\s*-->\s*$/.exec(line);
    if (marker) {
      const directive = parseDirective(marker[1], `${name}:${i + 1}`);
      if (directive.name === 'skip') pendingSkip = { ...directive, line: i + 1 };
      else items.push({ kind: 'stop-server', line: i + 1 });
      continue;
    }
    if (/docs-test/.test(line) && /<!--/.test(line))
      throw new DocError(`${name}:${i + 1}: a docs-test marker must be alone on its line`);
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (!fence) {
      if (pendingSkip && line.trim() !== '')
        throw new DocError(
          `${name}:${pendingSkip.line}: a skip marker must be followed by a block`,
        );
      continue;
    }
    const [, indent, marks, lang] = fence;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^\\s*${marks[0] === '`' ? '`' : '~'}{${marks.length},}\\s*$`);
      if (close.test(lines[j])) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    if (j === lines.length) throw new DocError(`${name}:${i + 1}: the block is never closed`);
    const language = lang.toLowerCase();
    if (SHELL_LANGS.has(language)) {
      items.push({
        kind: 'block',
        lang: language,
        line: i + 1,
        skip: pendingSkip,
        commands:
          language === 'console'
            ? consoleCommands(body, i + 2, name)
            : shCommands(body, i + 2, name),
      });
    } else if (pendingSkip) {
      throw new DocError(`${name}:${pendingSkip.line}: skip marker before a block that is not run`);
    } else if (language === '' && body.some((text) => LOOKS_LIKE_SHELL.test(text))) {
      throw new DocError(
        `${name}:${i + 1}: an untagged block that looks like shell commands: tag it \`\`\`sh (it is then run) or \`\`\`text`,
      );
    }
    pendingSkip = null;
    i = j;
  }
  if (pendingSkip)
    throw new DocError(`${name}:${pendingSkip.line}: a skip marker must be followed by a block`);
  return items;
}

function checkSyntax(command, where) {
  const result = spawnSync('bash', ['-n', '-c', command], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new DocError(`${where}: not valid shell: ${result.stderr.trim().split('\n')[0]}`);
}

/** Commands of an sh block: comment and blank lines skipped, continued lines joined. */
function shCommands(body, firstLine, name) {
  const commands = [];
  let current = null;
  body.forEach((text, index) => {
    if (current === null) {
      if (text.trim() === '' || text.trim().startsWith('#')) return;
      current = { line: firstLine + index, text };
    } else current.text += `\n${text}`;
    if (scanShell(current.text).complete) {
      checkSyntax(current.text, `${name}:${current.line}`);
      commands.push({ ...current, expected: null });
      current = null;
    }
  });
  if (current !== null) throw new DocError(`${name}:${current.line}: the command never ends`);
  return commands;
}

/** Commands of a console block, each with the output lines that follow it. */
function consoleCommands(body, firstLine, name) {
  const commands = [];
  let current = null;
  let open = false;
  body.forEach((text, index) => {
    if (open) {
      current.text += `\n${text.replace(/^> ?/, '')}`;
    } else if (text.startsWith('$ ')) {
      current = { line: firstLine + index, text: text.slice(2), expected: [] };
      commands.push(current);
    } else if (current === null) {
      if (text.trim() !== '')
        throw new DocError(
          `${name}:${firstLine + index}: a console block starts with a \`$ \` command`,
        );
      return;
    } else {
      current.expected.push(text);
      return;
    }
    open = !scanShell(current.text).complete;
    if (!open) checkSyntax(current.text, `${name}:${current.line}`);
  });
  if (open) throw new DocError(`${name}:${current.line}: the command never ends`);
  return commands;
}

// ---------------------------------------------------------------------------------------------
// Checks on what ran

const normalize = (text) => text.replace(/\s+/g, ' ').trim();

/** Where the expected lines are not found in order in the output, or null when they all are. */
function mismatch(expected, output) {
  const actual = output.split('\n').map(normalize);
  let from = 0;
  for (const raw of expected) {
    const wanted = normalize(raw);
    if (wanted === '' || wanted === '…') continue;
    const pieces = wanted.split('…').map((piece) => piece.trim());
    const found = actual.findIndex((line, index) => {
      if (index < from) return false;
      let at = 0;
      for (const piece of pieces) {
        const next = line.indexOf(piece, at);
        if (next === -1) return false;
        at = next + piece.length;
      }
      return true;
    });
    if (found === -1) return raw;
    from = found + 1;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Running

function newestMtime(dir, keep) {
  let newest = { time: 0, path: '' };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory()
      ? newestMtime(path, keep)
      : keep(entry.name)
        ? { time: statSync(path).mtimeMs, path }
        : newest;
    if (found.time > newest.time) newest = found;
  }
  return newest;
}

function preflight() {
  const problems = [];
  if (options.cli !== null) {
    // `npx vostro` runs the given command; dist/ is not used.
  } else if (!existsSync(CLI))
    problems.push('dist/cli/main.js is missing: run `npm run build` first');
  else {
    const source = newestMtime(
      join(ROOT, 'src'),
      (file) => file.endsWith('.ts') && !file.includes('.test'),
    );
    if (source.time > statSync(CLI).mtimeMs)
      problems.push(
        `dist/ is older than ${relative(ROOT, source.path)}: run \`npm run build\` first`,
      );
  }
  for (const tool of ['bash', 'curl'])
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0)
      problems.push(`${tool} is not installed (the docs use it)`);
  return problems;
}

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function healthy(port) {
  return new Promise((resolve) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/healthz', timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

const quoteSh = (text) => `'${text.replaceAll("'", "'\\''")}'`;

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Process groups started here (shell sessions, servers): ended when the runner is interrupted. */
const LIVE = new Set();
/** Temporary directories of documents still running: removed when the runner is interrupted. */
const DIRS = new Set();

function killGroup(pgid) {
  LIVE.delete(pgid);
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    for (const pgid of [...LIVE]) killGroup(pgid);
    if (!options.keep) for (const dir of DIRS) rmSync(dir, { recursive: true, force: true });
    console.error(`run-docs: interrupted (${signal}); its shells and servers are stopped`);
    process.exit(130);
  });

/** One bash session for one document. */
class Session {
  constructor(work, ctl, env) {
    this.ctl = ctl;
    this.count = 0;
    this.buffer = '';
    this.waiter = null;
    this.bash = spawn('bash', ['--noprofile', '--norc'], {
      cwd: work,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    LIVE.add(this.bash.pid);
    this.stderr = '';
    this.bash.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.bash.stdout.on('data', (chunk) => {
      this.buffer += chunk;
      const match = new RegExp(`${DONE} (\\d+)\\n`).exec(this.buffer);
      if (match && this.waiter) {
        this.buffer = this.buffer.slice(match.index + match[0].length);
        const waiter = this.waiter;
        this.waiter = null;
        waiter(Number(match[1]));
      }
    });
    this.bash.on('exit', () => {
      if (this.waiter) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter(null);
      }
    });
    this.bash.stdin.on('error', () => {});
  }

  /** Runs shell text in the session; resolves with its exit code (null: the session died) and output. */
  async run(text, timeoutMs = COMMAND_TIMEOUT_MS) {
    const n = ++this.count;
    const script = join(this.ctl, `cmd-${n}.sh`);
    const out = join(this.ctl, `out-${n}.txt`);
    writeFileSync(script, `${text}\n`);
    const code = await new Promise((resolve) => {
      this.waiter = resolve;
      const timer = schedule(() => {
        if (this.waiter === resolve) {
          this.waiter = null;
          resolve('timeout');
        }
      }, timeoutMs);
      timer.unref();
      this.bash.stdin.write(
        `. ${quoteSh(script)} > ${quoteSh(out)} 2>&1 < /dev/null; printf '${DONE} %d\\n' "$?"\n`,
      );
    });
    const output = existsSync(out) ? readFileSync(out, 'utf8') : '';
    return { code, output };
  }

  /** Ends the session and anything still running in its process group. */
  kill() {
    killGroup(this.bash.pid);
  }
}

const SERVER = /^(npm start|npm run start|npx vostro (?:start|serve))(?=\s|$)/;

/** `npm ci && npm start` → setup steps not run, and the rest. */
function peelSetup(command) {
  const steps = [];
  let rest = command.trim();
  for (;;) {
    const bare = withoutComment(rest);
    if (SETUP.has(bare)) return { steps: [...steps, bare], rest: '' };
    const match = /^(npm ci|npm run build)\s*&&\s*/.exec(rest);
    if (!match) return { steps, rest };
    steps.push(match[1]);
    rest = rest.slice(match[0].length);
  }
}

/** The server command with the runner's port: `--port N` replaced or added before any comment. */
function serverCommand(command, port) {
  const bare = withoutComment(command);
  if (/--port[ =]\d+/.test(bare)) return bare.replace(/--port[ =]\d+/, `--port ${port}`);
  if (/^npm (run )?start/.test(bare))
    return bare.includes(' -- ') ? `${bare} --port ${port}` : `${bare} -- --port ${port}`;
  return `${bare} --port ${port}`;
}

const rewritePort = (text, port) =>
  text.replace(/\b(127\.0\.0\.1|localhost):8080\b/g, `$1:${port}`);

const short = (command) => {
  const first = command.split('\n')[0];
  const more = command.includes('\n') ? ' …' : '';
  return first.length > 110 ? `${first.slice(0, 107)}…` : `${first}${more}`;
};

const indent = (text, by = '        ') =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => by + line)
    .join('\n');

const tail = (text, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Whether a command starts a server that runs until Ctrl-C (not `serve --help`). */
const startsServer = (text) =>
  SERVER.test(text) && !/\s(--help|-h)(\s|$)/.test(withoutComment(text));

async function runDocument(file, items, results) {
  const name = displayName(file);
  if (items.length === 0) {
    console.log(`${name}: no shell blocks`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), `vostro-docs-${basename(file, '.md').toLowerCase()}-`));
  DIRS.add(tmp);
  const work = join(tmp, 'work');
  const ctl = join(tmp, 'ctl');
  mkdirSync(work);
  mkdirSync(ctl);
  for (const entry of LINKED) {
    mkdirSync(dirname(join(work, entry)), { recursive: true });
    symlinkSync(join(ROOT, entry), join(work, entry));
  }
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VOSTRO_')),
  );
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  const port = await freePort();
  const session = new Session(work, ctl, env);
  const vostro =
    options.cli !== null
      ? `${options.cli} "$@"`
      : options.realNpx
        ? 'command npx vostro "$@"'
        : `node ${quoteSh(CLI)} "$@"`;
  await session.run(
    `npx() { if [ "$1" = vostro ]; then shift; ${vostro}; else echo "docs-test: only npx vostro is run here" >&2; return 127; fi; }`,
  );
  console.log(`${name}: in ${work}, servers on port ${port}`);
  const ok = (seconds, line, what) =>
    console.log(`  ok   ${seconds.toFixed(1).padStart(5)}s  ${name}:${line}  ${what}`);
  let server = null;
  let servers = 0;
  let failed = false;
  const fail = (line, command, reason, detail = '') => {
    failed = true;
    results.failures.push({ where: `${name}:${line}`, command, reason });
    console.log(`  FAIL        ${name}:${line}  ${short(command)}\n${indent(reason)}`);
    if (detail) console.log(indent(detail));
  };

  /** Ctrl-C for the server: SIGINT to its process group, as a terminal sends it. */
  const stopServer = async () => {
    const current = server;
    server = null;
    const started = Date.now();
    if (groupAlive(current.pgid)) process.kill(-current.pgid, 'SIGINT');
    while (groupAlive(current.pgid) && Date.now() - started < SERVER_STOP_TIMEOUT_MS)
      await delay(100);
    const log = existsSync(current.log) ? readFileSync(current.log, 'utf8') : '';
    const rc = existsSync(current.rc) ? Number(readFileSync(current.rc, 'utf8')) : null;
    const seconds = (Date.now() - started) / 1000;
    const what = `Ctrl-C stops \`${short(current.command)}\``;
    if (!groupAlive(current.pgid)) LIVE.delete(current.pgid);
    if (groupAlive(current.pgid)) {
      killGroup(current.pgid);
      fail(
        current.line,
        current.command,
        `still running ${SERVER_STOP_TIMEOUT_MS / 1000} s after Ctrl-C (SIGINT)`,
        tail(log),
      );
    } else if (rc === null && /^npm /.test(current.command)) {
      // npm ends itself by the signal after its script has stopped, as it does in a terminal.
      results.commands++;
      ok(seconds, current.line, `${what} (npm ends by the signal, as in a terminal)`);
    } else if (rc !== 0) {
      fail(
        current.line,
        current.command,
        `after Ctrl-C (SIGINT) it ended ${rc === null ? 'by the signal' : `with exit ${rc}`}, not with exit 0`,
        tail(log),
      );
    } else {
      results.commands++;
      ok(seconds, current.line, `${what}: exit 0`);
    }
  };

  /** Starts a server in the background, as in a terminal of its own, and waits for /healthz. */
  const startServer = async (command, text, expected) => {
    const started = Date.now();
    const shell = serverCommand(text.trim(), port);
    if (server !== null) {
      fail(
        command.line,
        shell,
        `a server is already running (${server.command}); the doc must stop it first (Ctrl-C, <!-- docs-test: stop-server -->)`,
      );
      return;
    }
    const n = ++servers;
    const log = join(ctl, `server-${n}.log`);
    const rc = join(ctl, `server-${n}.rc`);
    const pid = join(ctl, `server-${n}.pid`);
    // `set -m` gives the job a process group of its own, so that SIGINT reaches all of it, as
    // Ctrl-C does; `trap - INT` undoes the ignoring of SIGINT that background jobs get otherwise.
    await session.run(
      `set -m; { trap - INT; ${shell}\nprintf '%d' "$?" > ${quoteSh(rc)}; } > ${quoteSh(log)} 2>&1 < /dev/null & printf '%d' "$!" > ${quoteSh(pid)}; set +m`,
    );
    server = {
      pgid: Number(readFileSync(pid, 'utf8')),
      log,
      rc,
      command: shell,
      line: command.line,
    };
    LIVE.add(server.pgid);
    let ready = false;
    while (!ready && !existsSync(rc) && Date.now() - started < SERVER_READY_TIMEOUT_MS) {
      ready = await healthy(port);
      if (!ready) await delay(200);
    }
    const output = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (!ready) {
      const exited = existsSync(rc);
      fail(
        command.line,
        shell,
        exited
          ? `it exited (${readFileSync(rc, 'utf8')}) before answering /healthz`
          : `no answer on /healthz within ${SERVER_READY_TIMEOUT_MS / 1000} s`,
        tail(output),
      );
      if (exited) server = null;
      return;
    }
    const missing = expected && mismatch(expected, output);
    if (missing) {
      fail(command.line, shell, `its output lacks: ${missing.trim()}`, tail(output));
      return;
    }
    results.commands++;
    ok(
      (Date.now() - started) / 1000,
      command.line,
      `${short(shell)}  (in the background, as in a terminal of its own; answers /healthz)`,
    );
  };

  const runCommand = async (command, text, expected) => {
    const started = Date.now();
    const want = expectedExit(text);
    const { code, output } = await session.run(text);
    if (code === 'timeout')
      return fail(
        command.line,
        text,
        `no answer within ${COMMAND_TIMEOUT_MS / 1000} s`,
        tail(output),
      );
    if (code === null)
      return fail(command.line, text, 'the shell session ended', tail(session.stderr));
    if (code !== want)
      return fail(command.line, text, `exit ${code}, expected ${want}`, tail(output));
    const missing = expected && mismatch(expected, output);
    if (missing)
      return fail(command.line, text, `the output lacks: ${missing.trim()}`, tail(output));
    results.commands++;
    ok(
      (Date.now() - started) / 1000,
      command.line,
      `${short(text)}${want === 0 ? '' : `  (exit ${want}, as the doc says)`}`,
    );
  };

  try {
    for (const item of items) {
      if (failed) break;
      if (item.kind === 'stop-server') {
        if (server === null)
          fail(item.line, '<!-- docs-test: stop-server -->', 'no server is running');
        else await stopServer();
        continue;
      }
      const label = `${name}:${item.line} \`\`\`${item.lang}`;
      if (item.skip) {
        results.skipped.push(`${label}: ${item.skip.reason}`);
        console.log(`  skip        ${label}: ${item.skip.reason}`);
        continue;
      }
      results.blocks++;
      console.log(`  block       ${label}`);
      for (const command of item.commands) {
        if (failed) break;
        const { steps, rest } = peelSetup(command.text);
        for (const step of steps)
          console.log(`  not run     ${name}:${command.line}  ${step}: ${SETUP.get(step)}`);
        if (rest === '') continue;
        const text = rewritePort(rest, port);
        const expected = command.expected?.map((line) => rewritePort(line, port)) ?? null;
        if (startsServer(text.trim())) await startServer(command, text, expected);
        else await runCommand(command, text, expected);
      }
    }
    if (server !== null && !failed) await stopServer();
  } finally {
    if (server !== null) killGroup(server.pgid);
    session.kill();
    DIRS.delete(tmp);
    if (options.keep || failed) console.log(`  kept        ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  // Arguments naming Markdown files run those files; other arguments pick among README.md and
  // docs/*.md by a part of their path.
  const named = options.filters.filter((arg) => arg.endsWith('.md') && existsSync(arg));
  const parts = options.filters.filter((arg) => !named.includes(arg));
  const files = [
    ...named.map((file) => resolve(file)),
    ...(named.length > 0 && parts.length === 0
      ? []
      : [
          join(ROOT, 'README.md'),
          ...readdirSync(join(ROOT, 'docs'))
            .filter((file) => file.endsWith('.md'))
            .sort()
            .map((file) => join(ROOT, 'docs', file)),
        ].filter(
          (file) => parts.length === 0 || parts.some((part) => relative(ROOT, file).includes(part)),
        )),
  ];
  if (files.length === 0) {
    console.error('run-docs: no document matched');
    process.exit(2);
  }
  const documents = [];
  try {
    for (const file of files) documents.push({ file, items: parseDocument(file) });
  } catch (error) {
    if (error instanceof DocError) {
      console.error(`run-docs: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (options.list) {
    for (const { file, items } of documents)
      for (const item of items)
        if (item.kind === 'stop-server')
          console.log(`${displayName(file)}:${item.line}  stop-server`);
        else
          for (const command of item.commands)
            console.log(
              `${displayName(file)}:${command.line}  ${item.skip ? '[skip] ' : ''}${short(command.text)}`,
            );
    return;
  }
  const problems = preflight();
  if (problems.length > 0) {
    for (const problem of problems) console.error(`run-docs: ${problem}`);
    process.exit(1);
  }
  console.log(
    options.cli !== null
      ? `npx vostro … runs ${options.cli} …`
      : options.realNpx
        ? 'npx vostro goes through npx'
        : `npx vostro … runs node ${relative(process.cwd(), CLI) || CLI} … (what npx resolves it to, without npm's start-up; --real-npx to go through npx)`,
  );
  const results = { blocks: 0, commands: 0, skipped: [], failures: [] };
  // The longest documents first, so that two jobs end at about the same time.
  const size = ({ items }) => items.reduce((n, item) => n + (item.commands?.length ?? 0), 0);
  const queue = [...documents].sort((a, b) => size(b) - size(a));
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift())
      await runDocument(next.file, next.items, results);
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, queue.length) }, worker));
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(
    `\n${documents.length} documents, ${results.blocks} blocks run, ${results.commands} commands passed, ${results.skipped.length} blocks skipped, ${results.failures.length} failed (${seconds} s)`,
  );
  for (const skipped of results.skipped) console.log(`  skipped ${skipped}`);
  for (const failure of results.failures)
    console.log(`  FAILED ${failure.where}: ${short(failure.command)}\n    ${failure.reason}`);
  process.exit(results.failures.length === 0 ? 0 : 1);
}

await main();
