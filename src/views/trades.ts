import type { PresentationRecord } from '../trade/presentations.js';
import type { TradeRecord } from '../trade/trades.js';
import { amountsIn } from './amounts.js';

/**
 * Trades and their presentations as the API (`/v1/trades/…`) and the CLI's `trade … --json` show
 * them. Amounts are decimal strings in major units of the trade's currency. A trade carries its
 * `terms`: exactly what a document is checked against, so `vostro document verify --trade` reads
 * this view back for an offline verification.
 */
export function tradeJson(trade: TradeRecord) {
  const total = amountsIn(trade.currency)(BigInt(trade.totalMinor));
  const terms = trade.paymentTerms;
  return {
    id: trade.id,
    status: trade.status,
    exporter: trade.exporter,
    importer: trade.importer,
    exporterBank: trade.exporterBank,
    importerBank: trade.importerBank,
    currency: trade.currency,
    lines: trade.lines.map((line) => ({
      hs: line.hs,
      description: line.description,
      quantity: line.quantity,
      unit: line.unit,
      unitPrice: line.unitPrice,
    })),
    total,
    incoterm: { rule: trade.incoterm.rule, place: trade.incoterm.place },
    latestShipmentDate: trade.latestShipmentDate,
    ...(trade.corridor === undefined ? {} : { corridor: trade.corridor }),
    paymentTerms:
      terms.kind === 'documentary_credit'
        ? { ...terms, requiredDocuments: [...terms.requiredDocuments] }
        : { ...terms },
    createdBy: trade.createdBy,
    createdAt: trade.createdAt,
    ...(trade.agreedAt === undefined ? {} : { agreedAt: trade.agreedAt }),
    ...(trade.shippedAt === undefined ? {} : { shippedAt: trade.shippedAt }),
    ...(trade.presentedAt === undefined ? {} : { presentedAt: trade.presentedAt }),
    ...(trade.paidAt === undefined ? {} : { paidAt: trade.paidAt }),
    ...(trade.reservation === undefined ? {} : { reservation: trade.reservation }),
    history: trade.history.map((change) => ({
      status: change.status,
      at: change.at,
      by: change.by,
      ...(change.reason === undefined ? {} : { reason: change.reason }),
    })),
    terms: {
      id: trade.id,
      exporter: trade.exporter,
      importer: trade.importer,
      currency: trade.currency,
      lines: trade.lines.map((line) => ({
        hs: line.hs,
        quantity: line.quantity,
        unit: line.unit,
        unitPrice: line.unitPrice,
      })),
      total,
      latestShipmentDate: trade.latestShipmentDate,
      ...(terms.kind === 'documentary_credit'
        ? { presentationPeriodDays: terms.presentationPeriodDays, expiryDate: terms.expiryDate }
        : {}),
    },
  };
}

/** A presentation: the documents presented, what was found, and the payment it released if accepted. */
export function presentationJson(record: PresentationRecord) {
  return {
    id: record.id,
    trade: record.trade,
    documents: [...record.documents],
    status: record.status,
    discrepancies: record.discrepancies.map((discrepancy) => ({
      ...(discrepancy.document === undefined ? {} : { document: discrepancy.document }),
      check: discrepancy.check,
      reason: discrepancy.reason,
    })),
    presentedBy: record.presentedBy,
    presentedAt: record.presentedAt,
    ...(record.payment === undefined ? {} : { payment: record.payment }),
  };
}
