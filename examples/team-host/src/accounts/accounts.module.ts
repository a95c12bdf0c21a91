import { Module } from '@nestjs/common';
import { makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { UsersModule, VocabularyModule } from 'lingua-core';
import { AccountsController } from './accounts.controller';
import { AccountsService, SIGNUPS_METRIC } from './accounts.service';

@Module({
  imports: [UsersModule, VocabularyModule],
  controllers: [AccountsController],
  providers: [AccountsService, makeCounterProvider({ name: SIGNUPS_METRIC, help: 'Accounts signed up (team host).' })],
})
export class AccountsModule {}
