// The layer rules of docs/architecture.md, as code. `npm run lint:arch` checks them alone;
// `npm test` runs them too, and a violation names its rule.
/** @type {import('dependency-cruiser').IConfiguration} */
const TEST = '\\.test(-helper|-child)?\\.ts$';
// Bottom to top: each folder may import the folders before it, never one after it.
const LAYERS = [
  'ledger',
  'store',
  'domain',
  'documents',
  'participants',
  'access',
  'settlement',
  'fx',
  'trade',
  'iso20022',
  'events',
  'hub',
  'reports',
  'views',
  'api|cli',
  'bench',
];
const SERVICE_LAYERS = [
  'domain',
  'documents',
  'participants',
  'access',
  'settlement',
  'fx',
  'trade',
  'iso20022',
  'events',
  'hub',
  'reports',
];
const above = (folder) => LAYERS.slice(LAYERS.indexOf(folder) + 1).join('|');

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles hide which module is below which; move what both need down a level.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'ledger-is-the-core',
      severity: 'error',
      comment:
        'src/ledger imports nothing above it: only the store interface (store.ts) and the records it keeps.',
      from: { path: '^src/ledger/', pathNot: TEST },
      to: { path: '^src/', pathNot: ['^src/ledger/', '^src/store/(store|records)\\.ts$'] },
    },
    {
      name: 'ledger-knows-no-store-implementation',
      severity: 'error',
      from: { path: '^src/ledger/', pathNot: TEST },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
    {
      name: 'stores-serve-no-entry-layer',
      severity: 'error',
      comment: 'Stores import the ledger and the records they keep, never the API or the CLI.',
      from: { path: '^src/store/' },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'stores-know-no-service',
      severity: 'error',
      comment: 'A store keeps what the services give it; it imports none of them (its tests may).',
      from: { path: '^src/store/', pathNot: [TEST, '^src/store/conformance/'] },
      to: { path: `^src/(${above('store')})/` },
    },
    ...SERVICE_LAYERS.map((folder) => ({
      name: `${folder}-imports-only-below`,
      severity: 'error',
      comment: `Services are layered ${SERVICE_LAYERS.join(' < ')}: ${folder} imports only what is below it.`,
      from: { path: `^src/${folder}/`, pathNot: TEST },
      to: { path: `^src/(${above(folder)})/` },
    })),
    {
      name: 'corridors-stand-alone',
      severity: 'error',
      comment: 'The freight network and route planner need nothing of the ledger or the hub.',
      from: { path: '^src/corridors/' },
      to: { path: '^src/', pathNot: '^src/corridors/' },
    },
    {
      name: 'api-and-cli-are-separate-entries',
      severity: 'error',
      comment:
        'The API and the CLI share code through the layers below them, not through each other.',
      from: { path: '^src/api/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-starts-the-api-only-through-its-server',
      severity: 'error',
      comment:
        'The CLI verbs that run the server (start, serve) import src/api/server.ts; nothing else of the API.',
      from: { path: '^src/cli/' },
      to: { path: '^src/api/', pathNot: '^src/api/server\\.ts$' },
    },
    {
      name: 'only-entries-import-entries',
      severity: 'error',
      comment: 'Only src/api and src/cli are entry layers: nothing below imports them.',
      from: { path: '^src/', pathNot: ['^src/(api|cli|bench)/', TEST] },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'benchmarks-are-leaves',
      severity: 'error',
      comment:
        'Benchmarks are imported by nothing but their own scripts (and the CLI verb that runs them).',
      from: { pathNot: ['^src/bench/', '^src/cli/commands/bench\\.ts$'] },
      to: { path: '^src/bench/' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead or a forgotten entry point.',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '\\.test\\.ts$', '(^|/)\\.', '\\.config\\.(c|m)?js$', '^scripts/'],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'Shipped code must not need a devDependency.',
      from: { path: '^src/', pathNot: [TEST, '^src/store/conformance/', '^src/bench/'] },
      to: { dependencyTypes: ['npm-dev'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
