import { Type } from 'class-transformer';
import { IsEmail, IsString, Length, ValidateNested } from 'class-validator';

export class NewAuthorDto {
  @IsEmail()
  email: string;

  @IsString()
  @Length(1, 100)
  displayName: string;
}

/** Validated by the app's own global ValidationPipe (no whitelist: unknown fields are let through). */
export class CreateNoteDto {
  @IsString()
  @Length(1, 200)
  title: string;

  @ValidateNested()
  @Type(() => NewAuthorDto)
  author: NewAuthorDto;
}
