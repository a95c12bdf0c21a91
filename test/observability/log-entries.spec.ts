import { ConsoleLogger, INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger as PinoLogger, LoggerModule } from 'nestjs-pino';
import { Writable } from 'node:stream';
import { LinguaDataSource } from '../../src/database/lingua-data-source';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { LinguaCoreModule } from '../../src/lingua-core.module';
import { withDatabase } from '../../scripts/lib/scratch-postgres';
import { createDatabaseFromTemplate, dropDatabase } from '../harness/context';

/**
 * Issue 14: lingua-core logs through whatever Nest logger the host uses, one well-formed entry per
 * event — Nest's ConsoleLogger as text and as JSON, and nestjs-pino. The event here is a slow query
 * (slowQueryMs: 1 and a 20 ms statement).
 */
describe('issue 14: one log entry per event under any Nest logger', () => {
  let database: string;
  let url: string;
  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    url = withDatabase(process.env.LINGUA_TEST_ADMIN_URL as string, database);
  });
  afterAll(() => dropDatabase(database));

  async function slowQueryEntries(
    imports: unknown[],
    logger: (app: INestApplication) => LoggerService,
    written: string[],
  ): Promise<string[]> {
    const moduleRef = await Test.createTestingModule({
      imports: [LinguaCoreModule.forRoot({ database: { url }, slowQueryMs: 1, cache: { listen: false } }), ...imports] as never,
    }).compile();
    const app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(logger(app));
    await app.init();
    try {
      // The host's own statement on the same connection is the host's to log: lingua logs only its own.
      await app.get(LinguaDataSource).query('SELECT pg_sleep(0.021)');
      expect(written.filter((entry) => entry.includes('SlowQuery'))).toEqual([]);
      written.length = 0;
      await app.get(TransactionRunner).run((manager) => manager.query('SELECT pg_sleep(0.02)'));
      return written.filter((entry) => entry.includes('pg_sleep'));
    } finally {
      await app.close();
    }
  }

  /** What ConsoleLogger writes to stdout/stderr, one string per write (one write per entry). */
  function captureConsole(): { written: string[]; restore: () => void } {
    const written: string[] = [];
    const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')];
    for (const spy of spies) spy.mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    return { written, restore: () => spies.forEach((s) => s.mockRestore()) };
  }

  it('ConsoleLogger (text): one entry with the context, the message and the fields', async () => {
    const { written, restore } = captureConsole();
    let entries: string[];
    try {
      entries = await slowQueryEntries([], () => new ConsoleLogger({ colors: false }), written);
    } finally {
      restore();
    }
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/WARN \[SlowQuery\]/);
    expect(entries[0]).toContain("msg: 'slow query'");
    expect(entries[0]).toMatch(/durationMs: \d/);
    expect(entries[0]).toContain("statement: 'SELECT pg_sleep(?)'");
  });

  it('ConsoleLogger (json): one JSON line', async () => {
    const { written, restore } = captureConsole();
    let entries: string[];
    try {
      entries = await slowQueryEntries([], () => new ConsoleLogger({ json: true, colors: false }), written);
    } finally {
      restore();
    }
    expect(entries).toHaveLength(1);
    const entry = JSON.parse(entries[0]);
    expect(entry).toMatchObject({ level: 'warn', context: 'SlowQuery', message: { msg: 'slow query', statement: 'SELECT pg_sleep(?)' } });
    expect(entry.stack).toBeUndefined();
  });

  it('nestjs-pino: one JSON line with msg, context and the fields at the top level', async () => {
    const written: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (written.push(String(chunk)), done()) });
    const entries = await slowQueryEntries(
      [LoggerModule.forRoot({ pinoHttp: { stream, level: 'info' } })],
      (app) => app.get(PinoLogger),
      written,
    );
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0])).toMatchObject({ level: 40, context: 'SlowQuery', msg: 'slow query', statement: 'SELECT pg_sleep(?)' });
  });
});
