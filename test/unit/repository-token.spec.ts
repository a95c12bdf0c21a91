import { getRepositoryToken } from '@nestjs/typeorm';
import { LINGUA_ENTITIES, LinguaEntityName, linguaRepositoryToken } from '../../src/entities';
import { LinguaOptionsError } from '../../src/lingua-core.options';

/** issue 23: the entity classes left the public API; a host test reaches a repository token by the entity's name. */
describe('issue 23: linguaRepositoryToken(name[, dataSource]) is the standard getRepositoryToken(Entity[, dataSource])', () => {
  it('names every entity lingua-core maps, on the default and a named connection', () => {
    for (const entity of LINGUA_ENTITIES) {
      const name = entity.name as LinguaEntityName;
      expect(linguaRepositoryToken(name)).toBe(getRepositoryToken(entity));
      expect(linguaRepositoryToken(name, 'lingua')).toBe(getRepositoryToken(entity, 'lingua'));
    }
  });

  it('rejects a name lingua-core does not map', () => {
    expect(() => linguaRepositoryToken('Nope' as LinguaEntityName)).toThrow(LinguaOptionsError);
  });
});
