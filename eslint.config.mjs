import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    // Arrows point inward: the library, its migrations, and what the tools and the test harness share
    // import nothing of the reference host (host/ imports them, never the reverse).
    files: ['src/**/*.ts', 'migrations/**/*.ts', 'scripts/lib/**/*.ts', 'test/harness/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/host/*'], message: 'the reference host (host/) depends on this code, not the reverse' }] },
      ],
    },
  },
);
