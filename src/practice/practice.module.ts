import { Module } from '@nestjs/common';
import { linguaRepositories } from '../database/lingua-repositories';
import { VocabularyModule } from '../vocabulary/vocabulary.module';
import { PRACTICE_ENTITIES } from './practice.entities';
import { PracticeRepository } from './practice.repository';
import { PracticeService } from './practice.service';

/** Practice sessions and the review log; word state through VocabularyModule's VocabularyService. */
@Module({
  imports: [VocabularyModule],
  providers: [...linguaRepositories(PRACTICE_ENTITIES), PracticeRepository, PracticeService],
  exports: [PracticeService],
})
export class PracticeModule {}
