import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { currencyByCode } from '../../ledger/currency.js';
import { buildStatement, statementCsv, statementJson } from '../../reports/statement.js';
import {
  surplusNowJson,
  surplusSeriesCsv,
  surplusSeriesJson,
  sweepResultJson,
} from '../../reports/surplus-report.js';
import {
  buildWindowReport,
  WINDOW_CSV_TABLES,
  windowReportCsv,
  windowReportHtml,
  windowReportJson,
} from '../../reports/window-report.js';
import { SWEEP_INSTRUMENTS } from '../../settlement/surplus.js';
import { actorOf } from '../access.js';
import type { ApiContext } from '../context.js';
import { amountMinor } from '../from-json.js';
import { ParticipantId } from '../hub-schemas.js';
import {
  Amount,
  commonErrors,
  CurrencyCode,
  problemResponse,
  Reference,
  StringEnum,
  Uuid,
} from '../schemas.js';
import { WindowParams } from '../settlement-schemas.js';

const strict = { additionalProperties: false } as const;
const refused = {
  404: problemResponse('not found (or, for a participant key, not its own)'),
  409: problemResponse('conflicts with the current state (the window is still open)'),
  422: problemResponse('refused by the hub’s rules'),
};
const Document = Type.Object(
  {},
  { additionalProperties: true, description: 'the report as JSON: amounts as decimal strings' },
);
/** A report in the format asked for: JSON, CSV (RFC 4180, one table) or a printable HTML page. */
const formats = (description: string) => ({
  description,
  content: {
    'application/json': { schema: Document },
    'text/csv': { schema: Type.String() },
    'text/html': { schema: Type.String() },
  },
});

const ReportQuery = Type.Object(
  {
    format: Type.Optional(StringEnum(['json', 'csv', 'html'] as const)),
    table: Type.Optional(
      StringEnum([...WINDOW_CSV_TABLES], {
        description: 'for CSV: which table (default positions)',
      }),
    ),
  },
  strict,
);
type ReportQuery = Static<typeof ReportQuery>;
const StatementQuery = Type.Object(
  {
    from: Type.String({
      maxLength: 40,
      description: 'YYYY-MM-DD (00:00 UTC) or an ISO date-time with a zone',
    }),
    to: Type.String({ maxLength: 40, description: 'end of the period, exclusive' }),
    currency: Type.Optional(CurrencyCode),
    format: Type.Optional(StringEnum(['json', 'csv'] as const)),
  },
  strict,
);
type StatementQuery = Static<typeof StatementQuery>;
const SurplusQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    windows: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    utcOffsetMinutes: Type.Optional(Type.Integer({ minimum: -720, maximum: 840 })),
    format: Type.Optional(StringEnum(['json', 'csv'] as const)),
  },
  strict,
);
type SurplusQuery = Static<typeof SurplusQuery>;
const SweepCreate = Type.Object(
  {
    id: Uuid,
    bank: ParticipantId,
    amount: Amount,
    instrument: StringEnum([...SWEEP_INSTRUMENTS]),
    heldAt: Type.Optional(ParticipantId),
    reference: Type.Optional(Reference),
  },
  strict,
);
type SweepCreate = Static<typeof SweepCreate>;

/**
 * Reports: a closed window's settlement report, a participant's statement for a period, the rupee
 * surplus of Russian banks' vostro accounts, and the operator's sweep of a surplus into an
 * investment account.
 */
export function reportRoutes(context: ApiContext): FastifyPluginAsync {
  const hub = context.hub;
  return async (app) => {
    app.get<{ Params: WindowParams; Querystring: ReportQuery }>(
      '/windows/:id/report',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['reports'],
          operationId: 'getWindowReport',
          summary:
            'The settlement report of a closed window (format=json, csv with table=…, or html)',
          params: WindowParams,
          querystring: ReportQuery,
          response: { 200: formats('the report'), ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const report = await buildWindowReport(hub, request.params.id);
        const format = request.query.format ?? 'json';
        if (format === 'csv')
          return reply
            .type('text/csv; charset=utf-8')
            .send(windowReportCsv(report, request.query.table ?? 'positions'));
        if (format === 'html')
          return reply.type('text/html; charset=utf-8').send(windowReportHtml(report));
        return reply
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(windowReportJson(report)));
      },
    );

    app.get<{ Params: { id: string }; Querystring: StatementQuery }>(
      '/participants/:id/statement',
      {
        config: { access: { roles: ['operator', 'auditor', 'participant'], scope: 'participant' } },
        schema: {
          tags: ['reports'],
          operationId: 'getParticipantStatement',
          summary:
            'A participant’s statement for [from, to): opening balance, postings with running balance, closing balance per account',
          params: Type.Object({ id: ParticipantId }, strict),
          querystring: StatementQuery,
          response: { 200: formats('the statement'), ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const statement = await buildStatement(hub, {
          participant: request.params.id,
          from: query.from,
          to: query.to,
          ...(query.currency === undefined ? {} : { currency: query.currency }),
        });
        if (query.format === 'csv')
          return reply.type('text/csv; charset=utf-8').send(statementCsv(statement));
        return reply
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(statementJson(statement)));
      },
    );

    app.get<{ Querystring: SurplusQuery }>(
      '/surplus',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['reports'],
          operationId: 'getSurplus',
          summary:
            'The rupee surplus held by Russian banks in vostro accounts: now, per day (from, to), or at the close of the last n INR windows',
          querystring: SurplusQuery,
          response: { 200: formats('the surplus'), ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const query = request.query;
        if (query.from === undefined && query.to === undefined && query.windows === undefined) {
          return reply
            .type('application/json; charset=utf-8')
            .send(JSON.stringify(surplusNowJson(await hub.surplus.now())));
        }
        const series =
          query.windows !== undefined
            ? await hub.surplus.byWindow({ last: query.windows })
            : await hub.surplus.daily({
                from: query.from ?? '',
                to: query.to ?? '',
                ...(query.utcOffsetMinutes === undefined
                  ? {}
                  : { utcOffsetMinutes: query.utcOffsetMinutes }),
              });
        if (query.format === 'csv')
          return reply.type('text/csv; charset=utf-8').send(surplusSeriesCsv(series));
        return reply
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(surplusSeriesJson(series)));
      },
    );

    app.post<{ Body: SweepCreate }>(
      '/surplus/sweep',
      {
        config: { access: { roles: ['operator'] } },
        schema: {
          tags: ['reports'],
          operationId: 'sweepSurplus',
          summary:
            'Sweep a Russian bank’s rupee surplus from its vostro account into its investment account (treasury bills or government securities)',
          body: SweepCreate,
          response: { 200: Document, 201: Document, ...refused, ...commonErrors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const inr = currencyByCode('INR');
        if (inr === undefined) throw new Error('bug: INR');
        const result = await hub.surplus.sweep(
          {
            id: body.id,
            bank: body.bank,
            amountMinor: amountMinor(body.amount, inr, 'amount'),
            instrument: body.instrument,
            reference: body.reference ?? 'surplus sweep',
            ...(body.heldAt === undefined ? {} : { heldAt: body.heldAt }),
          },
          actorOf(request),
        );
        return reply.code(result.status === 'created' ? 201 : 200).send(sweepResultJson(result));
      },
    );
  };
}
