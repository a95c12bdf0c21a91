import { ConfigError, hasExternalDatabase, validateEnv } from '../../host/env';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      DB_POOL_MAX: 10,
      DB_POOL_ACQUIRE_TIMEOUT_MS: 2000,
      DB_STATEMENT_TIMEOUT_MS: 10000,
      DB_LOCK_TIMEOUT_MS: 5000,
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 30000,
      DB_SLOW_QUERY_MS: 200,
      DB_TX_MAX_RETRIES: 3,
      CACHE_TTL_MS: 60000,
      PORT: 3000,
      LOG_LEVEL: 'info',
    });
    expect(hasExternalDatabase(env)).toBe(false);
  });

  it('reads numbers and flags from strings, as the environment gives them', () => {
    const env = validateEnv({ DB_POOL_MAX: '25', DEMO: 'true', DATABASE_URL: 'postgres://db/app' });
    expect(env.DB_POOL_MAX).toBe(25);
    expect(env.DEMO).toBe(true);
    expect(hasExternalDatabase(env)).toBe(true);
  });

  it('stops start-up on a bad value with a message naming every bad variable', () => {
    let error: unknown;
    try {
      validateEnv({ DB_POOL_MAX: 'lots', DB_STATEMENT_TIMEOUT_MS: '5', JWT_SECRET: 'short', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['DB_POOL_MAX', 'DB_STATEMENT_TIMEOUT_MS', 'JWT_SECRET', 'LOG_LEVEL']) expect(message).toContain(name);
  });
});
