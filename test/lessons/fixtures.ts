export const validPlan = (level = 'A2', extra: Record<string, unknown> = {}) => ({
  level,
  objectives: ['Order food in a restaurant'],
  steps: [
    { id: 'intro', type: 'presentation', title: 'Menu words', durationMinutes: 5, content: { words: ['la carta'] } },
    { id: 'drill', type: 'practice', title: 'Ordering', durationMinutes: 10, dependsOn: ['intro'] },
  ],
  ...extra,
});
