import { Injectable } from '@nestjs/common';
import { VersionedCache } from '../cache/versioned-cache';

/**
 * The lessons module's cache keys. `lessons` holds list pages (any lesson write changes them);
 * `lesson:<id>` holds one lesson's read, version pages and versions (its compiles change them).
 * Values are plain JSON DTOs; invalidation runs after the writing transaction committed.
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

  lessonChanged(lessonId: number): Promise<void> {
    return this.cache.invalidate('lessons', `lesson:${lessonId}`);
  }

  listChanged(): Promise<void> {
    return this.cache.invalidate('lessons');
  }
}
