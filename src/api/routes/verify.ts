import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { VERIFY_PHASES } from '../../ledger/verify.js';
import {
  VerifyRuns,
  VerifyRunsClosedError,
  VerifyTooSoonError,
  type VerifyRun as VerifyRunValue,
  type VerifyRunner,
} from '../../ledger/verify-runs.js';
import type { ApiContext } from '../context.js';
import { ApiProblem } from '../problems.js';
import { commonErrors, IdParams, problemResponse, VerifyReport } from '../schemas.js';
import { verifyReportJson } from '../to-json.js';

/**
 * The verifier over HTTP. A verification replays the whole journal (seconds for a million
 * transfers), so it runs on a worker thread against a read-only snapshot of the database
 * (src/ledger/verify-runs.ts): requests and batches go on meanwhile. One runs at a time, and after
 * one has finished the next may start `limits.verifyIntervalMs` later at the earliest.
 *
 * - `POST /v1/verify/runs` starts one (or answers with the one running) and returns 202 at once;
 *   `GET /v1/verify/runs/{id}` shows its progress and, once finished, its report.
 * - `GET /v1/verify`, as before: starts one (or joins the one running) and answers with its report.
 */
export function verifyRoutes(context: ApiContext): FastifyPluginAsync {
  const runs = new VerifyRuns(() => context.store.snapshotSource(), {
    minIntervalMs: context.limits.verifyIntervalMs,
  });

  const start = (request: FastifyRequest): { run: VerifyRunValue; started: boolean } => {
    const actor = request.actor;
    if (actor === null) throw new Error('bug: a verification without an actor');
    const runner: VerifyRunner = {
      actor: actor.id,
      role: actor.role,
      ...(actor.keyId === undefined ? {} : { keyId: actor.keyId }),
    };
    try {
      return runs.start(runner);
    } catch (error) {
      if (error instanceof VerifyTooSoonError) {
        throw new ApiProblem(
          429,
          'verification_too_soon',
          `${error.message}; its report is at /v1/verify/runs/${error.latest.id}`,
          { retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) },
        );
      }
      if (error instanceof VerifyRunsClosedError)
        throw new ApiProblem(503, 'shutting_down', error.message);
      throw error;
    }
  };

  return async (app) => {
    // As closing begins: a request waiting for a report is answered (503) instead of holding the
    // shutdown up, and the worker lets go of its snapshot before the store closes.
    app.addHook('preClose', async () => runs.close());

    app.get(
      '/verify',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['verify'],
          operationId: 'verifyLedger',
          summary:
            'Verify the whole ledger and wait for the report: hash chain, every balance, debits = credits per currency, pair tallies (joins a verification already running; POST /v1/verify/runs does not wait)',
          response: {
            200: VerifyReport,
            ...commonErrors,
            429: problemResponse(
              'verification_too_soon: a verification finished less than the minimum interval ago (see Retry-After and the run named in the detail); or too many requests',
            ),
            503: problemResponse(
              'verification_not_run: the verification could not be carried out (the database could not be read); or shutting down',
            ),
          },
        },
      },
      async (request) => {
        const { run } = start(request);
        const finished = await runs.finished(run.id);
        if (finished.report === undefined)
          throw new ApiProblem(
            503,
            'verification_not_run',
            `the verification could not be carried out: ${finished.error ?? 'no report'}`,
          );
        return verifyReportJson(finished.report);
      },
    );

    app.post(
      '/verify/runs',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['verify'],
          operationId: 'startVerifyRun',
          summary:
            'Start a verification of the whole ledger on its own thread, or get the one already running; 202 with the run, whose progress and report GET /v1/verify/runs/{id} shows',
          response: {
            202: VerifyRun,
            ...commonErrors,
            429: problemResponse(
              'verification_too_soon: a verification finished less than the minimum interval ago (see Retry-After and the run named in the detail); or too many requests',
            ),
          },
        },
      },
      async (request, reply) => {
        const { run } = start(request);
        return reply
          .code(202)
          .header('location', `/v1/verify/runs/${run.id}`)
          .send(verifyRunJson(run));
      },
    );

    app.get(
      '/verify/runs',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['verify'],
          operationId: 'listVerifyRuns',
          summary:
            'The recent verification runs of this server, newest first (kept in memory: at most 16, forgotten at restart)',
          response: { 200: VerifyRunList, ...commonErrors },
        },
      },
      async () => ({ data: runs.list().map(verifyRunJson) }),
    );

    app.get<{ Params: IdParams }>(
      '/verify/runs/:id',
      {
        config: { access: { roles: ['operator', 'auditor'] } },
        schema: {
          tags: ['verify'],
          operationId: 'getVerifyRun',
          summary:
            'A verification run: its status, progress (journal entries, accounts and transfers replayed of the totals) and, once finished, its report',
          params: IdParams,
          response: {
            200: VerifyRun,
            404: problemResponse(
              'verification_run_not_found: no such run on this server (runs are kept in memory, the latest 16)',
            ),
            ...commonErrors,
          },
        },
      },
      async (request) => {
        const run = runs.get(request.params.id.toLowerCase());
        if (run === undefined)
          throw new ApiProblem(
            404,
            'verification_run_not_found',
            `no verification run ${request.params.id} on this server (runs are kept in memory, the latest 16)`,
          );
        return verifyRunJson(run);
      },
    );
  };
}

const VerifyProgress = Type.Object(
  {
    phase: Type.Union(
      [Type.Literal('starting'), ...VERIFY_PHASES.map((phase) => Type.Literal(phase))],
      {
        description:
          'starting (the worker opens its snapshot), journal (replaying it entry by entry), then balances, pending and tallies (comparing with what is stored), done',
      },
    ),
    journalEntries: Type.Integer({ description: 'journal entries replayed so far' }),
    journalEntriesTotal: Type.Integer({
      description: 'journal entries in the snapshot being verified',
    }),
    accounts: Type.Integer(),
    accountsTotal: Type.Integer(),
    transfers: Type.Integer(),
    transfersTotal: Type.Integer(),
  },
  { additionalProperties: false },
);

const VerifyRun = Type.Object(
  {
    id: Type.String({ description: 'the run id (a UUID)' }),
    status: Type.Union(
      [
        Type.Literal('running'),
        Type.Literal('passed'),
        Type.Literal('failed'),
        Type.Literal('error'),
      ],
      {
        description:
          'running; passed (no problem found); failed (problems found: see report.problems); error (it could not be carried out: see error)',
      },
    ),
    startedBy: Type.Object(
      { actor: Type.String(), role: Type.String(), keyId: Type.Optional(Type.String()) },
      { additionalProperties: false },
    ),
    startedAt: Type.String({ description: 'ISO 8601 UTC' }),
    finishedAt: Type.Union([Type.String(), Type.Null()]),
    progress: VerifyProgress,
    report: Type.Union([VerifyReport, Type.Null()], { description: 'once passed or failed' }),
    error: Type.Union([Type.String(), Type.Null()], {
      description: 'why the verification could not be carried out (status error)',
    }),
  },
  { additionalProperties: false },
);

const VerifyRunList = Type.Object({ data: Type.Array(VerifyRun) }, { additionalProperties: false });

function verifyRunJson(run: VerifyRunValue): Static<typeof VerifyRun> {
  const progress = run.progress ?? {
    phase: 'starting' as const,
    journalEntries: 0,
    journalEntriesTotal: 0,
    accounts: 0,
    accountsTotal: 0,
    transfers: 0,
    transfersTotal: 0,
  };
  return {
    id: run.id,
    status: run.status,
    startedBy: run.startedBy,
    startedAt: new Date(run.startedAt).toISOString(),
    finishedAt: run.finishedAt === undefined ? null : new Date(run.finishedAt).toISOString(),
    progress,
    report: run.report === undefined ? null : verifyReportJson(run.report),
    error: run.error ?? null,
  };
}
