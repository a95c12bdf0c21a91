// One-file bundle of the built app (dist/, compiled by the Nest CLI with SWC: esbuild itself emits no
// decorator metadata, so bundle SWC's output, not the TypeScript sources).
//   npm run build && node esbuild.mjs && node bundle/main.js
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/main.js'],
  outfile: 'bundle/main.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // Nest 12's packages are ES modules using import.meta.url (createRequire, file paths); in a CommonJS
  // bundle esbuild leaves `import.meta` empty, so give it the bundle's own URL.
  define: { 'import.meta.url': '__bundle_import_meta_url' },
  banner: { js: "const __bundle_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  // Optional packages Nest, TypeORM, pg and the swagger UI load only when present: left out of the bundle
  // (their require() throws at run time and is caught). `pg` itself is bundled because the DataSource
  // passes `driver: linguaPgDriver` (src/database.ts) instead of letting TypeORM require('pg') by name.
  external: [
    '@nestjs/microservices',
    '@nestjs/microservices/*',
    '@nestjs/websockets',
    '@nestjs/websockets/*',
    '@nestjs/platform-fastify',
    '@fastify/static',
    '@keyv/redis',
    'class-transformer/storage',
    'pg-native',
    'swagger-ui-dist',
    'mysql',
    'mysql2',
    'oracledb',
    'sqlite3',
    'better-sqlite3',
    'sql.js',
    'mssql',
    'mongodb',
    'redis',
    'ioredis',
    '@sap/hana-client',
    '@sap/hana-client/*',
    'hdb-pool',
    'typeorm-aurora-data-api-driver',
    'react-native-sqlite-storage',
    '@google-cloud/spanner',
    'pg-query-stream',
    '@capacitor-community/sqlite',
    'expo-sqlite',
  ],
  logLevel: 'warning',
});
