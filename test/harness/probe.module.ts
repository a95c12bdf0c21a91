import { Body, Module, Post } from '@nestjs/common';
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
class ProbeController {
  attempts = 0;

  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly tx: TransactionRunner,
  ) {}

  @Post('sql')
  async sql(@Body() body: { sql: string }): Promise<{ rows: unknown }> {
    return { rows: await this.dataSource.query(body.sql) };
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
