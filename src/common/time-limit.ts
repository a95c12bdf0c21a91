/**
 * `work`'s outcome, or `onTimeout()`'s (its value, or what it throws) when `ms` pass first. The timer
 * never outlives the race; `work` itself is not cancelled (callers drop a connection that stops answering).
 */
export async function withTimeLimit<T, F>(work: Promise<T>, ms: number, onTimeout: () => F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export const noop = (): undefined => undefined;
