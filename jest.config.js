/**
 * Integration tests against a real PostgreSQL; see test/harness/global-setup.ts for how one is chosen.
 * Projects: every test on Express, the HTTP API suites again
 * on Fastify — lingua-core's controllers must hold the SPEC §3 contract on both platforms.
 */
const transform = {
  '^.+\\.(t|j|mj)s$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const shared = {
  rootDir: '.',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit|get-port)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
};
/** The suites that drive lingua-core's routes over HTTP. */
const HTTP_SUITES = [
  '<rootDir>/test/**/*.http.spec.ts',
  '<rootDir>/test/database/error-mapping.spec.ts',
  '<rootDir>/test/database/page-snapshot.spec.ts',
  '<rootDir>/test/lessons/compile-race.spec.ts',
  '<rootDir>/test/host/auth.spec.ts',
];

/** Debian's pgbouncer (installed by .ci/run): the HTTP suites run again through it, in transaction mode. */
const hasPgBouncer = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].some((p) => require('fs').existsSync(p));
const POOLER_SUITES = [...HTTP_SUITES, '<rootDir>/test/cache/cross-instance-failures.spec.ts'];

/** The database projects share one server per run (global setup per project: `unit` needs none). */
const withDatabase = {
  ...shared,
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
};

module.exports = {
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    {
      ...withDatabase,
      displayName: 'express',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
    },
    { ...withDatabase, displayName: 'fastify', testMatch: HTTP_SUITES, setupFiles: ['<rootDir>/test/harness/platform-fastify.ts'] },
    ...(hasPgBouncer
      ? [{ ...withDatabase, displayName: 'pooler', testMatch: POOLER_SUITES, setupFiles: ['<rootDir>/test/harness/through-pooler.ts'] }]
      : []),
  ],
};
