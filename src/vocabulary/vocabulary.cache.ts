import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { VersionedCache } from '../cache/versioned-cache';

/**
 * The vocabulary module's cache keys (docs/modules/vocabulary-practice.md, "Caching"). Values are
 * plain JSON DTOs. Namespaces: `categories` (the list with word counts), `words` (pages and single
 * words), `stats:<userId>` (one learner's stats; the `stats` family covers every learner's). Each
 * invalidation takes the writing transaction's `manager` when there is one (it runs when that
 * transaction commits, never if it rolls back); without one, call it after the write.
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
  catalogueChanged(manager?: EntityManager): Promise<void> {
    return this.cache.invalidateOnCommit(manager, 'categories', 'words');
  }

  /**
   * A word was deleted: the lists, and the stats of every learner who had it (cascade). One bump of
   * the `stats` family instead of one per learner, so the fan-out is bounded whatever the word's reach.
   */
  wordDeleted(manager?: EntityManager): Promise<void> {
    return this.cache.invalidateOnCommit(manager, 'categories', 'words', 'stats');
  }

  statsChanged(userId: number, manager?: EntityManager): Promise<void> {
    return this.cache.invalidateOnCommit(manager, statsNamespace(userId));
  }
}

const statsNamespace = (userId: number) => `stats:${userId}`;
