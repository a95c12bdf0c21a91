import { INestApplicationContext } from '@nestjs/common';
import { CatalogueService } from '../../src/index';

const DEMO_CATALOGUE: Record<string, { description: string; words: Array<[term: string, translation: string, difficulty: number]> }> = {
  Food: {
    description: 'Everyday food and drink',
    words: [
      ['manzana', 'apple', 1],
      ['pan', 'bread', 1],
      ['agua', 'water', 1],
      ['queso', 'cheese', 2],
      ['desayuno', 'breakfast', 2],
      ['berenjena', 'aubergine', 3],
      ['aguacate', 'avocado', 3],
    ],
  },
  Travel: {
    description: 'Getting around',
    words: [
      ['tren', 'train', 1],
      ['billete', 'ticket', 2],
      ['equipaje', 'luggage', 3],
      ['aeropuerto', 'airport', 2],
      ['andén', 'platform', 4],
      ['retraso', 'delay', 3],
      ['aduana', 'customs', 4],
    ],
  },
  Greetings: {
    description: 'Meeting people',
    words: [
      ['hola', 'hello', 1],
      ['adiós', 'goodbye', 1],
      ['gracias', 'thank you', 1],
      ['por favor', 'please', 1],
      ['encantado', 'pleased to meet you', 2],
      ['hasta luego', 'see you later', 2],
    ],
  },
};

/** The demo catalogue (3 categories, 20 words), created through CatalogueService. */
export async function seedVocabularyDemo(app: INestApplicationContext): Promise<void> {
  const catalogue = app.get(CatalogueService);
  for (const [name, { description, words }] of Object.entries(DEMO_CATALOGUE)) {
    const category = await catalogue.createCategory({ name, description });
    await catalogue.bulkCreateWords({
      words: words.map(([term, translation, difficultyLevel]) => ({ term, translation, difficultyLevel, categoryId: category.id })),
    });
  }
}
