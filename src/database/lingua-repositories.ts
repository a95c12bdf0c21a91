import { Inject, Provider } from '@nestjs/common';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { LINGUA_ENTITIES } from './entities';
import { LinguaDataSource } from './lingua-data-source';

type EntityClass = EntityTarget<ObjectLiteral> & { name: string };

/** lingua-core's own alias of a repository token: what its repositories inject, whatever the connection is called. */
const aliasOf = (entity: EntityClass) => `lingua:repository:${entity.name}`;

/**
 * Every lingua-core entity's TypeORM repository on the connection lingua-core runs on, under
 * `@nestjs/typeorm`'s standard token — `getRepositoryToken(Entity)` on the host's default connection,
 * `getRepositoryToken(Entity, name)` with the `dataSource` extra — so a host's tests override them the
 * usual way (`overrideProvider(getRepositoryToken(User))`). lingua-core's repositories inject an alias
 * that resolves to that token.
 */
export function linguaRepositoryProviders(dataSourceName: string | undefined): Provider[] {
  return LINGUA_ENTITIES.flatMap((entity): Provider[] => {
    const token = getRepositoryToken(entity, dataSourceName);
    return [
      { provide: token, inject: [LinguaDataSource], useFactory: (dataSource: LinguaDataSource) => dataSource.getRepository(entity) },
      { provide: aliasOf(entity), useExisting: token },
    ];
  });
}

export const linguaRepositoryTokens = (dataSourceName: string | undefined) =>
  LINGUA_ENTITIES.flatMap((entity) => [getRepositoryToken(entity, dataSourceName), aliasOf(entity)]);

/** Injects the repository of `entity` on lingua-core's connection. */
export const InjectLinguaRepository = (entity: EntityClass): ParameterDecorator => Inject(aliasOf(entity));
