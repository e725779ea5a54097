/**
 * Layering rules, checked in `pnpm test` (pnpm depcheck). A violation fails the build.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const CONTEXTS = '(companies|receivables|audit|live|operations|partner-sync|payments|accounting|reports)';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'packages/domain holds deciders and rules only: no framework, no I/O, no Node core modules. ' +
        'date-holidays is allowed: it is calendar data, read synchronously, with no I/O.',
      severity: 'error',
      from: { path: '^packages/domain/src' },
      to: {
        pathNot: ['^packages/domain/', 'node_modules/date-holidays/', 'node_modules/[.]pnpm/date-holidays@'],
      },
    },
    {
      name: 'domain-no-node-core',
      comment: 'No fs, net, crypto, child_process … in the domain.',
      severity: 'error',
      from: { path: '^packages/domain/src' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'contexts-meet-at-their-index',
      comment: "A bounded context may use another context only through that context's index.ts, never its internals.",
      severity: 'error',
      from: { path: `^apps/api/src/${CONTEXTS}/` },
      to: {
        path: `^apps/api/src/${CONTEXTS}/`,
        pathNot: ['^apps/api/src/$1/', `^apps/api/src/${CONTEXTS}/index\\.ts$`],
      },
    },
    {
      name: 'packages-do-not-know-apps',
      comment: 'Libraries must not depend on the applications or tools built on them.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(apps|tools)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(packages|apps|tools)/[^/]+/src' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.turbo)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'], mainFields: ['main', 'types'] },
  },
};
