import { DataSource, EventSubscriber, EntitySubscriberInterface } from 'typeorm';
import type { AfterQueryEvent } from 'typeorm/subscriber/event/QueryEvent';

export interface ObservedQuery {
  sql: string;
  parameters: unknown[];
  durationMs: number | undefined;
  success: boolean;
}
export type QueryListener = (query: ObservedQuery) => void;

const listeners = new WeakMap<DataSource, Set<QueryListener>>();

/** A view of a DataSource answers this property with the DataSource it wraps. */
export const UNDERLYING_DATA_SOURCE = Symbol('lingua:underlyingDataSource');

/**
 * Subscribe to every statement a DataSource runs (slow-query log, metrics, test statement counter).
 * Returns the unsubscribe function.
 */
export function observeQueries(dataSource: DataSource, listener: QueryListener): () => void {
  // A view of a DataSource (lingua-data-source's primaryView) reports the DataSource its events come from.
  const target = ((dataSource as unknown as Record<symbol, DataSource | undefined>)[UNDERLYING_DATA_SOURCE] ?? dataSource) as DataSource;
  let set = listeners.get(target);
  if (!set) listeners.set(target, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

@EventSubscriber()
export class QueryObserverSubscriber implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent): void {
    const set = listeners.get(event.dataSource);
    if (!set) return;
    const parameters = Array.isArray(event.parameters) ? event.parameters : [];
    const query: ObservedQuery = { sql: event.query, parameters, durationMs: event.executionTime, success: event.success };
    for (const listener of set) listener(query);
  }
}

/** Collapse literals and whitespace so slow-query lines and metrics group by statement shape. */
export function normaliseSql(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\d+/g, '?')
    .replace(/\b\d+(\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** The first keyword of a statement (after leading comments such as PREPARE_COMMENT), for low-cardinality metric labels. */
export function statementKind(sql: string): string {
  const m = /^(?:\s*(?:\/\*[\s\S]*?\*\/|--[^\n]*\n))*\s*(\w+)/.exec(sql);
  return m ? m[1].toUpperCase() : 'OTHER';
}
