/**
 * Inbound ISO 20022 messages for tests and benchmarks: pacs.008.001.09 and pacs.009.001.09 with
 * one or many transactions, every optional block the reader maps switchable, and a way to break
 * a message on purpose (another version, a wrong count).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InboundTxOptions {
  readonly instrId?: string;
  readonly endToEndId?: string;
  readonly txId?: string;
  readonly uetr?: string | null; // null: no UETR element
  readonly amount?: string; // the text of IntrBkSttlmAmt, e.g. '1234.50'
  readonly currency?: string;
  readonly settlementDate?: string;
  readonly chargeBearer?: string;
  readonly instructingAgentBic?: string;
  readonly instructedAgentBic?: string;
  readonly debtorName?: string;
  readonly debtorBic?: string;
  readonly debtorAccount?: { readonly iban: string } | { readonly other: string };
  readonly debtorAgentBic?: string;
  readonly creditorName?: string;
  readonly creditorBic?: string;
  readonly creditorAccount?: { readonly iban: string } | { readonly other: string };
  readonly creditorAgentBic?: string;
  readonly purpose?: { readonly cd: string } | { readonly prtry: string };
  readonly remittance?: readonly string[];
  readonly creditorReference?: string; // pacs.008 only: RmtInf/Strd/CdtrRefInf/Ref
}

export interface InboundMessageOptions {
  readonly kind?: 'pacs.008' | 'pacs.009';
  /** The namespace's version part, '001.09' unless a test wants another. */
  readonly version?: string;
  readonly msgId?: string;
  readonly createdAt?: string;
  readonly batchBooking?: boolean;
  readonly numberOfTransactions?: string; // default: the count of transactions
  readonly controlSum?: string;
  readonly settlementMethod?: string;
  readonly instructingAgentBic?: string;
  readonly instructedAgentBic?: string;
  /** A prefix for every element (`p:Document …`), to check that readers follow namespaces. */
  readonly prefix?: string;
  readonly transactions: readonly InboundTxOptions[];
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

function fi(tag: string, bic: string | undefined, name?: string): string {
  if (bic === undefined && name === undefined) {
    return `<${tag}><FinInstnId><Othr><Id>UNKNOWN</Id></Othr></FinInstnId></${tag}>`;
  }
  return `<${tag}><FinInstnId>${bic === undefined ? '' : `<BICFI>${bic}</BICFI>`}${name === undefined ? '' : `<Nm>${esc(name)}</Nm>`}</FinInstnId></${tag}>`;
}

function account(
  tag: string,
  ref: { readonly iban: string } | { readonly other: string } | undefined,
): string {
  if (ref === undefined) return '';
  const id = 'iban' in ref ? `<IBAN>${ref.iban}</IBAN>` : `<Othr><Id>${esc(ref.other)}</Id></Othr>`;
  return `<${tag}><Id>${id}</Id></${tag}>`;
}

function party(name: string | undefined, bic: string | undefined): string {
  const id = bic === undefined ? '' : `<Id><OrgId><AnyBIC>${bic}</AnyBIC></OrgId></Id>`;
  return `${name === undefined ? '' : `<Nm>${esc(name)}</Nm>`}${id}`;
}

function transaction(kind: 'pacs.008' | 'pacs.009', tx: InboundTxOptions, index: number): string {
  const uetr = tx.uetr === null ? '' : `<UETR>${tx.uetr ?? randomUUID()}</UETR>`;
  const pmtId =
    `<PmtId>${tx.instrId === undefined ? '' : `<InstrId>${esc(tx.instrId)}</InstrId>`}` +
    `<EndToEndId>${esc(tx.endToEndId ?? `E2E-${index + 1}`)}</EndToEndId>` +
    `${tx.txId === undefined ? '' : `<TxId>${esc(tx.txId)}</TxId>`}${uetr}</PmtId>`;
  const amount = `<IntrBkSttlmAmt Ccy="${tx.currency ?? 'INR'}">${tx.amount ?? '1000.00'}</IntrBkSttlmAmt>`;
  const date =
    tx.settlementDate === undefined ? '' : `<IntrBkSttlmDt>${tx.settlementDate}</IntrBkSttlmDt>`;
  const agents =
    (tx.instructingAgentBic === undefined ? '' : fi('InstgAgt', tx.instructingAgentBic)) +
    (tx.instructedAgentBic === undefined ? '' : fi('InstdAgt', tx.instructedAgentBic));
  const purpose =
    tx.purpose === undefined
      ? ''
      : 'cd' in tx.purpose
        ? `<Purp><Cd>${esc(tx.purpose.cd)}</Cd></Purp>`
        : `<Purp><Prtry>${esc(tx.purpose.prtry)}</Prtry></Purp>`;
  const lines = (tx.remittance ?? []).map((line) => `<Ustrd>${esc(line)}</Ustrd>`).join('');
  const strd =
    kind === 'pacs.008' && tx.creditorReference !== undefined
      ? `<Strd><CdtrRefInf><Ref>${esc(tx.creditorReference)}</Ref></CdtrRefInf></Strd>`
      : '';
  const rmtInf = lines === '' && strd === '' ? '' : `<RmtInf>${lines}${strd}</RmtInf>`;
  if (kind === 'pacs.008') {
    return (
      `<CdtTrfTxInf>${pmtId}${amount}${date}<ChrgBr>${tx.chargeBearer ?? 'SLEV'}</ChrgBr>${agents}` +
      `<Dbtr>${party(tx.debtorName ?? 'Debtor Ltd', tx.debtorBic)}</Dbtr>${account('DbtrAcct', tx.debtorAccount)}` +
      `${fi('DbtrAgt', tx.debtorAgentBic ?? 'SBININBBXXX')}${fi('CdtrAgt', tx.creditorAgentBic ?? 'SABRRUMMXXX')}` +
      `<Cdtr>${party(tx.creditorName ?? 'Creditor OOO', tx.creditorBic)}</Cdtr>${account('CdtrAcct', tx.creditorAccount)}` +
      `${purpose}${rmtInf}</CdtTrfTxInf>`
    );
  }
  return (
    `<CdtTrfTxInf>${pmtId}${amount}${date}${agents}` +
    `${fi('Dbtr', tx.debtorBic ?? 'SBININBBXXX', tx.debtorName)}${account('DbtrAcct', tx.debtorAccount)}` +
    `${tx.debtorAgentBic === undefined ? '' : fi('DbtrAgt', tx.debtorAgentBic)}` +
    `${tx.creditorAgentBic === undefined ? '' : fi('CdtrAgt', tx.creditorAgentBic)}` +
    `${fi('Cdtr', tx.creditorBic ?? 'SABRRUMMXXX', tx.creditorName)}${account('CdtrAcct', tx.creditorAccount)}` +
    `${purpose}${rmtInf}</CdtTrfTxInf>`
  );
}

function prefixed(xml: string, prefix: string | undefined): string {
  if (prefix === undefined) return xml;
  return xml.replace(/<(\/?)([A-Za-z][A-Za-z0-9]*)/g, `<$1${prefix}:$2`);
}

/** A pacs.008.001.09 (or pacs.009.001.09 with `kind: 'pacs.009'`) message as a string. */
export function inboundMessage(options: InboundMessageOptions): string {
  const kind = options.kind ?? 'pacs.008';
  const namespace = `urn:iso:std:iso:20022:tech:xsd:${kind}.${options.version ?? '001.09'}`;
  const root = kind === 'pacs.008' ? 'FIToFICstmrCdtTrf' : 'FICdtTrf';
  const header =
    `<GrpHdr><MsgId>${esc(options.msgId ?? 'MSG-1')}</MsgId><CreDtTm>${options.createdAt ?? '2026-12-07T10:00:00Z'}</CreDtTm>` +
    `${options.batchBooking === undefined ? '' : `<BtchBookg>${String(options.batchBooking)}</BtchBookg>`}` +
    `<NbOfTxs>${options.numberOfTransactions ?? String(options.transactions.length)}</NbOfTxs>` +
    `${options.controlSum === undefined ? '' : `<CtrlSum>${options.controlSum}</CtrlSum>`}` +
    `<SttlmInf><SttlmMtd>${options.settlementMethod ?? 'CLRG'}</SttlmMtd></SttlmInf>` +
    `${options.instructingAgentBic === undefined ? '' : fi('InstgAgt', options.instructingAgentBic)}` +
    `${options.instructedAgentBic === undefined ? '' : fi('InstdAgt', options.instructedAgentBic)}</GrpHdr>`;
  const body = options.transactions.map((tx, index) => transaction(kind, tx, index)).join('\n');
  const inner = prefixed(`<${root}>${header}\n${body}</${root}>`, options.prefix);
  const open =
    options.prefix === undefined
      ? `<Document xmlns="${namespace}">`
      : `<${options.prefix}:Document xmlns:${options.prefix}="${namespace}">`;
  const close = options.prefix === undefined ? '</Document>' : `</${options.prefix}:Document>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${open}${inner}${close}\n`;
}

/** `count` ordinary transactions between two banks' customers, amounts varying. */
export function manyTransactions(count: number, base: InboundTxOptions = {}): InboundTxOptions[] {
  return Array.from({ length: count }, (_, index) => ({
    endToEndId: `E2E-${index + 1}`,
    instrId: `INSTR-${index + 1}`,
    amount: `${1 + (index % 997)}.${String(index % 100).padStart(2, '0')}`,
    debtorAccount: { iban: 'DE89370400440532013000' },
    creditorAccount: { other: `ACC-${index + 1}` },
    remittance: [`Invoice ${index + 1}`],
    purpose: { cd: 'GDDS' },
    ...base,
  }));
}

/**
 * The shared fixtures' ISO 20022 samples folder: `../shared/fixtures/iso20022/samples` beside
 * the repository, or beside the main checkout when this is a git worktree (whose `.git` file
 * names the main repository's git folder). Undefined when neither exists.
 */
export function sharedSamplesFolder(): string | undefined {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const candidates = [join(root, '..', 'shared')];
  const gitFile = join(root, '.git');
  if (existsSync(gitFile) && statSync(gitFile).isFile()) {
    const gitDir = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitFile, 'utf8'))?.[1]?.trim();
    // <main>/.git/worktrees/<name> → <main>/../shared
    if (gitDir !== undefined) candidates.push(join(gitDir, '..', '..', '..', '..', 'shared'));
  }
  return candidates
    .map((shared) => join(shared, 'fixtures', 'iso20022', 'samples'))
    .find((folder) => existsSync(folder));
}
