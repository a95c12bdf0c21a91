import { PracticeAnswer } from './entities/practice-answer.entity';
import { PracticeSession } from './entities/practice-session.entity';

export const PRACTICE_ENTITIES = [PracticeSession, PracticeAnswer];
