import { Delete, Get, HttpCode, Patch, Post, UseGuards } from '@nestjs/common';
import { Body, Param, Query } from '../common/request-params';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '../common/swagger-optional';
import { AuthorGuard } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors, Operation } from '../common/openapi';
import { Page } from '../common/pagination';
import { CatalogueService } from './catalogue.service';
import {
  BulkCreateWordsDto,
  CategoryDto,
  CategoryListDto,
  CreateCategoryDto,
  CreateWordDto,
  UpdateCategoryDto,
  UpdateWordDto,
  WordDto,
  WordListDto,
  WordPageDto,
  WordQuery,
} from './dto/catalogue.dto';
import { LinguaController } from '../common/lingua-controller.decorator';

@LinguaController('', 'catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get('categories')
  @Operation('List categories with word counts')
  @ApiOkResponse({ type: CategoryListDto })
  @ApiErrors(401)
  listCategories(): Promise<CategoryListDto> {
    return this.catalogue.listCategories();
  }

  @Post('categories')
  @Operation('Create a category (author)')
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: CategoryDto })
  @ApiErrors(400, 401, 403, 409)
  createCategory(@Body() dto: CreateCategoryDto): Promise<CategoryDto> {
    return this.catalogue.createCategory(dto);
  }

  @Patch('categories/:id')
  @Operation('Rename or describe a category (author)')
  @UseGuards(AuthorGuard)
  @ApiOkResponse({ type: CategoryDto })
  @ApiErrors(400, 401, 403, 404, 409)
  updateCategory(@Param('id', IdParam) id: number, @Body() dto: UpdateCategoryDto): Promise<CategoryDto> {
    return this.catalogue.updateCategory(id, dto);
  }

  @Delete('categories/:id')
  @Operation('Delete a category without words (author)')
  @UseGuards(AuthorGuard)
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 404, 409)
  deleteCategory(@Param('id', IdParam) id: number): Promise<void> {
    return this.catalogue.deleteCategory(id);
  }

  @Get('words')
  @Operation('Search and page the word catalogue')
  @ApiOkResponse({ type: WordPageDto })
  @ApiErrors(400, 401)
  listWords(@Query() query: WordQuery): Promise<Page<WordDto>> {
    return this.catalogue.listWords(query);
  }

  @Post('words/bulk')
  @Operation('Create up to 1000 words at once, all or nothing (author)')
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: WordListDto })
  @ApiErrors(400, 401, 403, 409)
  bulkCreateWords(@Body() dto: BulkCreateWordsDto): Promise<WordListDto> {
    return this.catalogue.bulkCreateWords(dto);
  }

  @Get('words/:id')
  @Operation('A word with its category')
  @ApiOkResponse({ type: WordDto })
  @ApiErrors(400, 401, 404)
  getWord(@Param('id', IdParam) id: number): Promise<WordDto> {
    return this.catalogue.getWord(id);
  }

  @Post('words')
  @Operation('Create a word (author)')
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: WordDto })
  @ApiErrors(400, 401, 403, 409)
  createWord(@Body() dto: CreateWordDto): Promise<WordDto> {
    return this.catalogue.createWord(dto);
  }

  @Patch('words/:id')
  @Operation('Update a word (author)')
  @UseGuards(AuthorGuard)
  @ApiOkResponse({ type: WordDto })
  @ApiErrors(400, 401, 403, 404, 409)
  updateWord(@Param('id', IdParam) id: number, @Body() dto: UpdateWordDto): Promise<WordDto> {
    return this.catalogue.updateWord(id, dto);
  }

  @Delete('words/:id')
  @Operation('Delete a word (author)')
  @UseGuards(AuthorGuard)
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 403, 404)
  deleteWord(@Param('id', IdParam) id: number): Promise<void> {
    return this.catalogue.deleteWord(id);
  }
}
