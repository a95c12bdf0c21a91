import { ApiProperty, ApiPropertyOptional } from '../../common/swagger-optional';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQuery, sortValues } from '../../common/pagination';
import { MAX_INT4 } from '../../common/id-param';

const NOT_BLANK = /\S/;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const BULK_MAX_WORDS = 1000;
export const WORD_SORT_FIELDS = ['term', 'difficultyLevel', 'createdAt', 'id'] as const;
export type WordSortField = (typeof WORD_SORT_FIELDS)[number];

export class CategoryDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() wordCount: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CategoryListDto {
  @ApiProperty({ type: [CategoryDto] }) items: CategoryDto[];
}

export class CreateCategoryDto {
  @ApiProperty({ example: 'Food' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class UpdateCategoryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class CategoryRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

export class WordDto {
  @ApiProperty() id: number;
  @ApiProperty() term: string;
  @ApiProperty() translation: string;
  @ApiProperty({ minimum: 1, maximum: 5 }) difficultyLevel: number;
  @ApiProperty() categoryId: number;
  @ApiProperty({ type: CategoryRefDto }) category: CategoryRefDto;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CreateWordDto {
  @ApiProperty({ example: 'manzana' })
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  @Matches(NOT_BLANK, { message: 'term must not be blank' })
  term: string;

  @ApiProperty({ example: 'apple' })
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  @Matches(NOT_BLANK, { message: 'translation must not be blank' })
  translation: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  categoryId: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  difficultyLevel?: number;
}

export class UpdateWordDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  @Matches(NOT_BLANK, { message: 'term must not be blank' })
  term?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 255)
  @Matches(NOT_BLANK, { message: 'translation must not be blank' })
  translation?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  categoryId?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  difficultyLevel?: number;
}

export class BulkCreateWordsDto {
  @ApiProperty({ type: [CreateWordDto], maxItems: BULK_MAX_WORDS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_MAX_WORDS)
  @ValidateNested({ each: true })
  @Type(() => CreateWordDto)
  words: CreateWordDto[];
}

export class WordListDto {
  @ApiProperty({ type: [WordDto] }) items: WordDto[];
}

export class WordPageDto extends WordListDto {
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() pages: number;
}

export class WordQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  categoryId?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  difficulty?: number;

  @ApiPropertyOptional({ description: 'Case-insensitive term prefix' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: sortValues(WORD_SORT_FIELDS), default: 'term' })
  @IsOptional()
  @IsIn(sortValues(WORD_SORT_FIELDS))
  sort?: string;
}
