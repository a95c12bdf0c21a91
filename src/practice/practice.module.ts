import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VocabularyModule } from '../vocabulary/vocabulary.module';
import { PracticeController } from './practice.controller';
import { PRACTICE_ENTITIES } from './practice.entities';
import { PracticeRepository } from './practice.repository';
import { PracticeService } from './practice.service';

/** Practice sessions and the review log; word state through VocabularyModule's VocabularyService. */
@Module({
  imports: [TypeOrmModule.forFeature(PRACTICE_ENTITIES), VocabularyModule],
  controllers: [PracticeController],
  providers: [PracticeRepository, PracticeService],
  exports: [PracticeService],
})
export class PracticeModule {}
