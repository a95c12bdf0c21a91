import { Module } from '@nestjs/common';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';
import { LearnerVocabularyRepository } from './learner-vocabulary.repository';
import { VocabularyCache } from './vocabulary.cache';
import { VocabularyService } from './vocabulary.service';

/** Catalogue (categories, words) and each learner's words with spaced repetition. */
@Module({
  providers: [CatalogueRepository, LearnerVocabularyRepository, VocabularyCache, CatalogueService, VocabularyService],
  exports: [CatalogueService, VocabularyService],
})
export class VocabularyModule {}
