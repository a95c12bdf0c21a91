import { randomBytes } from 'node:crypto';
import { TestContext } from '../harness/context';
import { CatalogueService } from '../../src/vocabulary/catalogue.service';
import { CategoryDto, WordDto } from '../../src/vocabulary/dto/catalogue.dto';

const unique = () => randomBytes(4).toString('hex');

/** Catalogue factories: insert through the real CatalogueService, every field overridable. */
export async function newCategory(ctx: TestContext, overrides: Partial<{ name: string; description: string }> = {}): Promise<CategoryDto> {
  return ctx.get(CatalogueService).createCategory({ name: `category-${unique()}`, ...overrides });
}

export async function newWords(ctx: TestContext, categoryId: number, count: number, prefix = `w${unique()}`): Promise<WordDto[]> {
  const words = Array.from({ length: count }, (_, i) => ({
    term: `${prefix}-${String(i).padStart(4, '0')}`,
    translation: `t${i}`,
    categoryId,
    difficultyLevel: (i % 5) + 1,
  }));
  return (await ctx.get(CatalogueService).bulkCreateWords({ words })).items;
}
