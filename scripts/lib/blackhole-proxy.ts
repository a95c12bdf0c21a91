import * as net from 'node:net';

/** When the proxy stops forwarding a connection: never, now, or at its client's next COMMIT. */
type Trap = { kind: 'none' } | { kind: 'commit'; forwardCommit: boolean };

interface Link {
  client: net.Socket;
  server: net.Socket;
  /** True once the link forwards nothing more, in either direction (its sockets stay open). */
  dead: boolean;
  /** Client→server bytes not yet split into PostgreSQL protocol messages. */
  pending: Buffer;
  startupSeen: boolean;
}

/**
 * A loopback TCP proxy in front of PostgreSQL (or PgBouncer) that can stop forwarding — a half-open
 * socket as a dead network path makes it: the sockets stay open, nothing arrives, nothing errors.
 * `blackhole()` silences every open link; `blackholeAtCommit()` silences the next link that sends a
 * simple-query `COMMIT`, either after forwarding it (the server commits, the answer is lost) or
 * before (the server never sees it). New links forward unless `silenceNew(true)`: recovery is a new connection. Closing
 * a link's client closes its server side (the server then rolls back what was open).
 */
export class BlackholeProxy {
  private readonly links = new Set<Link>();
  private trap: Trap = { kind: 'none' };
  private trapSprung: (() => void) | undefined;
  private silenceNewLinks = false;

  private constructor(
    private readonly listener: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<BlackholeProxy> {
    const accepting: { proxy?: BlackholeProxy } = {};
    const listener = net.createServer((client) => accepting.proxy?.accept(client, target));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    accepting.proxy = new BlackholeProxy(listener, (listener.address() as net.AddressInfo).port);
    return accepting.proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Every open link stops forwarding. */
  blackhole(): void {
    for (const link of this.links) link.dead = true;
  }

  /** While on, new links are accepted and silenced too (a server whose path went dark); off: they forward. */
  silenceNew(on: boolean): void {
    this.silenceNewLinks = on;
  }

  /** The next link to send `COMMIT` stops forwarding there; resolves when that happened. */
  blackholeAtCommit({ forwardCommit }: { forwardCommit: boolean }): Promise<void> {
    this.trap = { kind: 'commit', forwardCommit };
    return new Promise((resolve) => (this.trapSprung = resolve));
  }

  /** Links open now, silenced or not. */
  openLinks(): { live: number; dead: number } {
    const all = [...this.links];
    return { live: all.filter((l) => !l.dead).length, dead: all.filter((l) => l.dead).length };
  }

  async stop(): Promise<void> {
    for (const link of this.links) {
      link.client.destroy();
      link.server.destroy();
    }
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    const server = net.connect(target.port, target.host);
    const link: Link = { client, server, dead: this.silenceNewLinks, pending: Buffer.alloc(0), startupSeen: false };
    this.links.add(link);
    const close = () => {
      this.links.delete(link);
      client.destroy();
      server.destroy();
    };
    client.on('close', close).on('error', close);
    server.on('close', close).on('error', close);
    server.on('data', (chunk) => {
      if (!link.dead) client.write(chunk);
    });
    client.on('data', (chunk) => this.fromClient(link, chunk));
  }

  /** Forwards whole protocol messages, so a trap can stop exactly before or after a COMMIT. */
  private fromClient(link: Link, chunk: Buffer): void {
    if (link.dead) return;
    link.pending = Buffer.concat([link.pending, chunk]);
    for (;;) {
      // The startup (and SSL/cancel) request has no type byte: int32 length first.
      const headerLength = link.startupSeen ? 5 : 4;
      if (link.pending.length < headerLength) return;
      const length = link.startupSeen ? link.pending.readInt32BE(1) + 1 : link.pending.readInt32BE(0);
      if (link.pending.length < length) return;
      const message = link.pending.subarray(0, length);
      link.pending = link.pending.subarray(length);
      link.startupSeen = true;
      const isCommit = message[0] === 0x51 /* 'Q' */ && /^\s*COMMIT\b/i.test(message.subarray(5).toString('utf8'));
      if (isCommit && this.trap.kind === 'commit') {
        const { forwardCommit } = this.trap;
        this.trap = { kind: 'none' };
        if (forwardCommit) link.server.write(message);
        link.dead = true;
        this.trapSprung?.();
        return;
      }
      link.server.write(message);
    }
  }
}
