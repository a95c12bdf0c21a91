import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { VersionedCache } from '../cache/versioned-cache';

/**
 * The lessons module's cache keys. `lessons` holds list pages (any lesson write changes them);
 * `lesson:<id>` holds one lesson's read, version pages and versions (its compiles change them).
 * Values are plain JSON DTOs; invalidation runs after the writing transaction committed (given its
 * `manager`, it waits for that commit and is dropped on rollback).
 */
@Injectable()
export class LessonsCache {
  constructor(private readonly cache: VersionedCache) {}

  list<T>(query: object, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad('lessons', JSON.stringify(query), load);
  }

  lesson<T>(lessonId: number, key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad(`lesson:${lessonId}`, key, load);
  }

  lessonChanged(lessonId: number, manager?: EntityManager): Promise<void> {
    return this.cache.invalidateOnCommit(manager, 'lessons', `lesson:${lessonId}`);
  }

  listChanged(manager?: EntityManager): Promise<void> {
    return this.cache.invalidateOnCommit(manager, 'lessons');
  }
}
