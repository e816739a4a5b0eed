#!/usr/bin/env -S node --max-semi-space-size=16
import { environmentFailure } from './failures.js';
import { limitHeapGrowth } from './heap-growth.js';
import { ExitCode } from './io.js';
import { runCli } from './program.js';

limitHeapGrowth();

// A reader that stops early (`vostro corridors nodes | head -5`) closes the pipe: what it wanted
// was printed, so that ends vostro quietly with status 0 rather than an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

/** The exit status of a failure that is a bug in vostro, not a refusal or a failing disk (sysexits' EX_SOFTWARE). */
const EXIT_BUG = 70;

// The only place that touches `process`: every command runs through `runCli` with this io.
let code: number;
try {
  code = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    interactive: Boolean(process.stderr.isTTY),
    waitForShutdown: () =>
      new Promise<string>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          resolve(signal);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      }),
  });
} catch (error) {
  // A failing disk or database is said in one line, with exit status 1; anything else is a bug,
  // said as such, with the stack trace that locates it.
  const failure = environmentFailure(error);
  if (failure !== undefined) {
    process.stderr.write(`error: ${failure}\n`);
    code = ExitCode.refused;
  } else {
    process.stderr.write(
      `error: vostro failed unexpectedly (a bug; please report it with the trace below): ${error instanceof Error ? error.message : String(error)}\n${error instanceof Error ? (error.stack ?? '') : ''}\n`,
    );
    code = EXIT_BUG;
  }
}
process.exitCode = code;
