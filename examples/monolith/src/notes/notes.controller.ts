import {
  Body,
  ConflictException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { classifyDatabaseError, UsersService, VocabularyService } from 'lingua-core';
import { DataSource, Repository } from 'typeorm';
import { CreateNoteDto } from './notes.dto';
import { Note } from './note.entity';

/** The app's own routes, using lingua-core's services (no lingua route is mounted by UsersModule). */
@Controller('notes')
export class NotesController {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Note) private readonly notes: Repository<Note>,
    private readonly users: UsersService,
    private readonly vocabulary: VocabularyService,
  ) {}

  /**
   * Registers the author as a lingua-core learner and saves the note in ONE transaction of the app's:
   * `{ manager }` makes lingua-core's insert join it, so a note that cannot be saved (a duplicate
   * title) leaves no learner behind either.
   */
  @Post()
  async create(@Body() dto: CreateNoteDto) {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const author = await this.users.register({ ...dto.author, nativeLanguage: 'en', targetLanguage: 'es' }, { manager });
        const note = await manager.save(manager.create(Note, { title: dto.title, authorId: author.id }));
        return { note, author };
      });
    } catch (err) {
      // lingua-core's error filter covers its own controllers only: the app maps errors on its routes.
      if (classifyDatabaseError(err)?.code === 'unique_violation') throw new ConflictException('That title or author email is taken');
      throw err;
    }
  }

  @Get(':id')
  async findOne(@Param('id', ParseIntPipe) id: number) {
    const note = await this.notes.findOneBy({ id });
    if (!note) throw new NotFoundException(`Note ${id} not found`);
    return note;
  }

  /** The signed-in user's notes with their lingua-core vocabulary stats. */
  @Get()
  async mine(@Req() req: Request) {
    if (!req.user) throw new UnauthorizedException();
    const [notes, vocabulary] = await Promise.all([this.notes.findBy({ authorId: req.user.id }), this.vocabulary.stats(req.user.id)]);
    return { notes, vocabulary };
  }
}
