import { WebhookService } from '../events/webhooks.js';
import { DEFAULT_WEBHOOK_ALLOWED_HOSTS } from '../events/webhook-urls.js';
import { FxService } from '../fx/service.js';
import { Iso20022Service } from '../iso20022/service.js';
import { IsoReaderPool } from '../iso20022/reader-pool.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Actor } from '../domain/actor.js';
import { ParticipantRegistry } from '../participants/registry.js';
import { CapService } from '../settlement/caps.js';
import { PaymentService } from '../settlement/payments.js';
import { SurplusService } from '../settlement/surplus.js';
import { WindowService } from '../settlement/windows.js';
import { VerifierPool } from '../documents/verify-pool.js';
import { PresentationService } from '../trade/presentations.js';
import { TrustRegister } from '../trade/register.js';
import { TitleService } from '../trade/titles.js';
import { TradeDocumentService } from '../trade/trade-documents.js';
import { TradeService } from '../trade/trades.js';

/**
 * The clearing hub's services over one ledger: participants and their accounts, payments with net
 * debit caps, settlement windows and netting, FX rates, quotes and payment versus payment. The API and the command line both work through it,
 * so a rule holds the same way whichever door a request comes in by.
 */
export class Hub {
  readonly participants: ParticipantRegistry;
  readonly payments: PaymentService;
  readonly caps: CapService;
  readonly windows: WindowService;
  readonly fx: FxService;
  readonly surplus: SurplusService;
  readonly trades: TradeService;
  /** The trust register: who may issue which trade documents, with which public keys. */
  readonly register: TrustRegister;
  /** Signed trade documents, verified at receipt and stored by hash; customs data exchange. */
  readonly documents: TradeDocumentService;
  /** Transferable bills of lading: one holder at a time. */
  readonly titles: TitleService;
  /** Presentations of documents under a documentary credit, which post its reserved payment. */
  readonly presentations: PresentationService;
  /** ISO 20022 messages in (pacs.008, pacs.009) and out (pacs.002, camt.053, camt.054). */
  readonly iso20022: Iso20022Service;

  /** Webhook endpoints and their delivery history (the dispatcher delivers: src/events/dispatcher.ts). */
  readonly webhooks: WebhookService;

  /**
   * `participants` may be given so that several users of one ledger share the registry's caches;
   * `webhookAllowedHosts` are the hosts webhook endpoints may be on (default 127.0.0.1, localhost).
   */
  constructor(
    readonly ledger: Ledger,
    participants?: ParticipantRegistry,
    options: { readonly webhookAllowedHosts?: readonly string[] } = {},
  ) {
    this.participants = participants ?? new ParticipantRegistry(ledger);
    // A corporate's transfer events are also its bank's; a vostro account's, the keeping bank's.
    ledger.setEventParties(this.participants.eventParties);
    // The monthly flow totals count each account under its owner's country and its viewers.
    ledger.setFlowAccounts(this.participants.flowAccounts);
    this.payments = new PaymentService(ledger, this.participants);
    this.caps = new CapService(ledger, this.participants);
    this.windows = new WindowService(ledger, this.participants);
    this.fx = new FxService(ledger, this.participants);
    this.surplus = new SurplusService(ledger, this.participants);
    this.trades = new TradeService(ledger, this.participants, this.payments);
    this.register = new TrustRegister(ledger);
    this.documents = new TradeDocumentService(ledger, this.register, this.trades);
    this.titles = new TitleService(ledger, this.register);
    // Presentations verify their documents on the shared worker pool (both cores), outside
    // their write transaction: see src/trade/presentations.ts.
    this.presentations = new PresentationService(
      ledger,
      this.trades,
      this.payments,
      this.register,
      (input, context) => VerifierPool.shared().verify(input, context),
    );
    this.iso20022 = new Iso20022Service(ledger, this.participants, this.payments, (xml) =>
      IsoReaderPool.shared().read(xml),
    );
    this.webhooks = new WebhookService(ledger, this.participants, {
      allowedHosts: options.webhookAllowedHosts ?? DEFAULT_WEBHOOK_ALLOWED_HOSTS,
    });
  }

  /** Opens the hub's own accounts in these currencies and its settlement bookkeeping, once (later calls change nothing). */
  async open(currencies: readonly string[], actor: Actor): Promise<void> {
    await this.participants.ensureHub(currencies, actor);
    await this.windows.prepare();
    await this.ledger.ensureFlowTotals();
  }
}
