import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { AppModule } from './app.module';
import { ConfigError, hasExternalDatabase, validateEnv } from './env';
import { configureApp } from './configure-app';
import { seedDemo } from './demo-seed';
import { demoTokens } from './demo-tokens';
import { EmbeddedPostgres } from '../dev/embedded-postgres';
import { closeIdleSocketsWhileDraining } from './drain';
import { createHostApp } from './platform';
import { runPendingMigrations } from './run-migrations';

const say = (line: string) => console.log(`[lingua-core] ${line}`);

async function main(): Promise<void> {
  let env = validateEnv(process.env);
  let embedded: EmbeddedPostgres | undefined;
  const demo = env.DEMO ?? !hasExternalDatabase(env);

  if (!hasExternalDatabase(env)) {
    say('no DATABASE_URL: starting embedded PostgreSQL');
    embedded = await EmbeddedPostgres.start({ dataDir: path.join(env.EMBEDDED_PG_DIR, 'pg'), log: say });
    process.env.DATABASE_URL = embedded.url;
  }
  if (!process.env.JWT_SECRET) {
    if (!demo) throw new ConfigError('JWT_SECRET is required when DATABASE_URL is set (or set DEMO=true for a throw-away secret).');
    process.env.JWT_SECRET = randomBytes(32).toString('base64url');
    say('no JWT_SECRET: generated a random one for this run (demo tokens below are valid until restart)');
  }
  env = validateEnv(process.env);

  const stopEmbedded = async () => embedded?.stop();
  try {
    const applied = await runPendingMigrations(env, say);
    say(applied ? `${applied} migration(s) applied` : 'database schema is up to date');

    const app = await createHostApp(AppModule, env.HTTP_PLATFORM);
    configureApp(app, { shutdownHooks: false });
    let shuttingDown = false;
    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      say(`${signal}: draining HTTP, closing the pool${embedded ? ', stopping embedded PostgreSQL' : ''}`);
      closeIdleSocketsWhileDraining(app.getHttpServer());
      const deadline = setTimeout(() => {
        say(`shutdown took over SHUTDOWN_TIMEOUT_MS=${env.SHUTDOWN_TIMEOUT_MS} ms: exiting with requests or connections still open`);
        void stopEmbedded().finally(() => process.exit(1));
      }, env.SHUTDOWN_TIMEOUT_MS);
      deadline.unref();
      await app.close();
      await stopEmbedded();
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));

    const accounts = demo ? await seedDemo(app) : undefined;
    await app.listen(env.PORT, env.HOST);
    const base = `http://127.0.0.1:${env.PORT}`;
    say(`serving ${base}/api on ${env.HTTP_PLATFORM}   OpenAPI: ${base}/docs   health: ${base}/health/ready   metrics: ${base}/metrics`);
    if (accounts) {
      const tokens = demoTokens(app.get(JwtService), accounts.learnerId, accounts.authorId);
      say(`demo learner token (user ${accounts.learnerId}):`);
      console.log(`  export TOKEN=${tokens.learner}`);
      say(`demo author token (user ${accounts.authorId}, role author):`);
      console.log(`  export AUTHOR_TOKEN=${tokens.author}`);
      say(`try: curl -H "Authorization: Bearer $TOKEN" ${base}/api/me`);
    }
  } catch (err) {
    await stopEmbedded();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
