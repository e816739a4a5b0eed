// Benchmark of ISO 20022 validation, reading and writing (not a timed test):
//   npm run bench:iso20022 -- [--seconds 2] [--json]
// Each measurement runs for about --seconds after a short warm-up, on one thread, and reports
// operations per second and the mean time per operation, both in elapsed time and in this
// process's CPU time (the steadier figure when other processes share the cores), for a
// pacs.008.001.09 of one
// transaction (about 1 KB) and one of 1,000 transactions (about 620 KB):
// - validate: size and DTD checks, libxml2 parse, XSD validation (the schema compiled once);
//   from bytes (as HTTP hands them over) and from a string;
// - read: validation plus reading into InboundMessage (readInbound, libxml2's tree read through
//   its node pointers: src/iso20022/tree.ts);
// - the ways of reading that were not chosen, each after the same validation: the same walk
//   through libxml2-wasm's public DOM API (one JavaScript object per node), and XPath queries of
//   the same fields through the public API;
// - write: pacs.002 status reports and a camt.053 statement of 1,000 entries (strings only).
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { XmlElement, type XmlDocument, type XmlTreeNode } from 'libxml2-wasm';
import { readInbound } from '../iso20022/inbound.js';
import { inboundMessage, manyTransactions } from '../iso20022/messages.test-helper.js';
import { statement, statusReport, type NotificationEntry } from '../iso20022/outbound.js';
import { validateMessage } from '../iso20022/schemas.js';
import { firstElement, localName, nextElement, rootElement, textOf } from '../iso20022/tree.js';
import { benchOptions, integerOption, parseBenchArgs } from './options.js';

const USAGE = `
usage: npm run bench:iso20022 -- [--seconds N] [--json]

  --seconds N   how long each measurement runs, 1 to 60 (default 2)
  --json        print the results as JSON
  -h, --help    this text
`;

const options = benchOptions(USAGE, (argv) => {
  const values = parseBenchArgs(argv, {
    seconds: { type: 'string' },
    json: { type: 'boolean' },
  });
  return {
    seconds: integerOption('seconds', values.seconds ?? '2', 1, 60),
    json: values.json === true,
  };
});

interface Result {
  readonly name: string;
  readonly transactions: number;
  readonly operationsPerSecond: number;
  readonly microsecondsPerOperation: number;
  readonly transactionsPerSecond: number;
  /** The same, counting this process's CPU time (user + system) instead of elapsed time. */
  readonly cpuMicrosecondsPerOperation: number;
  readonly transactionsPerCpuSecond: number;
}

const results: Result[] = [];

function measure(name: string, transactions: number, run: () => void): void {
  const warmUp = performance.now() + 300;
  while (performance.now() < warmUp) run();
  const end = performance.now() + options.seconds * 1_000;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let count = 0;
  while (performance.now() < end) {
    run();
    count += 1;
  }
  const elapsed = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result = {
    name,
    transactions,
    operationsPerSecond: count / elapsed,
    microsecondsPerOperation: (elapsed * 1e6) / count,
    transactionsPerSecond: (count * transactions) / elapsed,
    cpuMicrosecondsPerOperation: (cpuSeconds * 1e6) / count,
    transactionsPerCpuSecond: (count * transactions) / cpuSeconds,
  };
  results.push(result);
  if (!options.json) {
    const time = (micros: number): string =>
      (micros >= 1_000 ? `${(micros / 1_000).toFixed(2)} ms` : `${micros.toFixed(1)} µs`).padStart(
        10,
      );
    console.log(
      `${name.padEnd(56)} ${result.operationsPerSecond.toFixed(0).padStart(7)}/s ${time(result.microsecondsPerOperation)}` +
        ` | CPU ${time(result.cpuMicrosecondsPerOperation)}` +
        (transactions > 1
          ? ` ${result.transactionsPerCpuSecond.toFixed(0).padStart(7)} tx/CPU s`
          : ''),
    );
  }
}

/** Every element as nested objects, through the public API (one wrapper object per node). */
function walkPublic(element: XmlElement): unknown {
  const out: Record<string, unknown> = {};
  let any = false;
  for (let child: XmlTreeNode | null = element.firstChild; child !== null; child = child.next) {
    if (child instanceof XmlElement) {
      any = true;
      out[child.name] = walkPublic(child);
    }
  }
  return any ? out : element.content;
}

/** The same walk through libxml2's tree (tree.ts). */
function walkTree(element: number): unknown {
  const out: Record<string, unknown> = {};
  let any = false;
  for (let child = firstElement(element); child !== 0; child = nextElement(child)) {
    any = true;
    out[localName(child)] = walkTree(child);
  }
  return any ? out : textOf(element);
}

const FIELDS = [
  'p:PmtId/p:InstrId',
  'p:PmtId/p:EndToEndId',
  'p:PmtId/p:TxId',
  'p:PmtId/p:UETR',
  'p:IntrBkSttlmAmt',
  'p:IntrBkSttlmAmt/@Ccy',
  'p:IntrBkSttlmDt',
  'p:ChrgBr',
  'p:InstgAgt/p:FinInstnId/p:BICFI',
  'p:InstdAgt/p:FinInstnId/p:BICFI',
  'p:Dbtr/p:Nm',
  'p:Dbtr/p:Id/p:OrgId/p:AnyBIC',
  'p:DbtrAcct/p:Id/p:IBAN',
  'p:DbtrAcct/p:Id/p:Othr/p:Id',
  'p:DbtrAgt/p:FinInstnId/p:BICFI',
  'p:Cdtr/p:Nm',
  'p:Cdtr/p:Id/p:OrgId/p:AnyBIC',
  'p:CdtrAcct/p:Id/p:IBAN',
  'p:CdtrAcct/p:Id/p:Othr/p:Id',
  'p:CdtrAgt/p:FinInstnId/p:BICFI',
  'p:Purp/*',
  'p:RmtInf/p:Ustrd',
];

/** The mapped fields of every transaction, by XPath through the public API. */
function readXPath(document: XmlDocument): (string | undefined)[][] {
  const ns = { p: 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09' };
  return document
    .find('/p:Document/p:FIToFICstmrCdtTrf/p:CdtTrfTxInf', ns)
    .map((tx) => FIELDS.map((field) => tx.get(field, ns)?.content));
}

const entry: NotificationEntry = {
  transferId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  uetr: '3f2a7c1e-9b4d-4e8a-8c6f-1a2b3c4d5e6f',
  endToEndId: 'INV-2026-0042',
  direction: 'CRDT',
  amount: 123450n,
  currency: 'INR',
  bookedAt: new Date('2026-12-07T10:00:00Z'),
  counterpartyName: 'Tata & Sons',
  counterpartyAccount: '0f8fad5b-d9cb-469f-a165-70867728950e',
  remittance: ['Invoice 42'],
  purpose: 'GDDS',
};

function report(transactions: number): string {
  return statusReport({
    msgId: 'RPT',
    createdAt: new Date(),
    original: { msgId: 'MSG', kind: 'pacs.008.001.09', numberOfTransactions: transactions },
    groupStatus: 'ACSC',
    transactions: Array.from({ length: transactions }, (_, i) => ({
      endToEndId: `E2E-${i}`,
      uetr: entry.uetr,
      status: 'ACSC' as const,
      amount: { currency: 'INR', decimal: '1234.50' },
    })),
  });
}

if (!options.json) {
  console.log(
    `ISO 20022 on ${cpus()[0]?.model ?? 'unknown CPU'}, Node.js ${process.version}, load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}, ${options.seconds} s per measurement`,
  );
}
for (const count of [1, 1_000]) {
  const text = inboundMessage({ transactions: manyTransactions(count) });
  const bytes = Buffer.from(text);
  const label = `${count === 1 ? '1 transaction' : '1,000 transactions'} (${(bytes.length / 1024).toFixed(0)} KB)`;
  if (!options.json) console.log(`\npacs.008.001.09, ${label}`);
  measure('validate, from bytes', count, () => validateMessage(bytes).document.dispose());
  measure('validate, from a string', count, () => validateMessage(text).document.dispose());
  measure('validate + read (readInbound), from bytes', count, () => readInbound(bytes));
  measure('validate + read (readInbound), from a string', count, () => readInbound(text));
  measure('validate + walk every element, public DOM API', count, () => {
    const { document } = validateMessage(bytes);
    walkPublic(document.root);
    document.dispose();
  });
  measure('validate + walk every element, libxml2 tree (tree.ts)', count, () => {
    const { document } = validateMessage(bytes);
    walkTree(rootElement(document));
    document.dispose();
  });
  measure('validate + XPath of the mapped fields, public API', count, () => {
    const { document } = validateMessage(bytes);
    readXPath(document);
    document.dispose();
  });
}
if (!options.json) console.log('\nwriting');
measure('pacs.002 status report, 1 transaction', 1, () => report(1));
measure('pacs.002 status report, 1,000 transactions', 1_000, () => report(1_000));
const entries = Array.from({ length: 1_000 }, () => entry);
measure('camt.053 statement, 1,000 entries', 1_000, () =>
  statement({
    msgId: 'S',
    createdAt: new Date(),
    statementId: 'S',
    accountId: entry.counterpartyAccount ?? '',
    currency: 'INR',
    from: new Date(0),
    to: new Date(),
    opening: 0n,
    closing: 123_450_000n,
    entries,
  }),
);
if (options.json) console.log(JSON.stringify(results, null, 2));
