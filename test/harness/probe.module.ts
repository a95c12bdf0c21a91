import { Body, Module, OnModuleDestroy, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LinguaController } from '../../src/common/lingua-controller.decorator';
import { LinguaDataSource } from '../../src/database/lingua-data-source';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { Public } from '../../src/common/auth';
import { TransactionRunner } from '../../src/database/transaction-runner';

/**
 * Test-only routes that run given SQL through the app's real pool, transaction runner and error
 * filter (bound the way every lingua controller binds it), so every row of the error mapping is exercised over HTTP against a real server.
 * Never mounted outside tests.
 */
@Public()
@LinguaController('api/__probe', 'probe')
class ProbeController implements OnModuleDestroy {
  attempts = 0;
  private readTimeoutSource?: DataSource;

  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly tx: TransactionRunner,
  ) {}

  @Post('sql')
  async sql(@Body() body: { sql: string }): Promise<{ rows: unknown }> {
    return { rows: await this.dataSource.query(body.sql) };
  }

  /**
   * Runs `sql` on a second DataSource built from the app's own options (same pg driver, same
   * TypeORM), whose pg client has `query_timeout: timeoutMs`: a real client read timeout, answered
   * by the app's error filter.
   */
  @Post('read-timeout')
  async readTimeout(@Body() body: { sql: string; timeoutMs: number }): Promise<{ rows: unknown }> {
    if (!this.readTimeoutSource) {
      const options = this.dataSource.options as { extra?: Record<string, unknown> };
      this.readTimeoutSource = new DataSource({
        ...this.dataSource.options,
        subscribers: [],
        extra: { ...options.extra, max: 1, query_timeout: body.timeoutMs },
      } as typeof this.dataSource.options);
      await this.readTimeoutSource.initialize();
    }
    return { rows: await this.readTimeoutSource.query(body.sql) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.readTimeoutSource?.destroy();
  }

  @Post('tx')
  async transaction(@Body() body: { statements: string[]; isolation?: IsolationLevel }): Promise<{ attempts: number }> {
    let attempts = 0;
    await this.tx.run(
      async (manager) => {
        attempts++;
        for (const sql of body.statements) await manager.query(sql);
      },
      { isolation: body.isolation },
    );
    return { attempts };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
