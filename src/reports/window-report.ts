import { currencyByCode, formatAmount, type Currency } from '../ledger/currency.js';
import type { Hub } from '../hub/hub.js';
import { truncatedDecimal, type NettingEfficiency } from '../settlement/efficiency.js';
import type { WindowRecord } from '../settlement/windows.js';
import { csvText, toCsv } from './csv.js';
import { htmlDocument, htmlHeading, htmlParagraph, htmlSummary, htmlTable } from './html.js';
import { isoOfNs } from '../domain/time.js';

/**
 * The settlement report of one closed (or settled) window: what `WindowService.net` computes,
 * with participant names from the registry, in three renderings.
 *
 * - `buildWindowReport` reads the window and nets it; amounts stay bigint minor units.
 * - `windowReportJson`: amounts as major-unit decimal strings (`formatAmount`), never numbers;
 *   counts as numbers; timestamps as ns decimal strings beside ISO 8601 times.
 * - CSV: ONE RFC 4180 TABLE PER FUNCTION CALL, never several tables in one file (a file of mixed
 *   tables is no longer RFC 4180 and no CSV reader takes it). `windowReportCsv(report, table)`
 *   renders one of `WINDOW_CSV_TABLES` (summary, positions, instructions, bilateral,
 *   bilateral_instructions), each with a header row; amounts in major units as in JSON.
 * - `windowReportHtml`: one printable, self-contained page (see html.ts).
 *
 * Signs: a position's net is credits − debits (positive: the hub pays the participant out;
 * negative: it pays in); a bilateral net is from participant A's side (A < B by id): positive, B
 * owes A. Efficiency is 1 − moved / gross, truncated (never rounded up) to 4 decimals, with the
 * exact fraction in JSON; absent (null / empty) when gross is 0.
 */
export interface WindowReport {
  readonly windowId: string;
  readonly currency: string;
  readonly status: WindowRecord['status'];
  /** The window holds transfers with openedAfterNs < timestamp ≤ closedAtNs. */
  readonly openedAfterNs: bigint;
  readonly closedAtNs: bigint;
  readonly openedAtIso: string;
  readonly closedAtIso: string | undefined;
  readonly closedBy: string | undefined;
  readonly settledAtIso: string | undefined;
  readonly settlementTransfers: readonly string[];
  /** Interbank payments netted. */
  readonly transferCount: number;
  /** Payments between accounts that settle with the same participant (not netted). */
  readonly onUsCount: number;
  /** Transfers the netting read, as WindowService.net counts them. */
  readonly transfersScanned: number;
  readonly grossMinor: bigint;
  readonly movedMinor: bigint;
  readonly efficiency: NettingEfficiency | null;
  readonly bilateralMovedMinor: bigint;
  readonly bilateralEfficiency: NettingEfficiency | null;
  readonly positions: readonly {
    participant: string;
    name: string;
    debitsMinor: bigint;
    creditsMinor: bigint;
    netMinor: bigint;
  }[];
  readonly instructions: readonly {
    kind: 'pay_in' | 'pay_out';
    participant: string;
    name: string;
    amountMinor: bigint;
  }[];
  readonly bilateral: readonly {
    participantA: string;
    nameA: string;
    participantB: string;
    nameB: string;
    aToBMinor: bigint;
    bToAMinor: bigint;
    netMinor: bigint;
  }[];
  readonly bilateralInstructions: readonly {
    payer: string;
    payerName: string;
    payee: string;
    payeeName: string;
    amountMinor: bigint;
  }[];
  readonly generatedAtIso: string;
}

type Services = Pick<Hub, 'windows' | 'participants'>;

/** Nets window `windowId` (refused while it is open: window_not_closed) and names its participants. */
export async function buildWindowReport(
  hub: Services,
  windowId: string,
  options: { now?: Date } = {},
): Promise<WindowReport> {
  const { window, netting, transfersScanned } = await hub.windows.net(windowId);
  const names = new Map(
    (await hub.participants.all()).map((participant) => [participant.id, participant.name]),
  );
  const name = (id: string): string => names.get(id) ?? id;
  return {
    windowId: window.id,
    currency: window.currency,
    status: window.status,
    openedAfterNs: BigInt(window.openedAfter),
    closedAtNs: BigInt(window.closedAt ?? '0'),
    openedAtIso: window.openedAtIso,
    closedAtIso: window.closedAtIso,
    closedBy: window.closedBy,
    settledAtIso: window.settledAtIso,
    settlementTransfers: window.settlementTransfers ?? [],
    transferCount: netting?.transferCount ?? 0,
    onUsCount: netting?.onUsCount ?? 0,
    transfersScanned,
    grossMinor: netting?.grossMinor ?? 0n,
    movedMinor: netting?.movedMinor ?? 0n,
    efficiency: netting?.efficiency ?? null,
    bilateralMovedMinor: netting?.bilateralMovedMinor ?? 0n,
    bilateralEfficiency: netting?.bilateralEfficiency ?? null,
    positions: (netting?.positions ?? []).map((position) => ({
      ...position,
      name: name(position.participant),
    })),
    instructions: (netting?.instructions ?? []).map((instruction) => ({
      ...instruction,
      name: name(instruction.participant),
    })),
    bilateral: (netting?.bilateral ?? []).map((pair) => ({
      ...pair,
      nameA: name(pair.participantA),
      nameB: name(pair.participantB),
    })),
    bilateralInstructions: (netting?.bilateralInstructions ?? []).map((instruction) => ({
      ...instruction,
      payerName: name(instruction.payer),
      payeeName: name(instruction.payee),
    })),
    generatedAtIso: (options.now ?? new Date()).toISOString(),
  };
}

function currencyOf(report: WindowReport): Currency {
  const currency = currencyByCode(report.currency);
  if (currency === undefined)
    throw new Error(`bug: window ${report.windowId} in unknown currency ${report.currency}`);
  return currency;
}

function efficiencyJson(
  efficiency: NettingEfficiency | null,
): { text: string; numerator: string; denominator: string } | null {
  return efficiency === null
    ? null
    : {
        text: efficiency.text,
        numerator: efficiency.numerator.toString(),
        denominator: efficiency.denominator.toString(),
      };
}

/** The report as JSON-ready values: amounts are major-unit decimal strings. */
export function windowReportJson(report: WindowReport) {
  const currency = currencyOf(report);
  const amount = (minor: bigint): string => formatAmount(minor, currency);
  return {
    window: {
      id: report.windowId,
      currency: report.currency,
      status: report.status,
      openedAfter: {
        timestamp: report.openedAfterNs.toString(),
        time: isoOfNs(report.openedAfterNs),
      },
      closedAt: { timestamp: report.closedAtNs.toString(), time: isoOfNs(report.closedAtNs) },
      openedAtTime: report.openedAtIso,
      closedAtTime: report.closedAtIso ?? null,
      closedBy: report.closedBy ?? null,
      settledAt: report.settledAtIso ?? null,
      settlementTransfers: [...report.settlementTransfers],
    },
    summary: {
      transferCount: report.transferCount,
      onUsCount: report.onUsCount,
      transfersScanned: report.transfersScanned,
      participantCount: report.positions.length,
      gross: amount(report.grossMinor),
      moved: amount(report.movedMinor),
      saved: amount(report.grossMinor - report.movedMinor),
      efficiency: efficiencyJson(report.efficiency),
      bilateralMoved: amount(report.bilateralMovedMinor),
      bilateralEfficiency: efficiencyJson(report.bilateralEfficiency),
    },
    positions: report.positions.map((position) => ({
      participant: position.participant,
      name: position.name,
      debits: amount(position.debitsMinor),
      credits: amount(position.creditsMinor),
      net: amount(position.netMinor),
    })),
    instructions: report.instructions.map((instruction) => ({
      kind: instruction.kind,
      participant: instruction.participant,
      name: instruction.name,
      amount: amount(instruction.amountMinor),
    })),
    bilateral: report.bilateral.map((pair) => ({
      participantA: pair.participantA,
      nameA: pair.nameA,
      participantB: pair.participantB,
      nameB: pair.nameB,
      aToB: amount(pair.aToBMinor),
      bToA: amount(pair.bToAMinor),
      net: amount(pair.netMinor),
    })),
    bilateralInstructions: report.bilateralInstructions.map((instruction) => ({
      payer: instruction.payer,
      payerName: instruction.payerName,
      payee: instruction.payee,
      payeeName: instruction.payeeName,
      amount: amount(instruction.amountMinor),
    })),
    generatedAt: report.generatedAtIso,
  };
}

export const WINDOW_CSV_TABLES = [
  'summary',
  'positions',
  'instructions',
  'bilateral',
  'bilateral_instructions',
] as const;
export type WindowCsvTable = (typeof WINDOW_CSV_TABLES)[number];

/**
 * One table of the report as an RFC 4180 document with a header row (CRLF line ends). `summary`
 * is one row of the header figures; the others one row per entry. Free text (names) carries the
 * spreadsheet guard of csv.ts.
 */
export function windowReportCsv(report: WindowReport, table: WindowCsvTable): string {
  const currency = currencyOf(report);
  const amount = (minor: bigint): string => formatAmount(minor, currency);
  const c = report.currency;
  switch (table) {
    case 'summary':
      return toCsv(
        [
          'window',
          'currency',
          'status',
          'opened_after',
          'closed_at',
          'closed_at_timestamp',
          'settled_at',
          'transfer_count',
          'on_us_count',
          'participant_count',
          'gross',
          'moved',
          'efficiency',
          'bilateral_moved',
          'bilateral_efficiency',
        ],
        [
          [
            report.windowId,
            c,
            report.status,
            isoOfNs(report.openedAfterNs),
            isoOfNs(report.closedAtNs),
            report.closedAtNs.toString(),
            report.settledAtIso ?? '',
            String(report.transferCount),
            String(report.onUsCount),
            String(report.positions.length),
            amount(report.grossMinor),
            amount(report.movedMinor),
            report.efficiency?.text ?? '',
            amount(report.bilateralMovedMinor),
            report.bilateralEfficiency?.text ?? '',
          ],
        ],
      );
    case 'positions':
      return toCsv(
        ['window', 'currency', 'participant', 'name', 'debits', 'credits', 'net'],
        report.positions.map((p) => [
          report.windowId,
          c,
          p.participant,
          csvText(p.name),
          amount(p.debitsMinor),
          amount(p.creditsMinor),
          amount(p.netMinor),
        ]),
      );
    case 'instructions':
      return toCsv(
        ['window', 'currency', 'kind', 'participant', 'name', 'amount'],
        report.instructions.map((i) => [
          report.windowId,
          c,
          i.kind,
          i.participant,
          csvText(i.name),
          amount(i.amountMinor),
        ]),
      );
    case 'bilateral':
      return toCsv(
        [
          'window',
          'currency',
          'participant_a',
          'name_a',
          'participant_b',
          'name_b',
          'a_to_b',
          'b_to_a',
          'net_for_a',
        ],
        report.bilateral.map((p) => [
          report.windowId,
          c,
          p.participantA,
          csvText(p.nameA),
          p.participantB,
          csvText(p.nameB),
          amount(p.aToBMinor),
          amount(p.bToAMinor),
          amount(p.netMinor),
        ]),
      );
    case 'bilateral_instructions':
      return toCsv(
        ['window', 'currency', 'payer', 'payer_name', 'payee', 'payee_name', 'amount'],
        report.bilateralInstructions.map((i) => [
          report.windowId,
          c,
          i.payer,
          csvText(i.payerName),
          i.payee,
          csvText(i.payeeName),
          amount(i.amountMinor),
        ]),
      );
  }
}

/** Every table, by name, in the order of WINDOW_CSV_TABLES (for writing one file per table). */
export function windowReportCsvTables(
  report: WindowReport,
): { readonly table: WindowCsvTable; readonly csv: string }[] {
  return WINDOW_CSV_TABLES.map((table) => ({ table, csv: windowReportCsv(report, table) }));
}

/** The report as one printable, self-contained HTML page. */
export function windowReportHtml(report: WindowReport): string {
  const currency = currencyOf(report);
  const amount = (minor: bigint): string => formatAmount(minor, currency);
  const c = report.currency;
  const percent = (efficiency: NettingEfficiency | null): string =>
    efficiency === null
      ? 'n/a (nothing to net)'
      : `${truncatedDecimal({ numerator: efficiency.numerator * 100n, denominator: efficiency.denominator }, 2)} % (exactly ${efficiency.numerator}/${efficiency.denominator})`;
  const pays = report.instructions
    .filter((i) => i.kind === 'pay_in')
    .reduce((sum, i) => sum + i.amountMinor, 0n);
  const body = [
    htmlHeading(1, `Settlement report ${report.windowId}`),
    htmlParagraph(`${c} settlement window ${report.windowId}: ${report.status}`, 'sub'),
    htmlSummary([
      ['Window', report.windowId],
      ['Currency', `${c} (${currency.name})`],
      ['Status', report.status],
      [
        'Opened after',
        report.openedAfterNs === 0n
          ? 'the start of the ledger'
          : `${isoOfNs(report.openedAfterNs)} (ledger timestamp ${report.openedAfterNs})`,
      ],
      ['Closed at', `${isoOfNs(report.closedAtNs)} (ledger timestamp ${report.closedAtNs})`],
      ['Closed by', report.closedBy ?? '—'],
      ['Settled at', report.settledAtIso ?? 'not settled'],
      ['Interbank payments', String(report.transferCount)],
      ['On-us payments (not netted)', String(report.onUsCount)],
      ['Gross', `${amount(report.grossMinor)} ${c}`],
      ['Moved (multilateral)', `${amount(report.movedMinor)} ${c}`],
      ['Saved by netting', `${amount(report.grossMinor - report.movedMinor)} ${c}`],
      ['Netting efficiency', percent(report.efficiency)],
      ['Moved (bilateral)', `${amount(report.bilateralMovedMinor)} ${c}`],
      ['Bilateral efficiency', percent(report.bilateralEfficiency)],
    ]),
    htmlHeading(2, 'Multilateral net positions'),
    htmlTable(
      [
        { label: 'Participant', id: true },
        { label: 'Name' },
        { label: `Debits (${c})`, numeric: true },
        { label: `Credits (${c})`, numeric: true },
        { label: `Net (${c})`, numeric: true },
      ],
      report.positions.map((p) => [
        p.participant,
        p.name,
        amount(p.debitsMinor),
        amount(p.creditsMinor),
        amount(p.netMinor),
      ]),
      {
        empty: 'no interbank payments in this window',
        total:
          report.positions.length === 0
            ? undefined
            : ['Total', '', amount(report.grossMinor), amount(report.grossMinor), amount(0n)],
      },
    ),
    htmlParagraph(
      'Net = credits − debits: positive, the hub pays the participant out; negative, the participant pays in.',
      'note',
    ),
    htmlHeading(2, 'Settlement instructions (through the hub)'),
    htmlTable(
      [
        { label: 'Instruction' },
        { label: 'Participant', id: true },
        { label: 'Name' },
        { label: `Amount (${c})`, numeric: true },
      ],
      report.instructions.map((i) => [
        i.kind === 'pay_in' ? 'pay in' : 'pay out',
        i.participant,
        i.name,
        amount(i.amountMinor),
      ]),
      {
        empty: 'nothing to settle',
        total:
          report.instructions.length === 0
            ? undefined
            : ['Pay-ins = pay-outs', '', '', amount(pays)],
      },
    ),
    ...(report.settlementTransfers.length === 0
      ? []
      : [htmlParagraph(`Settled by transfers ${report.settlementTransfers.join(', ')}.`, 'note')]),
    htmlHeading(2, 'Bilateral positions'),
    htmlTable(
      [
        { label: 'A', id: true },
        { label: 'Name A' },
        { label: 'B', id: true },
        { label: 'Name B' },
        { label: `A → B (${c})`, numeric: true },
        { label: `B → A (${c})`, numeric: true },
        { label: `Net for A (${c})`, numeric: true },
      ],
      report.bilateral.map((p) => [
        p.participantA,
        p.nameA,
        p.participantB,
        p.nameB,
        amount(p.aToBMinor),
        amount(p.bToAMinor),
        amount(p.netMinor),
      ]),
      { empty: 'no interbank payments in this window' },
    ),
    htmlHeading(2, 'Bilateral settlement instructions (for comparison)'),
    htmlTable(
      [
        { label: 'Payer', id: true },
        { label: 'Payer name' },
        { label: 'Payee', id: true },
        { label: 'Payee name' },
        { label: `Amount (${c})`, numeric: true },
      ],
      report.bilateralInstructions.map((i) => [
        i.payer,
        i.payerName,
        i.payee,
        i.payeeName,
        amount(i.amountMinor),
      ]),
      {
        empty: 'nothing to settle bilaterally',
        total:
          report.bilateralInstructions.length === 0
            ? undefined
            : ['Total', '', '', '', amount(report.bilateralMovedMinor)],
      },
    ),
  ];
  return htmlDocument(
    `Settlement report ${report.windowId}`,
    body,
    `vostro clearing hub · generated ${report.generatedAtIso} · amounts in ${c} major units`,
  );
}
