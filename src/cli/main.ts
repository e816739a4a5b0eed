#!/usr/bin/env node
import { limitHeapGrowth } from './heap-growth.js';
import { runCli } from './program.js';

limitHeapGrowth();

// The only place that touches `process`: every command runs through `runCli` with this io.
const code = await runCli(process.argv.slice(2), {
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
process.exitCode = code;
