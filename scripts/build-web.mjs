#!/usr/bin/env node
// Builds the web dashboard (web/src, Preact and uPlot) with esbuild into dist/web/: the first
// page's JavaScript and one CSS file, and the chunks that pages load with `import()` when they open
// (the Corridors page's world map, the Trades page's document verifier), all with names that carry a hash of their content (served as
// immutable), and the index.html that names the entry (served no-cache). `npm run build` and
// `npm ci` (prepare) run it. `node scripts/build-web.mjs [outdir]` builds elsewhere (tests).
//
// The Trades page verifies document files with the hub's own verifier (src/documents), which was
// written for Node: the three things it takes from Node are given the browser's equivalents in
// web/src/verify/ — `node:crypto` (SHA-256, random bytes), Node's global `Buffer` (hex and
// base64) and TypeBox's compiler (which evaluates generated code, refused by the page's CSP).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = resolve(process.argv[2] ?? join(root, 'dist/web'));
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

/** Modules of src/ that the browser gets in another form (see above), by import path. */
const BROWSER_FORMS = {
  'node:crypto': join(root, 'web/src/verify/node-crypto.ts'),
  '@sinclair/typebox/compiler': join(root, 'web/src/verify/typebox-compiler.ts'),
};
const BUFFER = join(root, 'web/src/verify/buffer.ts');
const browserForms = {
  name: 'browser-forms',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^(node:crypto|@sinclair\/typebox\/compiler)$/ }, (args) => ({
      path: BROWSER_FORMS[args.path],
    }));
    // A module of src/ that names Node's global Buffer (src/documents/signature.ts) imports this
    // one instead; only such modules do (esbuild's `inject` would put it into every entry point).
    esbuild.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      if (!args.path.startsWith(join(root, 'src/'))) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!/\bBuffer\./.test(source)) return undefined;
      return {
        contents: `import { Buffer } from ${JSON.stringify(BUFFER)};\n${source}`,
        loader: 'ts',
        resolveDir: dirname(args.path),
      };
    });
  },
};

const common = {
  // Paths in the metafile are relative to this folder.
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  target: ['chrome111', 'firefox114', 'safari16.4'],
  minify: true,
  outdir: join(outdir, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

// The offline verifier (web/src/verify/offline.ts, loaded by the Trades page) is built on its own,
// into one self-contained file: built with the rest, the helpers it shares with the map's chunk
// would go into a chunk that the first page imports too.
const OFFLINE = 'web/src/verify/offline.ts';
const offline = await build({
  ...common,
  entryPoints: [join(root, OFFLINE)],
  plugins: [browserForms],
});
const offlineFile = Object.keys(offline.metafile.outputs).find(
  (file) => offline.metafile.outputs[file].entryPoint === OFFLINE,
);
if (offlineFile === undefined) throw new Error('esbuild wrote no offline verifier');
/** The page's `import('../verify/offline.ts')` becomes an import of the file built above. */
const offlineChunk = {
  name: 'offline-chunk',
  setup(esbuild) {
    esbuild.onResolve({ filter: /\/verify\/offline\.ts$/ }, () => ({
      path: `/assets/${basename(offlineFile)}`,
      external: true,
    }));
  },
};

const result = await build({
  ...common,
  entryPoints: [join(root, 'web/src/main.tsx')],
  // Code loaded with import() goes into chunks of its own, fetched when a page asks for it.
  splitting: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  plugins: [offlineChunk],
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
console.log(
  `  loaded when a page asks for it: ${basename(offlineFile)} ${kb(gzip(offlineFile))} gzipped (the Trades page's document verifier, built on its own)`,
);
