/**
 * The messages vostro sends, written as strings in the element order of their schemas:
 * pacs.002.001.11 (payment status report), camt.054.001.08 (debit/credit notification) and
 * camt.053.001.08 (statement). Every text is escaped and cut to its field's length (fields.ts);
 * the tests validate random outputs against the XSDs. The field tables are in docs/iso20022.md.
 */
import {
  agentElement,
  amountElement,
  code,
  compactId,
  dateTime,
  decimalElement,
  element,
  isoDate,
  isXsDateTime,
  linesElement,
  requiredText35,
  textElement,
  uetrElement,
  writtenAmountElement,
} from './fields.js';
import { ISO_NAMESPACE_PREFIX } from './xml.js';

export { formatMinor } from './fields.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function documentOf(kind: string, body: string): string {
  return `${XML_DECLARATION}<Document xmlns="${ISO_NAMESPACE_PREFIX}${kind}">${body}</Document>\n`;
}

// --- pacs.002.001.11 ----------------------------------------------------------------------------

export interface StatusReason {
  /** An ISO external status reason code (FF01, AM04, AC01, DUPL, NARR …). */
  readonly code: string;
  /** Free text, each line in AddtlInf elements of 105 characters (at most 10 per line). */
  readonly info?: readonly string[];
}

export interface StatusReportInput {
  readonly msgId: string;
  readonly createdAt: Date;
  /** The hub's BIC and the submitter's, when known (GrpHdr/InstgAgt and InstdAgt). */
  readonly instructingAgentBic?: string;
  readonly instructedAgentBic?: string;
  readonly original: {
    readonly msgId: string;
    readonly kind: string;
    /** As the original message wrote it; left out unless it is a valid xs:dateTime. */
    readonly createdAt?: string;
    readonly numberOfTransactions?: number;
  };
  readonly groupStatus: 'ACSC' | 'ACCP' | 'PART' | 'RJCT';
  readonly groupReason?: StatusReason;
  readonly transactions: readonly {
    readonly instrId?: string;
    readonly endToEndId?: string;
    readonly txId?: string;
    readonly uetr?: string;
    readonly status: 'ACSC' | 'ACCP' | 'RJCT' | 'PDNG';
    readonly reason?: StatusReason;
    /** As the original message wrote it (OrgnlTxRef/IntrBkSttlmAmt). */
    readonly amount?: { readonly currency: string; readonly decimal: string };
  }[];
}

function reasonElement(reason: StatusReason | undefined): string {
  if (reason === undefined) return '';
  const code4 = code(reason.code, 'status reason');
  return `<StsRsnInf><Rsn><Cd>${code4}</Cd></Rsn>${linesElement('AddtlInf', reason.info, 105)}</StsRsnInf>`;
}

/** A pacs.002.001.11 FI-to-FI payment status report on one original message. */
export function statusReport(input: StatusReportInput): string {
  const { original } = input;
  const header =
    `<GrpHdr>${requiredText35('MsgId', input.msgId)}<CreDtTm>${dateTime(input.createdAt)}</CreDtTm>` +
    `${agentElement('InstgAgt', input.instructingAgentBic)}${agentElement('InstdAgt', input.instructedAgentBic)}</GrpHdr>`;
  const createdAt = original.createdAt?.trim();
  const count = original.numberOfTransactions;
  const counts = new Map<string, number>();
  for (const tx of input.transactions) counts.set(tx.status, (counts.get(tx.status) ?? 0) + 1);
  const perStatus = [...counts]
    .map(
      ([status, n]) =>
        `<NbOfTxsPerSts><DtldNbOfTxs>${n}</DtldNbOfTxs><DtldSts>${status}</DtldSts></NbOfTxsPerSts>`,
    )
    .join('');
  const group =
    `<OrgnlGrpInfAndSts>${requiredText35('OrgnlMsgId', original.msgId)}${requiredText35('OrgnlMsgNmId', original.kind)}` +
    `${createdAt !== undefined && isXsDateTime(createdAt) ? `<OrgnlCreDtTm>${createdAt}</OrgnlCreDtTm>` : ''}` +
    `${count !== undefined && Number.isSafeInteger(count) && count >= 0 && count < 1e15 ? `<OrgnlNbOfTxs>${count}</OrgnlNbOfTxs>` : ''}` +
    `<GrpSts>${code(input.groupStatus, 'group status')}</GrpSts>${reasonElement(input.groupReason)}${perStatus}</OrgnlGrpInfAndSts>`;
  const transactions = input.transactions
    .map((tx) => {
      const reference = writtenAmountElement('IntrBkSttlmAmt', tx.amount);
      return (
        `<TxInfAndSts>${textElement('OrgnlInstrId', tx.instrId, 35)}${textElement('OrgnlEndToEndId', tx.endToEndId, 35)}` +
        `${textElement('OrgnlTxId', tx.txId, 35)}${uetrElement('OrgnlUETR', tx.uetr)}<TxSts>${code(tx.status, 'transaction status')}</TxSts>` +
        `${reasonElement(tx.reason)}${reference === '' ? '' : `<OrgnlTxRef>${reference}</OrgnlTxRef>`}</TxInfAndSts>`
      );
    })
    .join('');
  return documentOf(
    'pacs.002.001.11',
    `<FIToFIPmtStsRpt>${header}${group}${transactions}</FIToFIPmtStsRpt>`,
  );
}

// --- Entries: camt.054 and camt.053 --------------------------------------------------------------

export interface NotificationEntry {
  readonly transferId: string;
  readonly uetr?: string;
  readonly endToEndId?: string;
  readonly instrId?: string;
  readonly direction: 'CRDT' | 'DBIT';
  /** Minor units, not negative (the direction carries the sign). */
  readonly amount: bigint;
  readonly currency: string;
  readonly bookedAt: Date;
  readonly counterpartyName?: string;
  /** A vostro account id (written as 32 hex digits) or another identifier (cut to 34). */
  readonly counterpartyAccount?: string;
  readonly remittance?: readonly string[];
  /** An ISO purpose code (up to 4 characters) or a proprietary purpose (up to 35). */
  readonly purpose?: string;
  readonly status?: 'BOOK' | 'PDNG';
}

function accountElement(
  name: string,
  accountId: string,
  currency?: string,
  ownerName?: string,
): string {
  const owner = textElement('Nm', ownerName, 140);
  return (
    `<${name}><Id><Othr>${element('Id', compactId(accountId))}</Othr></Id>` +
    `${currency === undefined ? '' : element('Ccy', currency)}${owner === '' ? '' : `<Ownr>${owner}</Ownr>`}</${name}>`
  );
}

function purposeElement(purpose: string | undefined): string {
  if (purpose === undefined || purpose === '') return '';
  return /^[A-Z0-9]{1,4}$/.test(purpose)
    ? `<Purp><Cd>${purpose}</Cd></Purp>`
    : `<Purp>${textElement('Prtry', purpose, 35)}</Purp>`;
}

/** Received (RCDT) or issued (ICDT) cross-border credit transfer, in ISO's bank transaction codes. */
function bankTransactionCode(direction: 'CRDT' | 'DBIT'): string {
  const family = direction === 'CRDT' ? 'RCDT' : 'ICDT';
  return `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${family}</Cd><SubFmlyCd>XBCT</SubFmlyCd></Fmly></Domn></BkTxCd>`;
}

function entryElement(entry: NotificationEntry): string {
  const direction = code(entry.direction, 'credit/debit indicator');
  const amount = amountElement('Amt', entry.amount, entry.currency);
  const reference = compactId(entry.transferId);
  const booked = dateTime(entry.bookedAt);
  const refs =
    `<Refs>${element('AcctSvcrRef', reference)}${textElement('InstrId', entry.instrId, 35)}` +
    `${textElement('EndToEndId', entry.endToEndId, 35)}${uetrElement('UETR', entry.uetr)}</Refs>`;
  const name =
    entry.counterpartyName === undefined ? '' : textElement('Nm', entry.counterpartyName, 140);
  const party = name === '' ? '' : `<Pty>${name}</Pty>`;
  const account =
    entry.counterpartyAccount === undefined || entry.counterpartyAccount === ''
      ? ''
      : accountElement(direction === 'CRDT' ? 'DbtrAcct' : 'CdtrAcct', entry.counterpartyAccount);
  const parties =
    party === '' && account === ''
      ? ''
      : direction === 'CRDT'
        ? `<RltdPties>${party === '' ? '' : `<Dbtr>${party}</Dbtr>`}${account}</RltdPties>`
        : `<RltdPties>${party === '' ? '' : `<Cdtr>${party}</Cdtr>`}${account}</RltdPties>`;
  const remittance = linesElement('Ustrd', entry.remittance, 140);
  return (
    `<Ntry>${amount}<CdtDbtInd>${direction}</CdtDbtInd><Sts><Cd>${code(entry.status ?? 'BOOK', 'entry status')}</Cd></Sts>` +
    `<BookgDt><DtTm>${booked}</DtTm></BookgDt><ValDt><Dt>${isoDate(entry.bookedAt)}</Dt></ValDt>` +
    `${element('AcctSvcrRef', reference)}${bankTransactionCode(direction)}` +
    `<NtryDtls><TxDtls>${refs}${amount}<CdtDbtInd>${direction}</CdtDbtInd>${parties}` +
    `${purposeElement(entry.purpose)}${remittance === '' ? '' : `<RmtInf>${remittance}</RmtInf>`}</TxDtls></NtryDtls></Ntry>`
  );
}

/** TotalTransactions6: counts, sums and the net of the entries (sums left out past 18 digits). */
function summaryElement(entries: readonly NotificationEntry[], currency: string): string {
  let credits = 0n;
  let debits = 0n;
  let creditCount = 0;
  for (const entry of entries) {
    if (entry.direction === 'CRDT') {
      credits += entry.amount;
      creditCount += 1;
    } else debits += entry.amount;
  }
  const net = credits - debits;
  const netAmount = decimalElement('Amt', net, currency);
  return (
    `<TxsSummry><TtlNtries><NbOfNtries>${entries.length}</NbOfNtries>${decimalElement('Sum', credits + debits, currency)}` +
    `${netAmount === '' ? '' : `<TtlNetNtry>${netAmount}<CdtDbtInd>${net < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd></TtlNetNtry>`}</TtlNtries>` +
    `<TtlCdtNtries><NbOfNtries>${creditCount}</NbOfNtries>${decimalElement('Sum', credits, currency)}</TtlCdtNtries>` +
    `<TtlDbtNtries><NbOfNtries>${entries.length - creditCount}</NbOfNtries>${decimalElement('Sum', debits, currency)}</TtlDbtNtries></TxsSummry>`
  );
}

function checkCurrencies(
  entries: readonly NotificationEntry[],
  currency: string,
  where: string,
): void {
  for (const entry of entries) {
    if (entry.currency !== currency) {
      throw new RangeError(`${where}: an entry in ${entry.currency} on an account in ${currency}`);
    }
  }
}

// --- camt.054.001.08 ----------------------------------------------------------------------------

export interface NotificationInput {
  readonly msgId: string;
  readonly createdAt: Date;
  readonly notifications: readonly {
    readonly id: string;
    readonly accountId: string;
    readonly currency: string;
    readonly ownerName?: string;
    readonly entries: readonly NotificationEntry[];
  }[];
}

/** A camt.054.001.08 bank-to-customer debit/credit notification: one Ntfctn per account. */
export function debitCreditNotification(input: NotificationInput): string {
  if (input.notifications.length === 0) {
    throw new RangeError('a camt.054 notification names at least one account');
  }
  const created = dateTime(input.createdAt);
  const notifications = input.notifications
    .map((notification) => {
      checkCurrencies(
        notification.entries,
        notification.currency,
        `notification ${notification.id}`,
      );
      return (
        `<Ntfctn>${requiredText35('Id', notification.id)}<CreDtTm>${created}</CreDtTm>` +
        `${accountElement('Acct', notification.accountId, notification.currency, notification.ownerName)}` +
        `${notification.entries.length === 0 ? '' : summaryElement(notification.entries, notification.currency)}` +
        `${notification.entries.map(entryElement).join('')}</Ntfctn>`
      );
    })
    .join('');
  return documentOf(
    'camt.054.001.08',
    `<BkToCstmrDbtCdtNtfctn><GrpHdr>${requiredText35('MsgId', input.msgId)}<CreDtTm>${created}</CreDtTm></GrpHdr>${notifications}</BkToCstmrDbtCdtNtfctn>`,
  );
}

// --- camt.053.001.08 ----------------------------------------------------------------------------

export interface StatementInput {
  readonly msgId: string;
  readonly createdAt: Date;
  readonly statementId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly ownerName?: string;
  readonly from: Date;
  readonly to: Date;
  /** Booked balances, credit-positive (credits − debits), signed. */
  readonly opening: bigint;
  readonly closing: bigint;
  readonly entries: readonly NotificationEntry[];
}

function balanceElement(
  type: 'OPBD' | 'CLBD',
  balance: bigint,
  currency: string,
  at: Date,
): string {
  return (
    `<Bal><Tp><CdOrPrtry><Cd>${type}</Cd></CdOrPrtry></Tp>${amountElement('Amt', balance < 0n ? -balance : balance, currency)}` +
    `<CdtDbtInd>${balance < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><DtTm>${dateTime(at)}</DtTm></Dt></Bal>`
  );
}

/** A camt.053.001.08 bank-to-customer statement of one account over [from, to]. */
export function statement(input: StatementInput): string {
  checkCurrencies(input.entries, input.currency, `statement ${input.statementId}`);
  const created = dateTime(input.createdAt);
  const body =
    `<Stmt>${requiredText35('Id', input.statementId)}<CreDtTm>${created}</CreDtTm>` +
    `<FrToDt><FrDtTm>${dateTime(input.from)}</FrDtTm><ToDtTm>${dateTime(input.to)}</ToDtTm></FrToDt>` +
    `${accountElement('Acct', input.accountId, input.currency, input.ownerName)}` +
    `${balanceElement('OPBD', input.opening, input.currency, input.from)}${balanceElement('CLBD', input.closing, input.currency, input.to)}` +
    `${summaryElement(input.entries, input.currency)}${input.entries.map(entryElement).join('')}</Stmt>`;
  return documentOf(
    'camt.053.001.08',
    `<BkToCstmrStmt><GrpHdr>${requiredText35('MsgId', input.msgId)}<CreDtTm>${created}</CreDtTm></GrpHdr>${body}</BkToCstmrStmt>`,
  );
}
