import { getDataSourceToken, getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { Word } from '../../src/vocabulary/entities/word.entity';
import { ReplicatedCluster } from '../../scripts/lib/replicated-cluster';
import { libraryTestApp, TestAppFactory } from './context';

/** Where a statement built by the spied repository runs. */
export type RanOn = 'primary' | 'replica';

/**
 * The library test app with `getRepositoryToken(Word)` overridden the way a host's test would: the real
 * repository with its own `createQueryBuilder`, which reports where each builder will run and may
 * change it (`spy`).
 */
export function withWordRepositorySpy(spy: (qb: SelectQueryBuilder<Word>, ranOn: RanOn) => SelectQueryBuilder<Word>): TestAppFactory {
  return (env) => ({
    ...libraryTestApp(env),
    override: (builder) =>
      builder.overrideProvider(getRepositoryToken(Word)).useFactory({
        inject: [getDataSourceToken()],
        factory: (primary: DataSource) => {
          const real = primary.getRepository(Word);
          return Object.create(real, {
            createQueryBuilder: {
              value(this: Repository<Word>, ...args: Parameters<Repository<Word>['createQueryBuilder']>) {
                return spy(real.createQueryBuilder.apply(this, args), this.manager.connection === primary ? 'primary' : 'replica');
              },
            },
          }) as Repository<Word>;
        },
      }),
  });
}

/** A primary and a streaming replica with database `database` migrated on them, replayed. */
export async function migratedCluster(database: string): Promise<ReplicatedCluster> {
  const cluster = await ReplicatedCluster.start();
  await cluster.onPrimary(`CREATE DATABASE ${database}`);
  const migrator = new DataSource(buildDataSourceOptions({ url: cluster.primaryUrl(database) }, { role: 'migrations', logging: false }));
  await migrator.initialize();
  await migrator.runMigrations({ transaction: 'each' });
  await migrator.destroy();
  await cluster.waitForCatchUp();
  return cluster;
}
