import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule, VocabularyModule } from 'lingua-core';
import { Note } from './note.entity';
import { NotesController } from './notes.controller';

@Module({
  // lingua-core's services modules export services and mount no route.
  imports: [TypeOrmModule.forFeature([Note]), UsersModule, VocabularyModule],
  controllers: [NotesController],
})
export class NotesModule {}
