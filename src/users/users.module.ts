import { Module } from '@nestjs/common';
import { linguaRepositories } from '../database/lingua-repositories';
import { USERS_ENTITIES } from './users.entities';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Learners, profiles and learning paths: provides and exports `UsersService`; mounts no route (`LinguaApiModule` does). */
@Module({
  providers: [...linguaRepositories(USERS_ENTITIES), UsersRepository, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
