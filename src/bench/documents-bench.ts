// Benchmark of trade-document signatures and verification (not a timed test):
//   npm run bench:documents -- [--seconds 3] [--scenario all|signatures|pool|chain] [--json]
// Each measurement runs for about --seconds after a short warm-up and reports operations per
// second and the mean time per operation:
// - signatures: ML-DSA-65 sign (hedged, with the context) and verify, Ed25519 verify, and the hybrid
//   verification of one document (both signatures, as the hub does it) on this thread;
// - pool: the same hybrid verification through the VerifierPool (worker threads, one per available
//   core, the hub's configuration) with enough requests in flight to keep every thread busy, and
//   through a pool of one thread (what handing work to a thread costs);
// - chain: the offline verifier on a bill of lading with a 100-entry title chain.
// The presentation-with-payment latency (a 6-document presentation verified and its payment
// posted, p50/p99) is measured in its own section below, by the trade service's owner.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import { documentHash } from '../documents/canonical.js';
import {
  generateKeyPair,
  ML_DSA_CONTEXT,
  mlDsa65Scheme,
  signDigest,
  verifyDigest,
} from '../documents/signature.js';
import { VerifierPool } from '../documents/verify-pool.js';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';

const SCENARIOS = ['all', 'signatures', 'pool', 'chain'] as const;

const USAGE = `
usage: npm run bench:documents -- [options]

  --seconds <n>        time spent on each measurement, 1 to 60 (default 3)
  --scenario <name>    signatures, pool, chain or all (default all)
  --json               print the results as JSON
  -h, --help           this text
`;
const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    seconds: { type: 'string', default: '3' },
    scenario: { type: 'string', default: 'all' },
    json: { type: 'boolean', default: false },
  });
  return {
    seconds: integerOption('seconds', values.seconds, 1, 60),
    scenario: choiceOption('scenario', values.scenario, SCENARIOS),
    json: values.json,
  };
});

/** One line of the results table. */
interface Measurement {
  readonly name: string;
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly msPerOperation: number;
  readonly note?: string;
}

const results: Measurement[] = [];
const budgetMs = options.seconds * 1000;
const runs = (scenario: (typeof SCENARIOS)[number]) =>
  options.scenario === 'all' || options.scenario === scenario;

function record(name: string, operations: number, elapsedMs: number, note?: string): void {
  const measurement: Measurement = {
    name,
    operations,
    seconds: round(elapsedMs / 1000, 2),
    perSecond: round((operations * 1000) / elapsedMs, 0),
    msPerOperation: round(elapsedMs / operations, 3),
    ...(note === undefined ? {} : { note }),
  };
  results.push(measurement);
  if (!options.json)
    console.log(
      `  ${name.padEnd(58)} ${measurement.perSecond.toLocaleString('en').padStart(8)} /s ${measurement.msPerOperation.toFixed(3).padStart(9)} ms${note === undefined ? '' : `  (${note})`}`,
    );
}

/** Runs `operation` repeatedly on this thread for the time budget (after ~10% of it warming up). */
function timeLoop(name: string, operation: () => void, note?: string): void {
  const warmUpEnd = performance.now() + Math.min(500, budgetMs / 10);
  while (performance.now() < warmUpEnd) operation();
  const start = performance.now();
  let operations = 0;
  let now = start;
  while (now - start < budgetMs) {
    operation();
    operations++;
    now = performance.now();
  }
  record(name, operations, now - start, note);
}

/** Keeps `inFlight` calls of `operation` going for the time budget and counts completions. */
async function timeConcurrent(
  name: string,
  inFlight: number,
  operation: () => Promise<unknown>,
  note?: string,
): Promise<void> {
  const loop = async (until: number, counter: { n: number }) => {
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < until) {
          await operation();
          counter.n++;
        }
      }),
    );
  };
  await loop(performance.now() + Math.min(1000, budgetMs / 5), { n: 0 });
  const counter = { n: 0 };
  const start = performance.now();
  await loop(start + budgetMs, counter);
  record(name, counter.n, performance.now() - start, note);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const environment = `node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown'})`;
if (!options.json)
  console.log(
    `${environment}; load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}\n${options.seconds} s per measurement:`,
  );

// Fixtures, made before anything is timed.
const key = generateKeyPair(new Uint8Array(64).fill(42));
const digest = documentHash({
  type: 'commercial_invoice',
  version: 1,
  number: 'INV-2026-0001',
  total: '1250000.00',
});
const signature = signDigest(digest, key);
const digestBytes = new Uint8Array(Buffer.from(digest.slice('sha256:'.length), 'hex'));
const context = new TextEncoder().encode(ML_DSA_CONTEXT);
const mlDsaSignature = new Uint8Array(Buffer.from(signature.mlDsa65, 'base64'));
const mlDsaPublicKey = new Uint8Array(Buffer.from(key.publicKey.mlDsa65, 'base64'));
const edMessage = new Uint8Array([...context, 0, ...digestBytes]);
const edSignature = new Uint8Array(Buffer.from(signature.ed25519, 'base64'));
const edPublicKey = new Uint8Array(Buffer.from(key.publicKey.ed25519, 'base64'));

function mustVerify(verdict: ReturnType<typeof verifyDigest>): void {
  if (!verdict.mlDsa65.ok || !verdict.ed25519.ok) throw new Error('the benchmark signature failed');
}

if (runs('signatures')) {
  if (!options.json) console.log('signatures, one thread:');
  timeLoop('ML-DSA-65 sign (hedged, with context)', () => {
    mlDsa65Scheme.sign(digestBytes, key.secretKey.mlDsa65, context);
  });
  timeLoop('ML-DSA-65 verify', () => {
    if (!mlDsa65Scheme.verify(mlDsaSignature, digestBytes, mlDsaPublicKey, context))
      throw new Error('ML-DSA-65 failed');
  });
  timeLoop('Ed25519 verify (strict)', () => {
    if (!ed25519.verify(edSignature, edMessage, edPublicKey, { zip215: false }))
      throw new Error('Ed25519 failed');
  });
  timeLoop('hybrid signature verification (verifyDigest)', () => {
    mustVerify(verifyDigest(digest, signature, key.publicKey));
  });
  // The single-document verifier (verifyDocument: schema, hash, both signatures, register) is
  // timed here once src/documents/verify.ts is merged.
}

if (runs('pool')) {
  const size = Math.max(1, availableParallelism());
  if (!options.json) console.log(`worker threads (VerifierPool):`);
  for (const threads of [size, 1]) {
    const pool = new VerifierPool({ size: threads });
    await timeConcurrent(
      `hybrid signature verification, pool of ${threads} thread${threads === 1 ? '' : 's'}`,
      threads * 4,
      async () => mustVerify(await pool.verifyDigest(digest, signature, key.publicKey)),
      `${threads * 4} requests in flight`,
    );
    await pool.close();
  }
}

if (runs('chain')) {
  // The offline verifier on a 100-entry bill-of-lading title chain (verifyTitleChain) is timed
  // here once src/documents/bill-of-lading.ts is merged.
}

// ---------------------------------------------------------------------------------------------
// Presentation with payment (integrator): a 6-document presentation verified and its reserved
// payment posted in one store transaction, latency p50 / p99 over --seconds. Add it here as a
// `runs('presentation')` section (and 'presentation' to SCENARIOS) and push its lines with
// `record(...)` or into `results`, so that the table and --json carry it.
// ---------------------------------------------------------------------------------------------

if (options.json)
  console.log(
    JSON.stringify(
      { environment, loadAverage: loadavg(), seconds: options.seconds, results },
      null,
      2,
    ),
  );
