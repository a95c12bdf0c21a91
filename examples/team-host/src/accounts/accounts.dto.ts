import { Exclude, Expose } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';

export class SignUpDto {
  @IsEmail()
  email: string;

  @IsString()
  @Length(1, 100)
  displayName: string;

  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
  nativeLanguage: string;

  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
  targetLanguage: string;

  /** Words the new learner starts learning at once (lingua-core's VocabularyService). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @Min(1, { each: true })
  starterWordIds?: number[];
}

/** What the team's API answers for an account: ClassSerializerInterceptor leaves out what is @Exclude()d. */
export class AccountView {
  @Expose() id: string;
  @Expose() email: string;
  @Expose() roles: string[];
  @Exclude() linguaUserId: number | null;
  @Expose() createdAt: Date;

  constructor(fields: Partial<AccountView>) {
    Object.assign(this, fields);
  }
}
