// The layer rules of docs/architecture.md, as code. `npm run lint:arch` checks them alone;
// `npm test` runs them too, and a violation names its rule.
/** @type {import('dependency-cruiser').IConfiguration} */
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
      comment: 'src/ledger imports nothing of the hub above it except the store interface it runs on.',
      from: { path: '^src/ledger/' },
      to: { path: '^src/', pathNot: ['^src/ledger/', '^src/store/store\\.ts$'] },
    },
    {
      name: 'ledger-knows-no-store-implementation',
      severity: 'error',
      from: { path: '^src/ledger/', pathNot: '\\.test\\.ts$' },
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
      name: 'api-and-cli-are-separate-entries',
      severity: 'error',
      comment: 'The API and the CLI share code through the layers below them, not through each other.',
      from: { path: '^src/api/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'cli-does-not-import-api',
      severity: 'error',
      comment: 'The CLI starts the server through src/api/server.ts only (vostro start).',
      from: { path: '^src/cli/', pathNot: '^src/cli/commands/start\\.ts$' },
      to: { path: '^src/api/' },
    },
    {
      name: 'only-entries-import-entries',
      severity: 'error',
      comment: 'Only src/api and src/cli are entry layers: nothing below imports them.',
      from: { path: '^src/', pathNot: '^src/(api|cli|bench)/' },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'benchmarks-are-leaves',
      severity: 'error',
      comment: 'Benchmarks are imported by nothing but their own scripts (and the CLI verb that runs them).',
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
      from: { path: '^src/', pathNot: ['\\.test\\.ts$', '\\.test-helper\\.ts$', '^src/bench/'] },
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
