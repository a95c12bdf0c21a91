import { DataSource, DefaultNamingStrategy, getMetadataArgsStorage, NamingStrategyInterface } from 'typeorm';
import { LINGUA_ENTITIES } from '../../src/entities';
import { User } from '../../src/users/entities/user.entity';
import { Category } from '../../src/vocabulary/entities/category.entity';
import { UserVocabulary } from '../../src/vocabulary/entities/user-vocabulary.entity';
import { Word } from '../../src/vocabulary/entities/word.entity';
import { createDatabaseFromTemplate, dropDatabase } from '../harness/context';
import { withDatabase } from '../../scripts/lib/scratch-postgres';

/** A host's snake_case strategy, written here so lingua-core depends on none. */
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
class SnakeCaseNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  tableName(className: string, customName?: string): string {
    return customName ?? snake(className);
  }
  columnName(propertyName: string, customName: string | undefined, prefixes: string[]): string {
    return snake(prefixes.concat('').join('_')) + (customName ?? snake(propertyName));
  }
  relationName(propertyName: string): string {
    return snake(propertyName);
  }
  joinColumnName(relationName: string, referencedColumnName: string): string {
    return snake(`${relationName}_${referencedColumnName}`);
  }
}

/**
 * SPEC §6 "Any naming strategy": every column, join column, key, index and constraint of
 * lingua-core's entities is named explicitly, so a host connection with TypeORM's default naming
 * (or its own snake_case one) maps them onto the migrated schema with nothing to change.
 */
describe('entities under any naming strategy', () => {
  const args = getMetadataArgsStorage();
  type Target = (typeof args.columns)[number]['target'];
  const ours = (target: Target) => LINGUA_ENTITIES.includes(target as (typeof LINGUA_ENTITIES)[number]);
  const where = (target: Target, property: string) => `${typeof target === 'string' ? target : target.name}.${property}`;
  let database: string;
  let url: string;

  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    url = withDatabase(process.env.LINGUA_TEST_ADMIN_URL!, database);
  });
  afterAll(async () => {
    await dropDatabase(database);
  });

  it('declares a database name on every column and join column', () => {
    const unnamedColumns = args.columns.filter((c) => ours(c.target) && !c.options.name).map((c) => where(c.target, c.propertyName));
    const unnamedJoins = args.joinColumns
      .filter((j) => ours(j.target) && (!j.name || !j.referencedColumnName || !j.foreignKeyConstraintName))
      .map((j) => where(j.target, j.propertyName));
    expect(unnamedColumns).toEqual([]);
    expect(unnamedJoins).toEqual([]);
  });

  describe.each([
    ['DefaultNamingStrategy', () => new DefaultNamingStrategy()],
    ['a snake_case strategy', () => new SnakeCaseNamingStrategy()],
  ])('%s', (label, namingStrategy) => {
    let ds: DataSource;
    beforeAll(async () => {
      // Like a host's own connection: nothing of lingua-core's but its entities.
      ds = await new DataSource({
        type: 'postgres',
        url,
        entities: LINGUA_ENTITIES,
        namingStrategy: namingStrategy(),
        synchronize: false,
      }).initialize();
    });
    afterAll(async () => {
      await ds?.destroy();
    });

    it('maps every column to the name it declares', () => {
      expect(ds.entityMetadatas).toHaveLength(LINGUA_ENTITIES.length);
      const mismatches: string[] = [];
      for (const meta of ds.entityMetadatas) {
        const declared = new Map(args.columns.filter((c) => c.target === meta.target).map((c) => [c.propertyName, c.options.name]));
        for (const column of meta.columns) {
          const name =
            declared.get(column.propertyName) ??
            args.joinColumns.find((j) => j.target === meta.target && j.propertyName === column.propertyName)?.name;
          if (column.databaseName !== name)
            mismatches.push(`${meta.tableName}.${column.propertyName}: ${column.databaseName} (declared ${name})`);
        }
        for (const relation of meta.relations) {
          const join = args.joinColumns.find((j) => j.target === meta.target && j.propertyName === relation.propertyName);
          const actual = relation.joinColumns.map((c) => `${c.databaseName}->${c.referencedColumn?.databaseName}`);
          if (JSON.stringify(actual) !== JSON.stringify([`${join?.name}->${join?.referencedColumnName}`])) {
            mismatches.push(`${meta.tableName}.${relation.propertyName}: ${actual.join(', ')}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('keeps the declared names of keys, foreign keys, uniques, indexes and checks', () => {
      const names = (meta: DataSource['entityMetadatas'][number]) => ({
        pk: meta.primaryColumns[0].primaryKeyConstraintName,
        fks: meta.foreignKeys.map((fk) => fk.name).sort(),
        uniques: meta.uniques.map((u) => u.name).sort(),
        indexes: meta.indices.map((i) => i.name).sort(),
        checks: meta.checks.map((c) => c.name).sort(),
      });
      const declared = (target: Target) => ({
        pk: args.columns.find((c) => c.target === target && c.options.primaryKeyConstraintName)?.options.primaryKeyConstraintName,
        fks: args.joinColumns
          .filter((j) => j.target === target)
          .map((j) => j.foreignKeyConstraintName)
          .sort(),
        uniques: args.uniques
          .filter((u) => u.target === target)
          .map((u) => u.name)
          .sort(),
        indexes: args.indices
          .filter((i) => i.target === target)
          .map((i) => i.name)
          .sort(),
        checks: args.checks
          .filter((c) => c.target === target)
          .map((c) => c.name)
          .sort(),
      });
      for (const meta of ds.entityMetadatas) {
        expect({ table: meta.tableName, ...names(meta) }).toEqual({ table: meta.tableName, ...declared(meta.target) });
        expect(names(meta).pk).toBe(`pk_${meta.tableName}`);
      }
    });

    it('finds nothing to change in the migrated schema (the schema builder plans no statement)', async () => {
      const plan = await ds.driver.createSchemaBuilder().log();
      expect(plan.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('reads and writes through the mapping: columns, join columns and relations', async () => {
      const user = await ds
        .getRepository(User)
        .save({ email: null, displayName: `Naming ${label}`, nativeLanguage: 'en', targetLanguage: 'de' });
      const category = await ds.getRepository(Category).save({ name: `naming ${label} ${user.id}`, description: null });
      const word = await ds
        .getRepository(Word)
        .save({ term: `wort ${user.id}`, translation: 'word', categoryId: category.id, difficultyLevel: 3 });
      await ds.getRepository(UserVocabulary).save({ userId: user.id, wordId: word.id, masteryLevel: 2, timesSeen: 4, timesCorrect: 3 });

      const [row] = await ds.query(`SELECT display_name, target_language, created_at FROM users WHERE id = $1`, [user.id]);
      expect(row).toEqual({ display_name: `Naming ${label}`, target_language: 'de', created_at: expect.any(Date) });
      const card = await ds
        .getRepository(UserVocabulary)
        .createQueryBuilder('uv')
        .innerJoinAndSelect('uv.word', 'w')
        .innerJoinAndSelect('w.category', 'c')
        .where('uv.userId = :userId', { userId: user.id })
        .getOneOrFail();
      expect(card).toMatchObject({ userId: user.id, wordId: word.id, masteryLevel: 2, timesSeen: 4, timesCorrect: 3, learningSteps: 0 });
      expect(card.word).toMatchObject({
        id: word.id,
        difficultyLevel: 3,
        categoryId: category.id,
        category: { id: category.id, name: category.name },
      });
      expect(card.dueAt).toBeInstanceOf(Date);
    });
  });
});
