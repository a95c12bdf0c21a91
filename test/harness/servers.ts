import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startScratchServer } from '../../scripts/lib/scratch-postgres';

export interface TestServer {
  kind: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';
  /** A URL to a maintenance database on the server (template and per-file databases are created from it). */
  adminUrl: string;
  stop(): Promise<void>;
}

/** Also the prefix of other test-owned clusters (server-restart.spec), so a killed run's are swept. */
export const TEST_CLUSTER_PREFIX = 'lingua-test-pg-';
const TEST_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: 300 };

/**
 * TEST_DATABASE_URL when set; else a testcontainers PostgreSQL when a container runtime answers;
 * else embedded PostgreSQL (fsync off) in a temp dir. The container probe is skipped outright when no
 * Docker endpoint is configured, and otherwise bounded to 3 s, so a machine without Docker decides
 * in milliseconds.
 */
export async function startTestServer(log: (line: string) => void): Promise<TestServer> {
  if (process.env.TEST_DATABASE_URL) {
    return { kind: 'TEST_DATABASE_URL', adminUrl: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  }
  const container = await tryTestcontainers(log);
  if (container) return container;
  const server = await startScratchServer(TEST_CLUSTER_PREFIX, TEST_SETTINGS, log);
  return { kind: 'embedded', adminUrl: server.url, stop: server.stop };
}

function dockerConfigured(): boolean {
  return Boolean(
    process.env.DOCKER_HOST ||
    fs.existsSync('/var/run/docker.sock') ||
    fs.existsSync(path.join(os.homedir(), '.testcontainers.properties')) ||
    fs.existsSync(path.join(os.homedir(), '.docker', 'run', 'docker.sock')),
  );
}

async function tryTestcontainers(log: (line: string) => void): Promise<TestServer | undefined> {
  if (process.env.LINGUA_TEST_NO_CONTAINERS || !dockerConfigured()) return undefined;
  try {
    // testcontainers 11 is imported lazily: loading it costs time and it is optional.
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('container runtime probe timed out')), 3_000)),
    ]);
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine')
      .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'])
      .start();
    return { kind: 'testcontainers', adminUrl: container.getConnectionUri(), stop: async () => void (await container.stop()) };
  } catch (err) {
    log(`no container runtime (${(err as Error).message.split('\n')[0]}); using embedded PostgreSQL`);
    return undefined;
  }
}
