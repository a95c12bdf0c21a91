import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FEATURES = ['users', 'vocabulary', 'practice', 'conversations', 'lessons', 'api'];
const NOT_HOST = { group: ['**/host/*'], message: 'the reference host (host/) depends on this code, not the reverse' };

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.data/',
      'coverage/',
      'scripts/*.js',
      'eslint.config.mjs',
      'jest.config.js',
      'examples/*/test/jest-e2e.config.js',
      'examples/*/esbuild.mjs',
      'examples/*/bundle/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'host/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Arrows point inward: the library, its migrations, the dev-only launcher (dev/), and what the tools and
    // the test harness share import nothing of the reference host (host/ imports them, never the reverse).
    files: ['src/**/*.ts', 'scripts/lib/**/*.ts', 'test/harness/**/*.ts', 'dev/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_HOST] }] },
  },
  {
    // Shared building blocks import no feature (issue 23): a feature's tables, entities and SQL are its own, and
    // what needs the whole entity list (connection options, repository providers) receives it from src/entities.ts.
    files: ['src/database/**/*.ts', 'src/cache/**/*.ts', 'src/common/**/*.ts', 'src/observability/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NOT_HOST,
            {
              group: FEATURES.flatMap((feature) => [`**/${feature}`, `**/${feature}/**`]),
              message:
                'database/, cache/, common/ and observability/ import no feature (src/<feature>/, api/): take what you need as a parameter',
            },
            {
              group: [
                '**/src/entities',
                '**/src/data-source-options',
                '**/src/lingua-core.module',
                '**/src/index',
                '**/src/internal',
              ].flatMap((file) => [file, file.replace('**/src/', '../'), file.replace('**/src/', '../../')]),
              message: 'these assemble the features above the building blocks: an import of them is an arrow up into the features',
            },
          ],
        },
      ],
    },
  },
  {
    // Migrations are history: frozen with their own helpers, they import no library runtime code from src/.
    files: ['migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NOT_HOST,
            { group: ['**/src', '**/src/**'], message: 'a migration is frozen: inline the helper (migrations/lib/), never import src/' },
          ],
        },
      ],
    },
  },
  {
    // The reference host lives on the package entry alone, as every embedding host must (STYLE.md): src/index.ts,
    // never a deep import into src/; and it depends on no tool (scripts/, bench/).
    files: ['host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', '!**/src/index'],
              message: "import lingua-core through its entry ('../src/index'); if the host needs more, the barrel lacks a public piece",
            },
            { group: ['**/scripts/**', '**/bench/**'], message: 'the reference host depends on no tool; shared dev helpers live in dev/' },
          ],
        },
      ],
    },
  },
);
