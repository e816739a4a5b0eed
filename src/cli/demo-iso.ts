import { derivedId } from '../ledger/ids.js';

/**
 * The ISO 20022 part of the demo: one pacs.008.001.09 customer credit transfer, submitted through
 * the same service as `vostro iso20022 submit` and `POST /v1/iso20022/messages`. Chambal
 * Fertilisers, a customer of State Bank of India, pays PhosAgro, a Russian exporter banking with
 * VTB, in rupees into VTB's Special Rupee Vostro Account at Bank of Baroda. Its payment, events,
 * pacs.002 and the accounts' camt.053 statements are then there to look at. The BICs are the
 * demo's own (DEMO…), not real institutions'.
 */
export const DEMO_BICS: Readonly<Record<string, string>> = {
  sbi: 'DEMOINBBXXX',
  bob: 'DEMOINBDXXX',
  sberbank: 'DEMORUMMXXX',
  vtb: 'DEMORUMVXXX',
  'indorus-fx': 'DEMOINFXXXX',
};

/** What the demo message pays, for the counts and the text `start` prints. */
export const DEMO_ISO_PAYMENT = {
  amount: '8450000.00',
  currency: 'INR',
  endToEndId: 'PA-INV-2026-0311',
  uetr: derivedUuid4('vostro:demo:pacs.008:1'),
} as const;

/**
 * The message, dated `now`: the payer and payee accounts are written as the vostro account ids in
 * 32 hex digits (the form every account answers to without registering an identifier).
 */
export function demoPacs008(
  now: Date,
  accounts: { readonly payer: string; readonly payee: string },
): string {
  const day = now.toISOString().slice(0, 10);
  const hex = (id: string): string => id.replaceAll('-', '');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>DEMO-SBI-${day.replaceAll('-', '')}-0001</MsgId>
      <CreDtTm>${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}</CreDtTm>
      <NbOfTxs>1</NbOfTxs>
      <CtrlSum>${DEMO_ISO_PAYMENT.amount}</CtrlSum>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
      <InstgAgt><FinInstnId><BICFI>${DEMO_BICS['sbi']}</BICFI></FinInstnId></InstgAgt>
      <InstdAgt><FinInstnId><BICFI>${DEMO_BICS['bob']}</BICFI></FinInstnId></InstdAgt>
    </GrpHdr>
    <CdtTrfTxInf>
      <PmtId>
        <InstrId>SBI-ISO-0001</InstrId>
        <EndToEndId>${DEMO_ISO_PAYMENT.endToEndId}</EndToEndId>
        <UETR>${DEMO_ISO_PAYMENT.uetr}</UETR>
      </PmtId>
      <IntrBkSttlmAmt Ccy="${DEMO_ISO_PAYMENT.currency}">${DEMO_ISO_PAYMENT.amount}</IntrBkSttlmAmt>
      <IntrBkSttlmDt>${day}</IntrBkSttlmDt>
      <ChrgBr>SHAR</ChrgBr>
      <Dbtr><Nm>Chambal Fertilisers and Chemicals Limited</Nm></Dbtr>
      <DbtrAcct><Id><Othr><Id>${hex(accounts.payer)}</Id></Othr></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>${DEMO_BICS['sbi']}</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>${DEMO_BICS['bob']}</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>PhosAgro PJSC</Nm></Cdtr>
      <CdtrAcct><Id><Othr><Id>${hex(accounts.payee)}</Id></Othr></Id></CdtrAcct>
      <Purp><Cd>GDDS</Cd></Purp>
      <RmtInf><Ustrd>${DEMO_ISO_PAYMENT.endToEndId} diammonium phosphate, 2,000 t, CFR Kandla</Ustrd></RmtInf>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>
`;
}

/** A UUID of version 4's form (as UETR requires), derived from a name so the demo is the same everywhere. */
function derivedUuid4(name: string): string {
  const id = derivedId(name);
  return `${id.slice(0, 14)}4${id.slice(15)}`;
}
