import { INestApplicationContext } from '@nestjs/common';
import { LessonsService } from '../../src/index';

/** Demo catalogue: two compiled lessons, so GET /api/lessons and lesson sessions have something to show. */
export async function seedDemoLessons(app: INestApplicationContext): Promise<void> {
  const lessons = app.get(LessonsService);
  const greetings = await lessons.create({ title: 'Greetings and introductions', canDo: 'I can greet people and say who I am' });
  await lessons.compile(greetings.id, {
    lessonPlan: {
      level: 'A1',
      objectives: ['Greet someone', 'Introduce yourself'],
      steps: [
        {
          id: 'words',
          type: 'presentation',
          title: 'Hola, buenos días',
          durationMinutes: 5,
          content: { words: ['hola', 'buenos días', 'me llamo'] },
        },
        { id: 'dialogue', type: 'dialogue', title: 'Meeting a neighbour', durationMinutes: 10, dependsOn: ['words'] },
        { id: 'check', type: 'quiz', title: 'Quick check', durationMinutes: 5, dependsOn: ['dialogue'] },
      ],
    },
  });
  const food = await lessons.create({ title: 'Ordering food', canDo: 'I can order food and drinks in a café' });
  await lessons.compile(food.id, {
    lessonPlan: {
      level: 'A2',
      objectives: ['Order food and drinks', 'Ask for the bill'],
      steps: [
        { id: 'menu', type: 'presentation', title: 'La carta', durationMinutes: 8 },
        { id: 'order', type: 'practice', title: 'Ordering', durationMinutes: 12, dependsOn: ['menu'] },
      ],
    },
  });
}
