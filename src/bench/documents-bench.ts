// Benchmark of trade-document signatures and verification (not a timed test):
//   npm run bench:documents -- [--seconds 3] [--scenario all|signatures|pool|chain|presentation] [--json]
// Each measurement runs for about --seconds after a short warm-up and reports operations per
// second and the mean time per operation:
// - signatures: ML-DSA-65 sign (hedged, with the context) and verify, Ed25519 verify, the hybrid
//   verification of one signature (verifyDigest) and of one document (verifyDocument: size, schema,
//   hash, both signatures, register, trade) on this thread;
// - pool: the same document verification through the VerifierPool (worker threads, one per
//   available core, the hub's configuration) with enough requests in flight to keep every thread
//   busy, and through a pool of one thread (what handing work to a thread costs);
// - chain: the offline verifier on a bill of lading with a 100-entry title chain.
// - presentation: a 6-document presentation verified and its reserved payment posted in one store
//   transaction, through the Hub on SQLite, latency p50 / p99 (for three times --seconds).
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  signTitleEntry,
  verifyTitleChain,
  type SignedTitleEntry,
  type TitleAction,
} from '../documents/bill-of-lading.js';
import { documentHash } from '../documents/canonical.js';
import { signDocument, type SignedDocument } from '../documents/envelope.js';
import type { RegisterSnapshot } from '../documents/register-snapshot.js';
import {
  generateKeyPair,
  ML_DSA_CONTEXT,
  mlDsa65Scheme,
  signDigest,
  verifyDigest,
} from '../documents/signature.js';
import {
  keyOf,
  sampleContents,
  sampleContext,
  sampleRegister,
  signAs,
} from '../documents/documents.test-helper.js';
import { VerifierPool } from '../documents/verify-pool.js';
import { verifyDocument, type VerificationReport } from '../documents/verify.js';
import { presentationLatencies } from './presentation-workload.js';
import { benchOptions, choiceOption, integerOption, parseBenchArgs } from './options.js';

const SCENARIOS = ['all', 'signatures', 'pool', 'chain', 'presentation'] as const;

const USAGE = `
usage: npm run bench:documents -- [options]

  --seconds <n>        time spent on each measurement, 1 to 60 (default 3)
  --scenario <name>    signatures, pool, chain, presentation or all (default all)
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

// The verifier tests' sample trade, register (its issuers with their keys) and documents
// (src/documents/documents.test-helper.ts): the single-document verification runs every check,
// the trade's included, and passes them all.
const register = sampleRegister();
const verifyContext = sampleContext();
const billOfLading = sampleContents().bill_of_lading;
const signedInvoice = signAs(sampleContents().commercial_invoice);

function mustBeValid(report: VerificationReport): void {
  if (!report.valid)
    throw new Error(
      `the benchmark document failed: ${report.checks
        .filter((check) => check.status === 'fail')
        .map((check) => `${check.name}: ${check.reason}`)
        .join('; ')}`,
    );
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
  timeLoop('single-document verification (verifyDocument, every check)', () => {
    mustBeValid(verifyDocument(signedInvoice, verifyContext));
  });
}

if (runs('pool')) {
  const size = Math.max(1, availableParallelism());
  if (!options.json) console.log(`worker threads (VerifierPool):`);
  for (const threads of size === 1 ? [1] : [size, 1]) {
    const pool = new VerifierPool({ size: threads });
    await timeConcurrent(
      `single-document verification, pool of ${threads} thread${threads === 1 ? '' : 's'}`,
      threads * 4,
      async () => mustBeValid(await pool.verify(signedInvoice, verifyContext)),
      `${threads * 4} requests in flight`,
    );
    await pool.close();
  }
}

if (runs('chain')) {
  // A bill of lading issued to the shipper, passed between the shipper, the two banks and the
  // importer 98 times, then surrendered to the carrier: 100 signed entries. The offline verifier
  // reads the three files (the bill, the entries, a register snapshot) and checks every entry.
  const bl = signDocument(billOfLading, keyOf('sci-carrier'));
  const entries: SignedTitleEntry[] = [];
  const add = (action: TitleAction, from: string, to: string) =>
    entries.push(
      signTitleEntry(
        {
          format: 'vostro-title-entry/1',
          billOfLading: bl.hash,
          seq: entries.length,
          action,
          from,
          to,
          at: new Date(Date.UTC(2026, 2, 12, 12, entries.length)).toISOString(),
          previous: entries[entries.length - 1]?.hash ?? null,
        },
        keyOf(from),
      ),
    );
  add('issue', 'sci-carrier', 'tata-steel');
  const holders = ['tata-steel', 'sbi', 'vtb-bank', 'rusimport'];
  while (entries.length < 99)
    add(
      entries.length % 2 === 0 ? 'endorse' : 'transfer',
      holders[(entries.length - 1) % holders.length]!,
      holders[entries.length % holders.length]!,
    );
  add('surrender', holders[(entries.length - 1) % holders.length]!, 'sci-carrier');
  const files = [bl, entries, register].map((value) => JSON.stringify(value));
  if (!options.json) console.log('bill-of-lading title chain, one thread:');
  timeLoop(
    `offline title chain verification, ${entries.length} entries`,
    () => {
      const [blFile, entriesFile, registerFile] = files.map((text) => JSON.parse(text) as unknown);
      const report = verifyTitleChain(
        blFile as SignedDocument,
        entriesFile as SignedTitleEntry[],
        registerFile as RegisterSnapshot,
      );
      if (!report.valid || !report.surrendered) throw new Error('the benchmark chain failed');
    },
    'from the three files read as JSON',
  );
}

if (runs('presentation')) {
  // A 6-document presentation verified and its reserved payment posted in one store transaction
  // (see presentation-workload.ts); each run prepares a new trade and its signed documents first,
  // outside the timing.
  if (!options.json) console.log('documentary payment, SQLite, through the Hub:');
  const { latenciesMs, preparationMs } = await presentationLatencies(budgetMs * 3, 2_000);
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (quantile: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? Number.NaN;
  const totalMs = latenciesMs.reduce((sum, value) => sum + value, 0);
  record(
    '6-document presentation verified and paid',
    latenciesMs.length,
    totalMs,
    `p50 ${round(at(0.5), 2)} ms, p99 ${round(at(0.99), 2)} ms, max ${round(sorted.at(-1) ?? Number.NaN, 2)} ms; ${Math.round(preparationMs / 1000)} s preparing trades and documents untimed`,
  );
}

if (options.json)
  console.log(
    JSON.stringify(
      { environment, loadAverage: loadavg(), seconds: options.seconds, results },
      null,
      2,
    ),
  );
