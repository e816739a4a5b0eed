#!/usr/bin/env node
// `npm test`: every check a change must pass, in order, each named as it runs, with a summary at
// the end. Each step is also an npm script of its own (see docs/architecture.md, "Guard rails").
// Every step runs even when an earlier one fails, so one run shows every problem; the exit code is
// non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const steps = [
  ['typecheck', 'type check (tsc, whole project, about 20 s)'],
  ['lint', 'lint (ESLint with typescript-eslint type-checked rules, about 30 s)'],
  ['format:check', 'format check (Prettier)'],
  ['lint:arch', 'architecture rules (dependency-cruiser)'],
  ['lint:unused', 'unused files, exports and dependencies (knip)'],
  ['lint:openapi', 'OpenAPI description (Redocly recommended rules)'],
  ['test:coverage', 'unit, integration and store tests, with coverage (c8; several minutes)'],
  ['test:docs', 'every shell block of README.md and docs/ (against fresh databases and the demo)'],
];

const results = [];
for (const [script, what] of steps) {
  console.log(`\n▶ npm run ${script}: ${what}`);
  const started = Date.now();
  const run = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  const ok = run.status === 0;
  results.push({ script, ok, seconds });
  console.log(`${ok ? '✔' : '✖'} ${script} ${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s`);
}

console.log('\nnpm test summary');
for (const { script, ok, seconds } of results) {
  console.log(`  ${ok ? '✔' : '✖'} ${script.padEnd(14)} ${seconds.toFixed(1).padStart(7)} s`);
}
const summary = 'coverage/coverage-summary.json';
if (existsSync(summary)) {
  const { total } = JSON.parse(readFileSync(summary, 'utf8'));
  const floors = JSON.parse(readFileSync('.c8rc.json', 'utf8'));
  const figures = ['lines', 'branches', 'functions', 'statements']
    .map((name) => `${name} ${total[name].pct}% (floor ${floors[name]}%)`)
    .join(', ');
  console.log(`  coverage: ${figures}; the floors are in .c8rc.json`);
}
const failed = results.filter((result) => !result.ok).map((result) => result.script);
if (failed.length > 0) {
  console.log(`\nnpm test failed: ${failed.join(', ')} (run each alone with npm run <name>)`);
  process.exit(1);
}
console.log('\nnpm test passed');
