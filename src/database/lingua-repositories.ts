import { Inject, Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import type { LinguaEntityList } from './entity-list';
import { LinguaDataSource } from './lingua-data-source';

type EntityClass = EntityTarget<ObjectLiteral> & { name: string };

/** lingua-core's own alias of a repository token: what its repositories inject, whatever the connection is called. */
const aliasOf = (entity: EntityClass) => `lingua:repository:${entity.name}`;

/**
 * Every lingua-core entity's repository as provided under its standard token (a host's override
 * included), for the reads that run on an EntityManager the ReadRouter hands them.
 */
export class LinguaRepositories {
  private readonly views = new WeakMap<EntityManager, EntityManager>();

  constructor(private readonly byEntity: Map<unknown, Repository<ObjectLiteral>>) {}

  /**
   * `manager` as a read sees it: `getRepository(Entity)` answers the repository under Entity's token
   * (repositoryOn): on the primary's manager the provided repository itself, on a replica's the
   * provided one with the replica's manager underneath.
   */
  readingOn(manager: EntityManager): EntityManager {
    let view = this.views.get(manager);
    if (!view) {
      const onManager = new Map<unknown, Repository<ObjectLiteral>>();
      const repositoryFor = (target: unknown): Repository<ObjectLiteral> | undefined => {
        const provided = this.byEntity.get(target);
        if (provided && !onManager.has(target)) onManager.set(target, repositoryOn(provided, manager));
        return onManager.get(target);
      };
      view = Object.create(manager, {
        getRepository: {
          value: (target: EntityTarget<ObjectLiteral>) => repositoryFor(target) ?? manager.getRepository(target),
        },
      }) as EntityManager;
      this.views.set(manager, view);
    }
    return view;
  }
}

/**
 * `repository` (the one under its token, an override included) running on `manager` — a
 * transaction's or a replica's: its own methods still run (an override's, a spy's), and what it
 * builds from `this.manager` / `this.queryRunner` runs there. Without a manager, or with a manager
 * outside any transaction on the repository's own connection, `repository` itself.
 */
export function repositoryOn<T extends ObjectLiteral>(repository: Repository<T>, manager: EntityManager | undefined): Repository<T> {
  if (!manager || (!manager.queryRunner && manager.connection === repository.manager?.connection)) return repository;
  return Object.create(repository, { manager: { value: manager }, queryRunner: { value: manager.queryRunner } }) as Repository<T>;
}

/**
 * Every lingua-core entity's TypeORM repository on the connection lingua-core runs on, under
 * `@nestjs/typeorm`'s standard token — `getRepositoryToken(Entity)` on the host's default connection,
 * `getRepositoryToken(Entity, name)` with the `dataSource` extra — so a host's tests override them the
 * usual way (`overrideProvider(getRepositoryToken(User))`). lingua-core's repositories inject an alias
 * that resolves to that token, and reads through the ReadRouter get the same repositories
 * (LinguaRepositories).
 */
export function linguaRepositoryProviders(dataSourceName: string | undefined, entities: LinguaEntityList): Provider[] {
  return [
    ...entities.flatMap((entity): Provider[] => {
      const token = getRepositoryToken(entity, dataSourceName);
      return [
        { provide: token, inject: [LinguaDataSource], useFactory: (dataSource: LinguaDataSource) => dataSource.getRepository(entity) },
        { provide: aliasOf(entity), useExisting: token },
      ];
    }),
    {
      provide: LinguaRepositories,
      inject: entities.map(aliasOf),
      useFactory: (...repositories: Array<Repository<ObjectLiteral>>) =>
        new LinguaRepositories(new Map(entities.map((entity, i) => [entity, repositories[i]]))),
    },
  ];
}

export const linguaRepositoryTokens = (dataSourceName: string | undefined, entities: LinguaEntityList) =>
  entities.flatMap((entity) => [getRepositoryToken(entity, dataSourceName), aliasOf(entity)]);

/** Injects the repository of `entity` on lingua-core's connection. */
export const InjectLinguaRepository = (entity: EntityClass): ParameterDecorator => Inject(aliasOf(entity));
