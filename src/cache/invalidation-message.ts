/**
 * The NOTIFY payload of one invalidation: `<keyPrefix> <senderId> <scope>=<version> …`. The key prefix
 * keeps apps that share a database but not a cache apart; the sender lets an instance skip its own
 * messages (it applied them synchronously); each version is the one the writer stores in the cache
 * after commit, so a listener can tell when that write has landed. Namespaces never contain spaces
 * or `=`; PostgreSQL caps a payload at 8000 bytes, far above what one write sends.
 */
export interface InvalidationMessage {
  prefix: string;
  sender: string;
  versions: Array<[scope: string, version: string]>;
}

export function encodeMessage({ prefix, sender, versions }: InvalidationMessage): string {
  for (const [scope] of versions) {
    if (!/^[^\s=]+$/.test(scope)) throw new Error(`cache namespace must not contain spaces or '=': ${JSON.stringify(scope)}`);
  }
  return [prefix, sender, ...versions.map(([scope, version]) => `${scope}=${version}`)].join(' ');
}

export function decodeMessage(payload: string): InvalidationMessage | undefined {
  const [prefix, sender, ...pairs] = payload.split(' ');
  if (!prefix || !sender) return undefined;
  const versions = pairs.map((pair) => {
    const at = pair.lastIndexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)] as [string, string];
  });
  return versions.every(([scope, version]) => scope && version) ? { prefix, sender, versions } : undefined;
}
