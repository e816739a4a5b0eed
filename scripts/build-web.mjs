#!/usr/bin/env node
// Builds the web dashboard (web/src, Preact and uPlot) with esbuild into dist/web/: one JavaScript
// and one CSS file whose names carry a hash of their content (served as immutable), and the
// index.html that names them (served no-cache). `npm run build` and `npm ci` (prepare) run it.
// `node scripts/build-web.mjs [outdir]` builds elsewhere (tests).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = resolve(process.argv[2] ?? join(root, 'dist/web'));
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(root, 'web/src/main.tsx')],
  bundle: true,
  format: 'esm',
  target: ['chrome111', 'firefox114', 'safari16.4'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(outdir, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => resolve(root, file));
const script = outputs.find((file) => file.endsWith('.js'));
const style = outputs.find((file) => file.endsWith('.css'));
if (script === undefined || style === undefined) throw new Error('esbuild wrote no .js or .css');
const href = (file) => `/assets/${basename(file)}`;
const html = readFileSync(join(root, 'web/index.html'), 'utf8')
  .replace('<!-- styles -->', `<link rel="stylesheet" href="${href(style)}">`)
  .replace('<!-- script -->', `<script type="module" src="${href(script)}"></script>`);
writeFileSync(join(outdir, 'index.html'), html);

const gzip = (file) => gzipSync(readFileSync(file)).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(
  `dashboard built in ${relative(process.cwd(), outdir) || '.'}: ${basename(script)} ${kb(gzip(script))} gzipped, ${basename(style)} ${kb(gzip(style))} gzipped`,
);
