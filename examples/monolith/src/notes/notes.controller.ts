import { Body, Controller, Get, NotFoundException, Param, ParseIntPipe, Post, Req, UnauthorizedException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Request } from 'express';
import { UsersService, VocabularyService } from 'lingua-core';
import { Repository } from 'typeorm';
import { CreateNoteDto } from './notes.dto';
import { Note } from './note.entity';

/** The app's own routes, using lingua-core's services (no lingua route is mounted by UsersModule). */
@Controller('notes')
export class NotesController {
  constructor(
    @InjectRepository(Note) private readonly notes: Repository<Note>,
    private readonly users: UsersService,
    private readonly vocabulary: VocabularyService,
  ) {}

  /** Registers the author as a lingua-core learner, then saves the note. */
  @Post()
  async create(@Body() dto: CreateNoteDto) {
    const author = await this.users.register({ ...dto.author, nativeLanguage: 'en', targetLanguage: 'es' });
    const note = await this.notes.save(this.notes.create({ title: dto.title, authorId: author.id }));
    return { note, author };
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
    const [notes, vocabulary] = await Promise.all([
      this.notes.findBy({ authorId: req.user.id }),
      this.vocabulary.stats(req.user.id),
    ]);
    return { notes, vocabulary };
  }
}
