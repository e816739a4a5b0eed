import { Type, type Static } from '@sinclair/typebox';
import { PageLimit, problemResponse, Uuid } from './schemas.js';

/**
 * Schemas of the ISO 20022 routes. Their bodies are XML, which the description publishes as text
 * with an example; the JSON parts (path and query parameters, problems) are validated like every
 * other route's.
 */
const strict = { additionalProperties: false } as const;

/** The media type ISO 20022 messages are answered with. */
export const XML_MEDIA_TYPE = 'application/xml; charset=utf-8';

const PACS_008_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>SBIN-20261120-0001</MsgId>
      <CreDtTm>2026-11-20T09:30:00Z</CreDtTm>
      <NbOfTxs>1</NbOfTxs>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
      <InstgAgt><FinInstnId><BICFI>SBININBBXXX</BICFI></FinInstnId></InstgAgt>
      <InstdAgt><FinInstnId><BICFI>BARBINBBXXX</BICFI></FinInstnId></InstdAgt>
    </GrpHdr>
    <CdtTrfTxInf>
      <PmtId><EndToEndId>INV-2026-114</EndToEndId><UETR>0193a1f0-6c1e-4c3a-9f1e-2b6c8d0e4a51</UETR></PmtId>
      <IntrBkSttlmAmt Ccy="INR">12500.00</IntrBkSttlmAmt>
      <ChrgBr>SHAR</ChrgBr>
      <Dbtr><Nm>Rice Exports Ltd</Nm></Dbtr>
      <DbtrAcct><Id><Othr><Id>7868…</Id></Othr></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>SBININBBXXX</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>BARBINBBXXX</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>VTB Bank</Nm></Cdtr>
      <CdtrAcct><Id><Othr><Id>1c4f…</Id></Othr></Id></CdtrAcct>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>`;

const PACS_002_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.11">
  <FIToFIPmtStsRpt>
    <GrpHdr><MsgId>…</MsgId><CreDtTm>2026-11-20T09:30:00.120Z</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>SBIN-20261120-0001</OrgnlMsgId>
      <OrgnlMsgNmId>pacs.008.001.09</OrgnlMsgNmId>
      <GrpSts>ACSC</GrpSts>
    </OrgnlGrpInfAndSts>
    <TxInfAndSts>
      <OrgnlEndToEndId>INV-2026-114</OrgnlEndToEndId>
      <OrgnlUETR>0193a1f0-6c1e-4c3a-9f1e-2b6c8d0e4a51</OrgnlUETR>
      <TxSts>ACSC</TxSts>
    </TxInfAndSts>
  </FIToFIPmtStsRpt>
</Document>`;

const CAMT_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">…</Document>`;

/** An XML document as the description shows it: text, with an example. */
const xmlText = (description: string, example: string) =>
  Type.String({ description, examples: [example] });

/** The body of POST /v1/iso20022/messages, per media type. */
export const IsoMessageBody = {
  content: {
    'application/xml': {
      schema: xmlText(
        'a pacs.008.001.09 or pacs.009.001.09 message, UTF-8, at most 8 MiB, without a DOCTYPE',
        PACS_008_EXAMPLE,
      ),
    },
    'text/xml': {
      schema: xmlText('the same, as text/xml', PACS_008_EXAMPLE),
    },
  },
};

/** A response whose body is an ISO 20022 message. */
export const xmlResponse = (description: string, example: 'pacs.002' | 'camt') => ({
  description,
  content: {
    'application/xml': {
      schema: xmlText(description, example === 'pacs.002' ? PACS_002_EXAMPLE : CAMT_EXAMPLE),
    },
  },
});

/** The problems the submission route answers with besides the common ones. */
export const submitProblems = {
  400: problemResponse(
    'the body is not well-formed XML (not_xml), or holds a DOCTYPE or entity declaration (xml_doctype_refused): refused before parsing',
  ),
  403: problemResponse(
    'the key’s role may not submit, or the instructing agent of the message is not the key’s participant',
  ),
  413: problemResponse('the message is larger than 8 MiB'),
  415: problemResponse('the body is not application/xml or text/xml'),
  422: problemResponse(
    'a message or version the hub does not take (unsupported_message, unsupported_message_version: the detail names the namespace found and the ones supported)',
  ),
};

const MESSAGE_KEY_PATTERN = '^[A-Z0-9]{8}([A-Z0-9]{3})?:[^\\u0000-\\u001f]{1,35}$';
export const IsoMessageParams = Type.Object(
  {
    id: Type.String({
      pattern: MESSAGE_KEY_PATTERN,
      maxLength: 47,
      description:
        'the stored message: <instructing agent BIC>:<MsgId>, as the vostro-message-id header of the submission said',
      examples: ['SBININBBXXX:SBIN-20261120-0001'],
    }),
  },
  strict,
);
export type IsoMessageParams = Static<typeof IsoMessageParams>;

export const IsoAccountParams = Type.Object({ id: Uuid }, strict);
export type IsoAccountParams = Static<typeof IsoAccountParams>;

export const StatementQuery = Type.Object(
  {
    date: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'the UTC day of the statement, YYYY-MM-DD',
      examples: ['2026-11-20'],
    }),
  },
  strict,
);
export type StatementQuery = Static<typeof StatementQuery>;

export const NotificationsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: '^(0|[1-9][0-9]{0,18})$',
        description:
          'only entries of events after this event id (the vostro-last-event-id header of the previous answer)',
      }),
    ),
    limit: Type.Optional(PageLimit),
  },
  strict,
);
export type NotificationsQuery = Static<typeof NotificationsQuery>;
