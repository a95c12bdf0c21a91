import { iso } from '../common/dates';
import { LearningPathDto, ProfileDto, UserDto, UserWithProfileDto } from './dto/user.dto';
import { LearningPath } from './entities/learning-path.entity';
import { UserProfile } from './entities/user-profile.entity';
import { User } from './entities/user.entity';

export const toUserDto = (u: User): UserDto => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  nativeLanguage: u.nativeLanguage,
  targetLanguage: u.targetLanguage,
  createdAt: iso(u.createdAt) as string,
});

export const toProfileDto = (p: UserProfile): ProfileDto => ({
  learningGoals: p.learningGoals,
  previousKnowledge: p.previousKnowledge,
  usageContext: p.usageContext,
  updatedAt: iso(p.updatedAt) as string,
});

export const toUserWithProfileDto = (u: User, p: UserProfile | null): UserWithProfileDto => ({
  ...toUserDto(u),
  profile: p ? toProfileDto(p) : null,
});

export const toLearningPathDto = (lp: LearningPath): LearningPathDto => ({
  id: lp.id,
  pathData: lp.pathData,
  progressData: lp.progressData,
  createdAt: iso(lp.createdAt) as string,
  updatedAt: iso(lp.updatedAt) as string,
});
