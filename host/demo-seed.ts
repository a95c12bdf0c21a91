import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/index';
import { seedDemoLessons } from './demo/lessons.demo';
import { seedVocabularyDemo } from './demo/vocabulary.demo';

export const DEMO_LEARNER_EMAIL = 'demo.learner@lingua.local';
export const DEMO_AUTHOR_EMAIL = 'demo.author@lingua.local';

/**
 * Seeds the demo data once (through the real services) and returns the demo accounts' ids.
 * Runs only against the embedded database, or with DEMO=true.
 */
export async function seedDemo(app: INestApplicationContext): Promise<{ learnerId: number; authorId: number }> {
  const dataSource = app.get(DataSource);
  const existing: Array<{ id: number; email: string }> = await dataSource.query(
    `SELECT id, email FROM users WHERE lower(email) IN ($1, $2)`,
    [DEMO_LEARNER_EMAIL, DEMO_AUTHOR_EMAIL],
  );
  const idOf = (email: string) => existing.find((u) => u.email === email)?.id;
  const users = app.get(UsersService);
  const learnerId =
    idOf(DEMO_LEARNER_EMAIL) ??
    (await users.register({ email: DEMO_LEARNER_EMAIL, displayName: 'Demo Learner', nativeLanguage: 'en', targetLanguage: 'es' })).id;
  const authorId =
    idOf(DEMO_AUTHOR_EMAIL) ??
    (await users.register({ email: DEMO_AUTHOR_EMAIL, displayName: 'Demo Author', nativeLanguage: 'en', targetLanguage: 'es' })).id;
  if (!existing.length) {
    await users.replaceProfile(learnerId, { learningGoals: { travel: true, level: 'A2' }, usageContext: { daily_minutes: 15 } });
    for (const seed of DEMO_SEEDERS) await seed(app);
  }
  return { learnerId, authorId };
}

/** Feature modules add their demo catalogue here (run once, on first start). */
export const DEMO_SEEDERS: Array<(app: INestApplicationContext) => Promise<void>> = [seedVocabularyDemo, seedDemoLessons];
