import { Module } from '@nestjs/common';
import { VocabularyModule } from '../vocabulary/vocabulary.module';
import { PracticeRepository } from './practice.repository';
import { PracticeService } from './practice.service';

/** Practice sessions and the review log; word state through VocabularyModule's VocabularyService. */
@Module({
  imports: [VocabularyModule],
  providers: [PracticeRepository, PracticeService],
  exports: [PracticeService],
})
export class PracticeModule {}
