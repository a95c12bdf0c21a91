import 'reflect-metadata';
import type { Type } from '@nestjs/common';
import { precheckOf } from '../../src/common/body-precheck';
import { LinguaValidationPipe } from '../../src/common/validation';
import { AppendMessageDto, MessageListQuery } from '../../src/conversations/dto/conversation.dto';
import { CursorQuery } from '../../src/common/pagination';
import { DueQuery, LearnerVocabularyQuery } from '../../src/vocabulary/dto/learner-vocabulary.dto';
import { SubmitAnswerDto } from '../../src/practice/dto/practice.dto';

/**
 * The hand-written checks of the hot bodies and queries (src/common/body-precheck.ts) against the
 * DTOs' own class-validator rules, run through lingua's pipe with the precheck out of the way: an input
 * the precheck accepts must be accepted by class-validator with the same fields; one it refuses goes to
 * class-validator (the pipe's answer, 400 body included, is then class-validator's).
 */
const pipe = new LinguaValidationPipe();
type Source = 'body' | 'query';
const classValidator = (dto: Type<unknown>, input: unknown, source: Source) =>
  // Given as the other source, which has no precheck for this DTO: class-validator runs, as it would for this one.
  pipe.transform(structuredClone(input), { type: source === 'body' ? 'query' : 'body', metatype: dto }).then(
    (value) => ({ ok: true as const, value }),
    () => ({ ok: false as const }),
  );

const uuid = '7f0e2b4c-3d1a-4e5f-9a8b-1c2d3e4f5a6b';
const answer = { answerId: uuid, wordId: 12, rating: 3, responseMs: 900 };
const ANSWERS: unknown[] = [
  answer,
  { ...answer, rating: 1 },
  { ...answer, rating: 4, responseMs: 0 },
  { ...answer, wordId: 2_147_483_647, responseMs: 86_400_000 },
  { ...answer, answerId: uuid.toUpperCase() },
  { ...answer, answerId: '00000000-0000-0000-0000-000000000000' },
  { ...answer, answerId: '7f0e2b4c-3d1a-0e5f-9a8b-1c2d3e4f5a6b' },
  { ...answer, answerId: '7f0e2b4c3d1a4e5f9a8b1c2d3e4f5a6b' },
  { ...answer, answerId: 42 },
  { ...answer, wordId: 0 },
  { ...answer, wordId: 2_147_483_648 },
  { ...answer, wordId: 1.5 },
  { ...answer, wordId: '12' },
  { ...answer, rating: 0 },
  { ...answer, rating: 5 },
  { ...answer, rating: '3' },
  { ...answer, rating: 2.5 },
  { ...answer, responseMs: -1 },
  { ...answer, responseMs: 86_400_001 },
  { ...answer, responseMs: null },
  { ...answer, extra: 1 },
  { answerId: uuid, wordId: 12, rating: 3 },
  { answerId: uuid, wordId: 12, rating: 3, responseMs: 900, __proto__: { x: 1 } },
  JSON.parse(`{"answerId":"${uuid}","wordId":12,"rating":3,"__proto__":{"responseMs":900}}`),
  [answer],
  null,
  'answer',
  {},
];
const message = { role: 'user', content: 'How do I say "the train leaves at nine" in Spanish?' };
const MESSAGES: unknown[] = [
  message,
  { role: 'assistant', content: 'x' },
  { role: 'system', content: 'y'.repeat(20_000) },
  { role: 'user', content: 'y'.repeat(20_001) },
  { role: 'user', content: '😀'.repeat(20_000) },
  { role: 'user', content: '😀'.repeat(10_001) + 'y'.repeat(10_000) },
  { role: 'user', content: '\uFE0F' },
  { role: 'user', content: 'a\uFE0F' },
  { role: 'user', content: '' },
  { role: 'User', content: 'x' },
  { role: 'user', content: 42 },
  { role: 'user' },
  { role: 'user', content: 'x', extra: true },
  { content: 'x', role: 'user' },
  [message],
  null,
];

/** Parsed query strings: plain objects, and Fastify's kind (a prototype without properties). */
const queries = (list: Array<Record<string, unknown>>) => [
  ...list,
  ...list.map((q) => Object.assign(Object.create(Object.create(null) as object) as object, q)),
];
const CURSOR_QUERIES: Array<Record<string, unknown>> = [
  {},
  { limit: '50' },
  { limit: '1' },
  { limit: '100' },
  { limit: '101' },
  { limit: '0' },
  { limit: '007' },
  { limit: '1e2' },
  { limit: ' 5' },
  { limit: '-1' },
  { limit: '' },
  { limit: ['1', '2'] },
  { cursor: 'WzEyXQ' },
  { cursor: 'a'.repeat(300) },
  { cursor: 'a'.repeat(301) },
  { cursor: 'ab+c' },
  { cursor: '' },
  { limit: '20', cursor: 'WzEyXQ' },
  { x: '1' },
  { constructor: '1' },
  { toString: '1' },
];
const VOCABULARY_QUERIES = queries([
  ...CURSOR_QUERIES,
  { categoryId: '3', mastery: '0' },
  { categoryId: '2147483647', mastery: '5' },
  { categoryId: '2147483648' },
  { categoryId: '0' },
  { mastery: '6' },
  { mastery: '2.0' },
]);
const MESSAGE_QUERIES = queries([
  {},
  { limit: '50' },
  { afterOrder: '0', limit: '1' },
  { afterOrder: '2147483647' },
  { afterOrder: '2147483648' },
  { afterOrder: '-1' },
  { limit: '100' },
  { limit: '101' },
  { limit: '05' },
  { cursor: 'x' },
  { limit: ['5'] },
]);

describe('hot body and query prechecks (src/common/body-precheck.ts)', () => {
  it.each([
    ['SubmitAnswerDto', SubmitAnswerDto, 'body', ANSWERS, 4],
    ['AppendMessageDto', AppendMessageDto, 'body', MESSAGES, 3],
    ['CursorQuery', CursorQuery, 'query', queries(CURSOR_QUERIES), 6],
    ['LearnerVocabularyQuery', LearnerVocabularyQuery, 'query', VOCABULARY_QUERIES, 8],
    ['DueQuery', DueQuery, 'query', queries([{}, { limit: '20' }, { limit: '100' }, { limit: '101' }, { limit: '0' }, { cursor: 'x' }]), 4],
    ['MessageListQuery', MessageListQuery, 'query', MESSAGE_QUERIES, 6],
  ] as const)('%s: accepts only what class-validator accepts, with the same fields', async (_name, dto, source, inputs, least) => {
    const precheck = precheckOf(source, dto);
    expect(precheck).toBeDefined();
    let accepted = 0;
    for (const body of inputs as readonly unknown[]) {
      const fast = precheck!(body);
      if (fast === undefined) continue;
      accepted++;
      const slow = await classValidator(dto, body, source);
      expect({ body, ok: slow.ok }).toEqual({ body, ok: true });
      expect(fast).toBeInstanceOf(dto);
      expect({ ...(fast as object) }).toEqual({ ...((slow as { value: object }).value ?? {}) });
    }
    expect(accepted).toBeGreaterThanOrEqual(least);
  });

  it('the pipe answers a refused body with class-validator’s 400 and details', async () => {
    const err = (await pipe.transform({ ...answer, rating: 7 }, { type: 'body', metatype: SubmitAnswerDto }).catch((e: unknown) => e)) as {
      getStatus(): number;
      code: string;
      details: Array<{ field: string }>;
    };
    expect(err.getStatus()).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.details.map((d) => d.field)).toEqual(['rating']);
  });

  it('the pipe returns the precheck’s DTO for a valid body', async () => {
    const dto = await pipe.transform({ ...answer }, { type: 'body', metatype: SubmitAnswerDto });
    expect(dto).toBeInstanceOf(SubmitAnswerDto);
    expect(dto).toEqual(Object.assign(new SubmitAnswerDto(), answer));
  });
});
