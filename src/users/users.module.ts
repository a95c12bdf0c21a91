import { Module } from '@nestjs/common';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Learners, profiles and learning paths: provides and exports `UsersService`; mounts no route (`LinguaApiModule` does). */
@Module({
  providers: [UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
