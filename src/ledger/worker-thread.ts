import { Worker } from 'node:worker_threads';

/**
 * Starts the worker thread whose module is `name` (without extension) beside `importMetaUrl`: the
 * compiled JavaScript, or, when running from TypeScript sources (tests, `npm run bench:*`), the
 * `.ts` file through tsx. The verifier's worker and the SQLite store's writer start this way.
 */
export function startWorker(importMetaUrl: string, name: string, workerData: unknown): Worker {
  const fromSources = importMetaUrl.endsWith('.ts');
  const url = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, importMetaUrl);
  if (!fromSources) return new Worker(url, { workerData });
  // Under `node --import tsx` (the tests, the benchmarks) the thread loads tsx the same way, so that
  // it compiles each module exactly as the main thread did: coverage of a module run on both
  // threads then adds up, which it does not for two different compilations.
  if (
    process.execArgv.some((option, index, all) => option === 'tsx' && all[index - 1] === '--import')
  )
    return new Worker(url, { workerData, execArgv: ['--import', 'tsx'] });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}
