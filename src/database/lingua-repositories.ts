import { Inject, Provider } from '@nestjs/common';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { LinguaDataSource } from './lingua-data-source';

type EntityClass = EntityTarget<ObjectLiteral> & { name: string };

const tokenOf = (entity: EntityClass) => `lingua:repository:${entity.name}`;

/** A feature module's TypeORM repositories, on whichever connection lingua-core runs on. */
export function linguaRepositories(entities: EntityClass[]): Provider[] {
  return entities.map((entity) => ({
    provide: tokenOf(entity),
    inject: [LinguaDataSource],
    useFactory: (dataSource: LinguaDataSource) => dataSource.getRepository(entity),
  }));
}

/** Injects the repository `linguaRepositories` provides for `entity`. */
export const InjectLinguaRepository = (entity: EntityClass): ParameterDecorator => Inject(tokenOf(entity));
