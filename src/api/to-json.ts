import type { Static } from '@sinclair/typebox';
import type { QuoteRecord, SpreadRecord } from '../fx/service.js';
import type { Account as AccountValue, StoredTransfer } from '../ledger/model.js';
import type { VerifyReport as VerifyReportValue } from '../ledger/verify.js';
import type { ParticipantRecord } from '../participants/registry.js';
import type { CapStatus as CapStatusValue } from '../settlement/caps.js';
import type { CurrencyNetting } from '../settlement/netting.js';
import type { WindowRecord } from '../settlement/windows.js';
import type { StoredAuditEntry } from '../store/records.js';
import type { SignedTitleEntry } from '../documents/bill-of-lading.js';
import type {
  IssuerEntry,
  RegisterSnapshot as RegisterSnapshotValue,
} from '../documents/register-snapshot.js';
import type { VerificationReport as VerificationReportValue } from '../documents/verify.js';
import type { PresentationRecord } from '../trade/presentations.js';
import type { StoredTradeDocument } from '../trade/trade-documents.js';
import type { TradeRecord } from '../trade/trades.js';
import * as accounts from '../views/accounts.js';
import * as audit from '../views/audit.js';
import * as caps from '../views/caps.js';
import * as documents from '../views/documents.js';
import * as fx from '../views/fx.js';
import * as participants from '../views/participants.js';
import * as trades from '../views/trades.js';
import * as transfers from '../views/transfers.js';
import * as verify from '../views/verify.js';
import * as windows from '../views/windows.js';
import type { AuditEntry, Participant } from './hub-schemas.js';
import type { Account, AccountBalance, Transfer, VerifyReport } from './schemas.js';
import type {
  CapStatus,
  ParticipantPosition,
  Positions,
  Quote,
  Spread,
  Window,
} from './settlement-schemas.js';
import type {
  Issuer,
  Presentation,
  RegisterSnapshot,
  StoredDocument,
  TitleEntry,
  Trade,
  VerificationReport,
} from './trade-schemas.js';

/**
 * What the API answers with: the views of src/views (which the CLI's `--json` prints too), typed
 * here as the schemas' `Static` types, so the compiler checks them against what
 * `/v1/openapi.json` publishes.
 */

export const accountJson: (account: AccountValue) => Static<typeof Account> = accounts.accountJson;

export const accountBalanceJson: (
  account: AccountValue,
  asOfNs: bigint,
) => Static<typeof AccountBalance> = accounts.accountBalanceJson;

export const transferJson: (transfer: StoredTransfer) => Static<typeof Transfer> =
  transfers.transferJson;

export const verifyReportJson: (report: VerifyReportValue) => Static<typeof VerifyReport> =
  verify.verifyReportJson;

export const auditJson: (entry: StoredAuditEntry) => Static<typeof AuditEntry> = audit.auditJson;

export const participantJson: (record: ParticipantRecord) => Static<typeof Participant> =
  participants.participantJson;

export const capJson: (status: CapStatusValue) => Static<typeof CapStatus> = caps.capJson;

export const windowJson: (window: WindowRecord) => Static<typeof Window> = windows.windowJson;

export const positionsJson: (
  window: WindowRecord,
  netting: CurrencyNetting | undefined,
) => Static<typeof Positions> = windows.positionsJson;

export const participantPositionJson: (
  window: WindowRecord,
  netting: CurrencyNetting | undefined,
  participant: string,
) => Static<typeof ParticipantPosition> = windows.participantPositionJson;

export const spreadJson: (record: SpreadRecord) => Static<typeof Spread> = fx.spreadJson;

export const quoteJson: (quote: QuoteRecord) => Static<typeof Quote> = fx.quoteJson;

export const tradeJson: (trade: TradeRecord) => Static<typeof Trade> = trades.tradeJson;

export const presentationJson: (record: PresentationRecord) => Static<typeof Presentation> =
  trades.presentationJson;

export const verificationReportJson: (
  report: VerificationReportValue,
) => Static<typeof VerificationReport> = documents.verificationReportJson;

export const storedDocumentJson: (stored: StoredTradeDocument) => Static<typeof StoredDocument> =
  documents.storedDocumentJson;

export const issuerJson: (entry: IssuerEntry) => Static<typeof Issuer> = documents.issuerJson;

export const registerSnapshotJson: (
  snapshot: RegisterSnapshotValue,
) => Static<typeof RegisterSnapshot> = documents.registerSnapshotJson;

export const titleEntryJson: (entry: SignedTitleEntry) => Static<typeof TitleEntry> =
  documents.titleEntryJson;
