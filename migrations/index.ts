import { CreateLegacyBaseline1763800000000 } from './1763800000000-CreateLegacyBaseline';
import { CreateSharedInfrastructure1763800000100 } from './1763800000100-CreateSharedInfrastructure';
import { RepairUsers1763800000200 } from './1763800000200-RepairUsers';
import { IndexUsers1763800000300 } from './1763800000300-IndexUsers';
import { RepairVocabulary1763800100000 } from './1763800100000-RepairVocabulary';
import { IndexVocabulary1763800100100 } from './1763800100100-IndexVocabulary';
import { RepairPractice1763800100200 } from './1763800100200-RepairPractice';
import { CreatePracticeAnswers1763800100300 } from './1763800100300-CreatePracticeAnswers';
import { IndexPractice1763800100400 } from './1763800100400-IndexPractice';
import { RepairConversations1763800200000 } from './1763800200000-RepairConversations';
import { IndexConversations1763800200100 } from './1763800200100-IndexConversations';
import { RepairLessons1763800200200 } from './1763800200200-RepairLessons';
import { IndexLessons1763800200300 } from './1763800200300-IndexLessons';

/** The migration chain, in order. Listed explicitly so it works from ts-node, dist/ and embedding apps. */
export const LINGUA_MIGRATIONS = [
  CreateLegacyBaseline1763800000000,
  CreateSharedInfrastructure1763800000100,
  RepairUsers1763800000200,
  IndexUsers1763800000300,
  RepairVocabulary1763800100000,
  IndexVocabulary1763800100100,
  RepairPractice1763800100200,
  CreatePracticeAnswers1763800100300,
  IndexPractice1763800100400,
  RepairConversations1763800200000,
  IndexConversations1763800200100,
  RepairLessons1763800200200,
  IndexLessons1763800200300,
];
