import { Injectable } from '@nestjs/common';
import { VersionedCache } from '../cache/versioned-cache';

/**
 * The vocabulary module's cache keys (docs/modules/vocabulary-practice.md, "Caching"). Values are
 * plain JSON DTOs. Namespaces: `categories` (the list with word counts), `words` (pages and single
 * words), `stats:<userId>` (one learner's stats). Invalidate only after the write has committed.
 */
@Injectable()
export class VocabularyCache {
  constructor(private readonly cache: VersionedCache) {}

  categories<T>(load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad('categories', 'all', load);
  }

  words<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad('words', key, load);
  }

  stats<T>(userId: number, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad(statsNamespace(userId), 'summary', load);
  }

  /** After a category or word write: both lists embed category names and word counts. */
  catalogueChanged(): Promise<void> {
    return this.cache.invalidate('categories', 'words');
  }

  statsChanged(userId: number): Promise<void> {
    return this.cache.invalidate(statsNamespace(userId));
  }
}

const statsNamespace = (userId: number) => `stats:${userId}`;
