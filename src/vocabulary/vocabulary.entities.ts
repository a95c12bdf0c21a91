import { Category } from './entities/category.entity';
import { UserVocabulary } from './entities/user-vocabulary.entity';
import { Word } from './entities/word.entity';

export const VOCABULARY_ENTITIES = [Category, Word, UserVocabulary];
