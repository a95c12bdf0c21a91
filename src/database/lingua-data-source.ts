import { OnApplicationShutdown, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { LinguaOptionsError, LinguaSettings } from '../lingua-core.options';
import { buildDataSourceOptions } from './data-source-options';
import { LINGUA_ENTITIES } from './entities';
import { AfterCommitSubscriber } from './after-commit';
import { QueryObserverSubscriber } from './query-observer';

/**
 * The TypeORM DataSource lingua-core runs on: the host's (default or named) connection, or one of
 * its own when the options carry `database`. Inject it by this class; it *is* a `DataSource`.
 */
export abstract class LinguaDataSource extends DataSource {}

/** Closes the connection lingua-core opened itself (never the host's). */
export class OwnConnectionCloser implements OnApplicationShutdown {
  constructor(private readonly own: DataSource | undefined) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.own?.isInitialized) await this.own.destroy();
  }
}

const OWN_CONNECTION = Symbol('lingua:own-connection');

export function linguaDataSourceProviders(hostConnection: string | undefined): Provider[] {
  return [
    {
      provide: OWN_CONNECTION,
      inject: [LinguaSettings],
      useFactory: async (settings: LinguaSettings) => {
        if (!settings.database) return undefined;
        return new DataSource(buildDataSourceOptions(settings.database)).initialize();
      },
    },
    {
      provide: LinguaDataSource,
      inject: [OWN_CONNECTION, { token: getDataSourceToken(hostConnection), optional: true }],
      useFactory: (own: DataSource | undefined, host: DataSource | undefined) => {
        const dataSource = own ?? host;
        if (!dataSource) {
          throw new LinguaOptionsError(
            `lingua-core found no TypeORM connection${hostConnection ? ` named "${hostConnection}"` : ''}: register ` +
              'TypeOrmModule.forRoot[Async]({ entities: [...LINGUA_ENTITIES, …] }) in your app, or pass `database` to LinguaCoreModule.',
          );
        }
        assertEntitiesRegistered(dataSource);
        attachSubscribers(dataSource, [new QueryObserverSubscriber(), new AfterCommitSubscriber()]);
        return dataSource;
      },
    },
    { provide: OwnConnectionCloser, inject: [OWN_CONNECTION], useFactory: (own?: DataSource) => new OwnConnectionCloser(own) },
  ];
}

function assertEntitiesRegistered(dataSource: DataSource): void {
  const missing = LINGUA_ENTITIES.filter((entity) => !dataSource.hasMetadata(entity)).map((entity) => entity.name);
  if (missing.length) {
    throw new LinguaOptionsError(`lingua-core's entities are not on this TypeORM connection (${missing.join(', ')}): add LINGUA_ENTITIES to its entities.`);
  }
}

/** Adds lingua-core's subscribers to a connection once (the host's connection does not list them). */
function attachSubscribers(dataSource: DataSource, subscribers: EntitySubscriberInterface[]): void {
  for (const subscriber of subscribers) {
    if (!dataSource.subscribers.some((s) => s.constructor === subscriber.constructor)) {
      (dataSource.subscribers as EntitySubscriberInterface[]).push(subscriber);
    }
  }
}
