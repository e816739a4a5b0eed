import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The web dashboard (web/, built by scripts/build-web.mjs into dist/web): static files served by
 * the API's own process under `/`, beside /v1 (docs/dashboard.md). Only the files the build wrote
 * get a route (no wildcard), so any other path, /v1/... included, still gets the API's 404 problem.
 */

/** Where `npm run build` puts the dashboard: dist/web, from src/api (tsx) and dist/api alike. */
export const DASHBOARD_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * Strict: the page's own script and stylesheet only (no inline script, no CDN), API calls to its
 * own origin, never framed. uPlot and Preact set styles through the CSSOM, which style-src allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A built asset whose name carries its content's hash (main-WVB3B6LE.js): it never changes. */
const HASHED = /\/assets\/[^/]+-[A-Z0-9]{8}\.(js|css|txt)$/;

/** Whether the dashboard has been built in `root` (dist/web holds an index.html). */
export function dashboardBuilt(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

/** Serves the built dashboard in `root` under `/`; nothing when it has not been built. */
export async function registerDashboard(app: FastifyInstance, root: string): Promise<void> {
  if (!dashboardBuilt(root)) return;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // Compression is left to a proxy in front, as for the API's JSON.
    preCompressed: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      void reply
        .header('content-security-policy', DASHBOARD_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('x-frame-options', 'DENY');
    },
  });
}
