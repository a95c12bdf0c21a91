import { Module } from '@nestjs/common';
import { linguaRepositories } from '../database/lingua-repositories';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';
import { LearnerVocabularyRepository } from './learner-vocabulary.repository';
import { VocabularyCache } from './vocabulary.cache';
import { VOCABULARY_ENTITIES } from './vocabulary.entities';
import { VocabularyService } from './vocabulary.service';

/** Catalogue (categories, words) and each learner's words with spaced repetition. */
@Module({
  providers: [...linguaRepositories(VOCABULARY_ENTITIES), CatalogueRepository, LearnerVocabularyRepository, VocabularyCache, CatalogueService, VocabularyService],
  exports: [CatalogueService, VocabularyService],
})
export class VocabularyModule {}
