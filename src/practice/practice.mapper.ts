import { iso } from '../common/dates';
import { CARD_STATES, isCorrect, ReviewRating } from '../vocabulary/srs';
import { AnswerResultDto, PracticeSessionDto } from './dto/practice.dto';
import { PracticeAnswer } from './entities/practice-answer.entity';
import { PracticeSession } from './entities/practice-session.entity';

export const toSessionDto = (s: PracticeSession): PracticeSessionDto => ({
  id: s.id,
  startedAt: iso(s.startedAt) as string,
  finishedAt: iso(s.finishedAt),
  totalQuestions: s.totalQuestions,
  correctAnswers: s.correctAnswers,
  durationSeconds: s.durationSeconds,
});

export const toAnswerResultDto = (a: PracticeAnswer): AnswerResultDto => ({
  answerId: a.answerId,
  sessionId: a.sessionId,
  wordId: a.wordId,
  rating: a.rating,
  correct: isCorrect(a.rating as ReviewRating),
  responseMs: a.responseMs,
  answeredAt: iso(a.answeredAt) as string,
  card: {
    state: CARD_STATES[a.state],
    dueAt: iso(a.dueAt) as string,
    stability: a.stability,
    difficulty: a.difficulty,
    masteryLevel: a.masteryLevel,
  },
});
