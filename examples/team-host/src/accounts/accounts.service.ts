import { Injectable, NotFoundException } from '@nestjs/common';
import { Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { UsersService, VocabularyService } from 'lingua-core';
import type { Counter } from 'prom-client';
import { Account } from './account.entity';
import { AccountView, SignUpDto } from './accounts.dto';

export const SIGNUPS_METRIC = 'team_host_signups_total';

@Injectable()
export class AccountsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly vocabulary: VocabularyService,
    @InjectMetric(SIGNUPS_METRIC) private readonly signups: Counter,
  ) {}

  /**
   * One transaction (nestjs-cls): the team's account row, then lingua-core's learner and its starter
   * words — lingua's writes join it through `transaction: clsTransaction()`. Any failure (an unknown
   * starter word, here) rolls back all of it, lingua's rows included.
   */
  @Transactional()
  async signUp(dto: SignUpDto, roles: string[] = []): Promise<AccountView> {
    const accounts = this.txHost.tx.getRepository(Account);
    const account = await accounts.save(accounts.create({ email: dto.email, roles }));
    const learner = await this.users.register({
      email: dto.email,
      displayName: dto.displayName,
      nativeLanguage: dto.nativeLanguage,
      targetLanguage: dto.targetLanguage,
    });
    for (const wordId of dto.starterWordIds ?? []) await this.vocabulary.startLearning(learner.id, wordId);
    await accounts.update(account.id, { linguaUserId: learner.id });
    this.signups.inc();
    return new AccountView({ ...account, linguaUserId: learner.id });
  }

  async get(id: string): Promise<AccountView> {
    const account = await this.txHost.tx.getRepository(Account).findOneBy({ id });
    if (!account) throw new NotFoundException('No such account.');
    return new AccountView(account);
  }
}
