import { LearningPath } from './entities/learning-path.entity';
import { UserProfile } from './entities/user-profile.entity';
import { User } from './entities/user.entity';

export const USERS_ENTITIES = [User, UserProfile, LearningPath];
