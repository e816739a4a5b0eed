#!/usr/bin/env node
// Builds the web dashboard (web/src, Preact and uPlot) with esbuild into dist/web/: the first
// page's JavaScript and one CSS file, and the chunks that pages load with `import()` when they open
// (the Corridors page's world map), all with names that carry a hash of their content (served as
// immutable), and the index.html that names the entry (served no-cache). `npm run build` and
// `npm ci` (prepare) run it. `node scripts/build-web.mjs [outdir]` builds elsewhere (tests).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = resolve(process.argv[2] ?? join(root, 'dist/web'));
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

const result = await build({
  // Paths in the metafile are relative to this folder.
  absWorkingDir: root,
  entryPoints: [join(root, 'web/src/main.tsx')],
  bundle: true,
  format: 'esm',
  // Code loaded with import() goes into chunks of its own, fetched when a page asks for it.
  splitting: true,
  target: ['chrome111', 'firefox114', 'safari16.4'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(outdir, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = result.metafile.outputs;
const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint === 'web/src/main.tsx');
const style = entry === undefined ? undefined : outputs[entry].cssBundle;
if (entry === undefined || style === undefined) throw new Error('esbuild wrote no .js or .css');
const script = resolve(root, entry);
const href = (file) => `/assets/${basename(file)}`;
const html = readFileSync(join(root, 'web/index.html'), 'utf8')
  .replace('<!-- styles -->', `<link rel="stylesheet" href="${href(resolve(root, style))}">`)
  .replace('<!-- script -->', `<script type="module" src="${href(script)}"></script>`);
writeFileSync(join(outdir, 'index.html'), html);

/** A file and every chunk it imports statically: what a browser fetches before running it. */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const imported of outputs[file].imports)
    if (imported.kind === 'import-statement') closure(imported.path, seen);
  return seen;
}
const gzip = (file) => gzipSync(readFileSync(resolve(root, file))).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const sum = (files) => [...files].reduce((total, file) => total + gzip(file), 0);
const first = closure(entry);
const lazy = Object.keys(outputs).filter(
  (file) => file.endsWith('.js') && !first.has(file) && outputs[file].entryPoint !== undefined,
);
console.log(
  `dashboard built in ${relative(process.cwd(), outdir) || '.'}: first page ${kb(sum(first))} gzipped JavaScript (${[...first].map((file) => basename(file)).join(', ')}), ${basename(style)} ${kb(gzip(style))} gzipped`,
);
for (const file of lazy) {
  const own = [...closure(file)].filter((chunk) => !first.has(chunk));
  console.log(
    `  loaded when a page asks for it: ${own.map((chunk) => basename(chunk)).join(', ')} ${kb(sum(own))} gzipped`,
  );
}
