/**
 * Reading a validated pacs.008.001.09 or pacs.009.001.09 into plain data, and amounts into exact
 * minor units. The reader walks libxml2's tree once, element by element in schema order (see
 * tree.ts for why not the public DOM API or XPath); it trusts the schema for structure (mandatory
 * elements are present, codes match their patterns) and decides nothing about the payments.
 */
import type { XmlDocument } from 'libxml2-wasm';
import { currencyByCode } from '../ledger/currency.js';
import { validateMessage } from './schemas.js';
import {
  attributeOf,
  firstElement,
  localName,
  nextElement,
  rootElement,
  textOf,
  type NodePtr,
} from './tree.js';
import { INBOUND_KINDS } from './xml.js';

export type AccountRef = { readonly iban: string } | { readonly other: string };

export interface InboundTransaction {
  /** 0-based position in the message. */
  readonly index: number;
  readonly instrId?: string;
  readonly endToEndId: string;
  readonly txId?: string;
  /** Lower-case. */
  readonly uetr?: string;
  /** As written (whitespace around the number removed), e.g. `{ currency: 'INR', decimal: '1234.50' }`. */
  readonly amount: { readonly currency: string; readonly decimal: string };
  readonly settlementDate?: string;
  readonly debtor: { readonly name?: string; readonly bic?: string };
  readonly debtorAccount?: AccountRef;
  readonly debtorAgentBic?: string;
  readonly creditor: { readonly name?: string; readonly bic?: string };
  readonly creditorAccount?: AccountRef;
  readonly creditorAgentBic?: string;
  /** Transaction level, if any. */
  readonly instructingAgentBic?: string;
  readonly instructedAgentBic?: string;
  /** Purp/Cd or Purp/Prtry. */
  readonly purpose?: string;
  /** Ustrd lines, then Strd/CdtrRefInf/Ref when present. */
  readonly remittance?: readonly string[];
  readonly chargeBearer?: string;
}

export type InboundKind = 'pacs.008.001.09' | 'pacs.009.001.09';

export interface InboundMessage {
  readonly kind: InboundKind;
  readonly msgId: string;
  readonly createdAt: string;
  readonly numberOfTransactions: number;
  readonly controlSum?: string;
  readonly batchBooking?: boolean;
  /** INDA | INGA | COVE | CLRG */
  readonly settlementMethod: string;
  readonly instructingAgentBic?: string;
  readonly instructedAgentBic?: string;
  readonly transactions: readonly InboundTransaction[];
}

/**
 * Validates `xml` as pacs.008.001.09 or pacs.009.001.09 and reads it. Throws `IsoFormatError`
 * (see `validateMessage`) for anything else.
 */
export function readInbound(xml: string | Uint8Array): InboundMessage {
  const { kind, document } = validateMessage(xml, { accept: INBOUND_KINDS });
  try {
    return readInboundDocument(kind, document);
  } finally {
    document.dispose();
  }
}

/** Reads a document `validateMessage` accepted as `kind`. The caller still owns the document. */
export function readInboundDocument(kind: InboundKind, document: XmlDocument): InboundMessage {
  // Document > FIToFICstmrCdtTrf | FICdtTrf > GrpHdr, CdtTrfTxInf+, SplmtryData*
  const body = firstElement(rootElement(document));
  let header: Header | undefined;
  const transactions: InboundTransaction[] = [];
  for (let element = firstElement(body); element !== 0; element = nextElement(element)) {
    const name = localName(element);
    if (name === 'GrpHdr') header = readHeader(element);
    else if (name === 'CdtTrfTxInf') {
      transactions.push(readTransaction(kind, element, transactions.length));
    }
  }
  if (header === undefined) throw new Error('a validated message has a group header');
  return { kind, ...header, transactions };
}

type Header = Omit<InboundMessage, 'kind' | 'transactions'>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Whitespace-collapsing schema types (dates, decimals, booleans) may be written padded. */
function collapsed(element: NodePtr): string {
  return textOf(element).trim();
}

function readHeader(header: NodePtr): Header {
  const out: Partial<Mutable<Header>> = {};
  for (let element = firstElement(header); element !== 0; element = nextElement(element)) {
    switch (localName(element)) {
      case 'MsgId':
        out.msgId = textOf(element);
        break;
      case 'CreDtTm':
        out.createdAt = collapsed(element);
        break;
      case 'BtchBookg': {
        const value = collapsed(element);
        out.batchBooking = value === 'true' || value === '1';
        break;
      }
      case 'NbOfTxs':
        out.numberOfTransactions = Number(textOf(element));
        break;
      case 'CtrlSum':
        out.controlSum = collapsed(element);
        break;
      case 'SttlmInf':
        out.settlementMethod = textOf(firstElement(element)); // SttlmMtd comes first
        break;
      case 'InstgAgt':
        out.instructingAgentBic = agentBic(element);
        break;
      case 'InstdAgt':
        out.instructedAgentBic = agentBic(element);
        break;
      default:
        break;
    }
  }
  return out as Header;
}

/** The first child named `name`, 0 when absent. */
function childNamed(parent: NodePtr, name: string): NodePtr {
  for (let element = firstElement(parent); element !== 0; element = nextElement(element)) {
    if (localName(element) === name) return element;
  }
  return 0;
}

/** FinInstnId/BICFI of a BranchAndFinancialInstitutionIdentification6. */
function agentBic(agent: NodePtr): string | undefined {
  const bic = firstElement(firstElement(agent)); // FinInstnId comes first, BICFI first in it
  return bic !== 0 && localName(bic) === 'BICFI' ? textOf(bic) : undefined;
}

/** Name and BIC of a pacs.009 party (a financial institution). */
function institution(agent: NodePtr): { name?: string; bic?: string } {
  const out: { name?: string; bic?: string } = {};
  const id = firstElement(agent);
  for (let element = firstElement(id); element !== 0; element = nextElement(element)) {
    const name = localName(element);
    if (name === 'BICFI') out.bic = textOf(element);
    else if (name === 'Nm') out.name = textOf(element);
  }
  return out;
}

/** Name and AnyBIC of a pacs.008 party (PartyIdentification135). */
function party(element: NodePtr): { name?: string; bic?: string } {
  const out: { name?: string; bic?: string } = {};
  for (let child = firstElement(element); child !== 0; child = nextElement(child)) {
    const name = localName(child);
    if (name === 'Nm') out.name = textOf(child);
    else if (name === 'Id') {
      const org = firstElement(child); // OrgId or PrvtId
      const anyBic = localName(org) === 'OrgId' ? firstElement(org) : 0;
      if (anyBic !== 0 && localName(anyBic) === 'AnyBIC') out.bic = textOf(anyBic);
    }
  }
  return out;
}

/** Id/IBAN or Id/Othr/Id of a CashAccount38. */
function account(element: NodePtr): AccountRef {
  const choice = firstElement(firstElement(element)); // Id comes first, then IBAN | Othr
  return localName(choice) === 'IBAN'
    ? { iban: textOf(choice) }
    : { other: textOf(firstElement(choice)) };
}

function readPaymentId(element: NodePtr, out: Mutable<Partial<InboundTransaction>>): void {
  for (let child = firstElement(element); child !== 0; child = nextElement(child)) {
    switch (localName(child)) {
      case 'InstrId':
        out.instrId = textOf(child);
        break;
      case 'EndToEndId':
        out.endToEndId = textOf(child);
        break;
      case 'TxId':
        out.txId = textOf(child);
        break;
      case 'UETR':
        out.uetr = textOf(child).toLowerCase();
        break;
      default:
        break;
    }
  }
}

function readRemittance(kind: InboundKind, element: NodePtr): string[] {
  const lines: string[] = [];
  for (let child = firstElement(element); child !== 0; child = nextElement(child)) {
    const name = localName(child);
    if (name === 'Ustrd') lines.push(textOf(child));
    else if (kind === 'pacs.008.001.09' && name === 'Strd') {
      const creditorReference = childNamed(child, 'CdtrRefInf');
      const reference = creditorReference === 0 ? 0 : childNamed(creditorReference, 'Ref');
      if (reference !== 0) lines.push(textOf(reference));
    }
  }
  return lines;
}

function readTransaction(kind: InboundKind, tx: NodePtr, index: number): InboundTransaction {
  const out: Mutable<Partial<InboundTransaction>> = { index };
  const pacs008 = kind === 'pacs.008.001.09';
  for (let element = firstElement(tx); element !== 0; element = nextElement(element)) {
    switch (localName(element)) {
      case 'PmtId':
        readPaymentId(element, out);
        break;
      case 'IntrBkSttlmAmt':
        out.amount = { currency: attributeOf(element, 'Ccy') ?? '', decimal: collapsed(element) };
        break;
      case 'IntrBkSttlmDt':
        out.settlementDate = collapsed(element);
        break;
      case 'ChrgBr':
        out.chargeBearer = textOf(element);
        break;
      case 'InstgAgt':
        out.instructingAgentBic = agentBic(element);
        break;
      case 'InstdAgt':
        out.instructedAgentBic = agentBic(element);
        break;
      case 'Dbtr':
        out.debtor = pacs008 ? party(element) : institution(element);
        break;
      case 'DbtrAcct':
        out.debtorAccount = account(element);
        break;
      case 'DbtrAgt':
        out.debtorAgentBic = agentBic(element);
        break;
      case 'Cdtr':
        out.creditor = pacs008 ? party(element) : institution(element);
        break;
      case 'CdtrAcct':
        out.creditorAccount = account(element);
        break;
      case 'CdtrAgt':
        out.creditorAgentBic = agentBic(element);
        break;
      case 'Purp':
        out.purpose = textOf(firstElement(element)); // Cd | Prtry
        break;
      case 'RmtInf': {
        const lines = readRemittance(kind, element);
        if (lines.length > 0) out.remittance = lines;
        break;
      }
      default:
        break;
    }
  }
  return out as InboundTransaction;
}

// --- Amounts ------------------------------------------------------------------------------------

/** The currencies vostro settles in ISO 20022 messages. */
export const ISO_CURRENCIES: readonly string[] = ['INR', 'RUB'];

/** xs:decimal's lexical form, as the schema lets a message write an amount. */
const XS_DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/;

/**
 * An amount as written in a message (`decimal`, already valid for the schema: xs:decimal, at
 * most 18 digits, not negative) in exact minor units of `currency`. More decimals than the
 * currency has is a refusal, never a rounding — even when they are zeros, as ISO 4217 fixes the
 * number of decimals a currency is written with. Currencies other than INR and RUB are refused.
 */
export function toMinorUnits(
  decimal: string,
  currency: string,
): bigint | { reason: 'currency' | 'decimals'; message: string } {
  const known = ISO_CURRENCIES.includes(currency) ? currencyByCode(currency) : undefined;
  if (known === undefined) {
    return {
      reason: 'currency',
      message: `currency "${currency}" is not settled here: amounts are in ${ISO_CURRENCIES.join(' or ')}`,
    };
  }
  const text = decimal.trim();
  const match = XS_DECIMAL.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (match === null || (whole === '' && fraction === '')) {
    throw new RangeError(`"${decimal}" is not a decimal number (the schema lets none through)`);
  }
  if (fraction.length > known.exponent) {
    return {
      reason: 'decimals',
      message: `${text} ${currency} has ${fraction.length} decimals; ${currency} has ${known.exponent} (amounts are never rounded)`,
    };
  }
  const minor = BigInt(`${whole === '' ? '0' : whole}${fraction.padEnd(known.exponent, '0')}`);
  if (match[1] === '-' && minor !== 0n) {
    throw new RangeError(`"${decimal}" is negative (the schema lets none through)`);
  }
  return minor;
}
