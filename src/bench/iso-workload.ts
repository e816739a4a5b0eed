/**
 * The world the ISO 20022 and webhook benchmarks run in, seeded in-process through the same Hub
 * services as the API (before the server under test opens the file): Indian banks with BICs and
 * rupee accounts, each with corporate customers whose accounts are funded, and net debit caps high
 * enough that no payment of the run is refused for its cap. Also the pacs.008 messages they send.
 */
import { randomUUID } from 'node:crypto';
import { ApiKeys } from '../access/api-keys.js';
import { CLI_ACTOR } from '../domain/actor.js';
import { Hub } from '../hub/hub.js';
import { newTransferId } from '../ledger/ids.js';
import { Ledger } from '../ledger/ledger.js';
import { participantAccountId } from '../participants/accounts.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

export interface IsoBank {
  readonly id: string;
  readonly bic: string;
  /** The bank's participant API key. */
  readonly key: string;
  /** Its customers' rupee accounts, as 32 hex digits (the form `Othr/Id` takes). */
  readonly customers: readonly string[];
  /** The same accounts as account ids. */
  readonly customerIds: readonly string[];
}

export interface IsoWorld {
  readonly banks: readonly IsoBank[];
  readonly operatorKey: string;
}

/** Each customer's opening balance, rupees: enough for every payment of a run. */
const CUSTOMER_FUNDING_MINOR = 10_000_000_000_00n;

export async function seedIsoWorld(
  dbPath: string,
  shape: { readonly banks: number; readonly customersPerBank: number },
): Promise<IsoWorld> {
  const store = new SqliteStore({ path: dbPath });
  try {
    const ledger = new Ledger(store);
    const hub = new Hub(ledger);
    await hub.open(['INR'], CLI_ACTOR);
    const keys = new ApiKeys(ledger);
    const banks: IsoBank[] = [];
    for (let b = 0; b < shape.banks; b += 1) {
      const id = `bench-bank-${b}`;
      const bic = `BK${String(b).padStart(2, '0')}INBBXXX`;
      await hub.participants.create(
        { id, name: `Bench Bank ${b}`, kind: 'bank', country: 'IN', currencies: ['INR'], bic },
        CLI_ACTOR,
      );
      await hub.caps.set(id, 'INR', 1_000_000_000_000_00n, CLI_ACTOR);
      const customerIds: string[] = [];
      for (let c = 0; c < shape.customersPerBank; c += 1) {
        const customer = `bench-co-${b}-${c}`;
        await hub.participants.create(
          {
            id: customer,
            name: `Bench Customer ${b}-${c}`,
            kind: 'corporate',
            country: 'IN',
            bank: id,
            currencies: ['INR'],
          },
          CLI_ACTOR,
        );
        const account = participantAccountId(customer, 'INR', 'customer');
        await hub.payments.fund(
          {
            id: newTransferId(),
            account,
            amount: CUSTOMER_FUNDING_MINOR,
            reference: 'bench funding',
          },
          CLI_ACTOR,
        );
        customerIds.push(account);
      }
      const issued = await keys.issue(
        { role: 'participant', participant: id, label: 'bench' },
        CLI_ACTOR,
      );
      banks.push({
        id,
        bic,
        key: issued.key,
        customerIds,
        customers: customerIds.map((account) => account.replaceAll('-', '')),
      });
    }
    const operator = await keys.issue({ role: 'operator', label: 'bench' }, CLI_ACTOR);
    return { banks, operatorKey: operator.key };
  } finally {
    await store.close();
  }
}

const NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09';

function transaction(from: IsoBank, to: IsoBank, index: number, amount: string): string {
  const debtor = from.customers[index % from.customers.length] as string;
  const creditor = to.customers[(index * 7 + 3) % to.customers.length] as string;
  return (
    `<CdtTrfTxInf><PmtId><InstrId>I${index}</InstrId><EndToEndId>E2E-${index}</EndToEndId>` +
    `<UETR>${randomUUID()}</UETR></PmtId>` +
    `<IntrBkSttlmAmt Ccy="INR">${amount}</IntrBkSttlmAmt><ChrgBr>SHAR</ChrgBr>` +
    `<Dbtr><Nm>Bench Debtor</Nm></Dbtr><DbtrAcct><Id><Othr><Id>${debtor}</Id></Othr></Id></DbtrAcct>` +
    `<DbtrAgt><FinInstnId><BICFI>${from.bic}</BICFI></FinInstnId></DbtrAgt>` +
    `<CdtrAgt><FinInstnId><BICFI>${to.bic}</BICFI></FinInstnId></CdtrAgt>` +
    `<Cdtr><Nm>Bench Creditor</Nm></Cdtr><CdtrAcct><Id><Othr><Id>${creditor}</Id></Othr></Id></CdtrAcct>` +
    `<Purp><Cd>GDDS</Cd></Purp><RmtInf><Ustrd>Invoice ${index}</Ustrd></RmtInf></CdtTrfTxInf>`
  );
}

/**
 * A pacs.008.001.09 from `from` to `to` with `count` transactions between their customers, each
 * with a new UETR, per transaction (no batch booking), settled in the hub's books (CLRG).
 */
export function pacs008(from: IsoBank, to: IsoBank, count: number): string {
  let transactions = '';
  let sumMinor = 0n;
  for (let index = 0; index < count; index += 1) {
    const minor = BigInt(100 + ((index * 7919) % 100_000));
    sumMinor += minor;
    transactions += transaction(from, to, index, formatRupees(minor));
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="${NAMESPACE}"><FIToFICstmrCdtTrf>` +
    `<GrpHdr><MsgId>${randomUUID().replaceAll('-', '').slice(0, 35)}</MsgId>` +
    `<CreDtTm>${new Date().toISOString().slice(0, 19)}Z</CreDtTm><NbOfTxs>${count}</NbOfTxs>` +
    `<CtrlSum>${formatRupees(sumMinor)}</CtrlSum>` +
    `<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>` +
    `<InstgAgt><FinInstnId><BICFI>${from.bic}</BICFI></FinInstnId></InstgAgt>` +
    `<InstdAgt><FinInstnId><BICFI>${to.bic}</BICFI></FinInstnId></InstdAgt></GrpHdr>` +
    `${transactions}</FIToFICstmrCdtTrf></Document>`
  );
}

function formatRupees(minor: bigint): string {
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}
