import { SingleBar } from 'cli-progress';
import type { VerifyReport } from '../../ledger/verify.js';
import { VerificationError, verifyInWorker } from '../../ledger/verify-runs.js';
import { verifyReportJson } from '../../views/verify.js';
import type { RegisterCommand } from '../context.js';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { addDbOption, commandAction, RefusedError, runLedgerCommand } from '../ledger-context.js';
import { groupDigits } from '../shared/human.js';
import { printJson, renderTable } from '../shared/output.js';

/** `vostro verify`: replays the journal and checks every balance, the hash chain and debits = credits. */
export const registerVerify: RegisterCommand = (program, context) => {
  addDbOption(
    program
      .command('verify')
      .description(
        'replay the journal: check the hash chain, recompute every balance, and check that debits equal credits per currency; exit 1 if anything is wrong',
      )
      .option('--json', 'print the report as JSON'),
  ).action(
    commandAction(context, async (options: { json?: boolean; db?: string }) => {
      await runLedgerCommand(context, { dbOption: options.db, create: false }, async (session) => {
        const progress = context.io.interactive ? progressBar(context.io) : undefined;
        let report: VerifyReport;
        try {
          // On a thread of its own, in one read-only snapshot of the database: a server writing to
          // the same database meanwhile neither waits for it nor shows up as a difference.
          report = await verifyInWorker(session.store.snapshotSource(), {
            // The bar counts records (accounts and transfers): hashing and replaying cost per record, and an entry holds one to 8,190.
            onProgress: (done) => {
              progress?.setTotal(Math.max(done.accountsTotal + done.transfersTotal, 1));
              progress?.update(done.accounts + done.transfers, {
                entries: done.journalEntries,
                entriesTotal: done.journalEntriesTotal,
                phase:
                  done.phase === 'journal'
                    ? 'replaying'
                    : done.phase === 'done'
                      ? 'done'
                      : `comparing ${done.phase}`,
              });
            },
          }).report;
        } catch (error) {
          if (error instanceof VerificationError)
            throw new RefusedError(`the verification could not run: ${error.message}`);
          throw error;
        } finally {
          progress?.stop();
        }
        printReport(context.io, report, options.json === true);
        if (!report.ok)
          context.io.err(`error: verification failed with ${report.problems.length} problem(s)\n`);
        return report.ok ? ExitCode.ok : ExitCode.refused;
      });
    }),
  );
};

/**
 * cli-progress writes to a stream; this one forwards to `io.err`, so the bar goes where the
 * command's other diagnostics go and `main.ts` stays the only place that touches `process`.
 */
function progressBar(io: CliIo): SingleBar {
  const stream = {
    isTTY: true,
    columns: 80,
    write(text: string, callback?: () => void): boolean {
      io.err(text);
      callback?.();
      return true;
    },
  };
  const bar = new SingleBar({
    format:
      'verifying journal [{bar}] {entries}/{entriesTotal} entries, {value}/{total} accounts and transfers, {phase}',
    stream: stream as unknown as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(1, 0, { entries: 0, entriesTotal: 0, phase: 'opening the database' });
  return bar;
}

function printReport(io: CliIo, report: VerifyReport, json: boolean): void {
  const view = verifyReportJson(report);
  if (json) {
    printJson(io, view);
    return;
  }
  const ledgers = view.ledgers;
  io.out(
    `${report.journalEntries} journal entries, ${report.accounts} accounts, ${report.transfers} transfers replayed\n`,
  );
  if (ledgers.length > 0) {
    const rows = ledgers.map((totals) => [
      totals.currency,
      String(totals.accounts),
      groupDigits(totals.debitsPosted),
      groupDigits(totals.creditsPosted),
      groupDigits(totals.debitsPending),
      groupDigits(totals.creditsPending),
    ]);
    io.out(
      renderTable(
        [
          'currency',
          'accounts',
          'debits posted',
          'credits posted',
          'debits pending',
          'credits pending',
        ],
        rows,
        [1, 2, 3, 4, 5],
      ),
    );
  }
  if (report.ok) {
    io.out(
      'ok: the hash chain is intact, every balance matches the journal, debits equal credits in every currency\n',
    );
    return;
  }
  io.out(`FAILED: ${report.problems.length} problem(s)\n`);
  for (const problem of report.problems) io.out(`  - ${problem}\n`);
}
