/**
 * The entities lingua-core maps, as database/ receives them: the list is assembled above database/
 * (src/entities.ts, from each feature's `<feature>.entities.ts`) and handed down, so database/ imports no feature.
 */
export type LinguaEntityList = Array<new () => object>;

/** The DI token of the LinguaEntityList lingua-core's connection was checked against (replicas map the same). */
export const LINGUA_ENTITY_LIST = Symbol('lingua:entities');
