import { OnApplicationShutdown, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntitySubscriberInterface } from 'typeorm';
import { LinguaOptionsError, LinguaSettings } from '../lingua-core.options';
import { connectionOptions } from './connection-options';
import { resolvePooler } from './pooler';
import { LINGUA_ENTITY_LIST, LinguaEntityList } from './entity-list';
import { AfterCommitSubscriber } from './after-commit';
import { QueryObserverSubscriber, UNDERLYING_DATA_SOURCE } from './query-observer';

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

export function linguaDataSourceProviders(hostConnection: string | undefined, entities: LinguaEntityList): Provider[] {
  return [
    { provide: LINGUA_ENTITY_LIST, useValue: entities },
    {
      provide: OWN_CONNECTION,
      inject: [LinguaSettings],
      useFactory: async (settings: LinguaSettings) => {
        if (!settings.database) return undefined;
        const database = await resolvePooler(settings.database, "database.pooler = 'transaction'");
        return new DataSource(connectionOptions(database, entities)).initialize();
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
        assertEntitiesRegistered(dataSource, entities);
        attachSubscribers(dataSource, [new QueryObserverSubscriber(), new AfterCommitSubscriber()]);
        return hasReplication(dataSource) ? primaryView(dataSource) : dataSource;
      },
    },
    { provide: OwnConnectionCloser, inject: [OWN_CONNECTION], useFactory: (own?: DataSource) => new OwnConnectionCloser(own) },
  ];
}

function assertEntitiesRegistered(dataSource: DataSource, entities: LinguaEntityList): void {
  const missing = entities.filter((entity) => !dataSource.hasMetadata(entity)).map((entity) => entity.name);
  if (missing.length) {
    throw new LinguaOptionsError(
      `lingua-core's entities are not on this TypeORM connection (${missing.join(', ')}): add LINGUA_ENTITIES to its entities.`,
    );
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

function hasReplication(dataSource: DataSource): boolean {
  return Boolean((dataSource.options as { replication?: unknown }).replication);
}

/**
 * A host connection configured with TypeORM `replication` sends QueryBuilder and `find` reads to a
 * random replica, with no lag check. lingua-core reads replicas only through its ReadRouter, so it
 * sees such a connection through this view: the same DataSource (same pool, nothing of the host's
 * changed), whose reads default to the primary.
 */
function primaryView(dataSource: DataSource): DataSource {
  let manager: EntityManager | undefined;
  const view: DataSource = new Proxy(dataSource, {
    get(target, property) {
      switch (property) {
        case UNDERLYING_DATA_SOURCE:
          return target;
        case 'defaultReplicationModeForReads':
          return () => 'master';
        case 'manager':
          return (manager ??= new EntityManager(view));
        case 'getRepository':
        case 'createQueryBuilder': {
          // TypeORM's own methods, run on the view, so what they build reads through it.
          const method = DataSource.prototype[property] as (...args: unknown[]) => unknown;
          return (...args: unknown[]) => method.apply(view, args);
        }
        default: {
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
      }
    },
  });
  return view;
}
