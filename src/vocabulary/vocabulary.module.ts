import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueController } from './catalogue.controller';
import { CatalogueRepository } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';
import { LearnerVocabularyRepository } from './learner-vocabulary.repository';
import { VocabularyCache } from './vocabulary.cache';
import { VocabularyController } from './vocabulary.controller';
import { VOCABULARY_ENTITIES } from './vocabulary.entities';
import { VocabularyService } from './vocabulary.service';

/** Catalogue (categories, words) and each learner's words with spaced repetition. */
@Module({
  imports: [TypeOrmModule.forFeature(VOCABULARY_ENTITIES)],
  controllers: [CatalogueController, VocabularyController],
  providers: [CatalogueRepository, LearnerVocabularyRepository, VocabularyCache, CatalogueService, VocabularyService],
  exports: [CatalogueService, VocabularyService],
})
export class VocabularyModule {}
