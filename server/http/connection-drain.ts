import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Follows an HTTP server's connections and handlers, so a stop can end them in order: no new
 * connections, each kept-alive connection closed once its current request is answered, a bounded
 * wait for the rest, then (separately) for every handler to have answered, even one whose
 * connection was cut, because a handler that still runs may still write to the database.
 *
 * A handler counts as done when it ends its response (`res.end`), which every route does on every
 * path, success or error, also when the client has gone away meanwhile.
 */
export class ConnectionDrain {
  /** Requests being answered on each open connection. */
  private readonly sockets = new Map<Socket, number>();
  private readonly running = new Set<ServerResponse>();
  private draining = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, 0);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.notify();
      });
    });
    // Ahead of the app's listener, so the header is set before any handler can answer.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.follow(req, res));
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  get runningHandlers(): number {
    return this.running.size;
  }

  /**
   * Stops accepting connections and closes the open ones as their requests end; after `drainMs`
   * the connections still open are cut. Resolves when no connection is left.
   */
  async close(drainMs: number): Promise<{ cut: number }> {
    this.draining = true;
    this.server.close();
    for (const res of this.running) if (!res.headersSent) res.setHeader('Connection', 'close');
    for (const [socket, active] of this.sockets) if (active === 0) socket.destroy();
    const drained = await this.until(() => this.sockets.size === 0, drainMs);
    const cut = this.sockets.size;
    if (!drained) for (const socket of this.sockets.keys()) socket.destroy();
    await this.until(() => this.sockets.size === 0);
    return { cut };
  }

  /** Resolves true once every handler has answered, false if `timeoutMs` passes first. */
  handlersDone(timeoutMs: number): Promise<boolean> {
    return this.until(() => this.running.size === 0, timeoutMs);
  }

  private follow(req: IncomingMessage, res: ServerResponse) {
    const socket = req.socket;
    this.sockets.set(socket, (this.sockets.get(socket) ?? 0) + 1);
    if (this.draining) res.setHeader('Connection', 'close');
    this.running.add(res);
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      this.running.delete(res);
      this.notify();
      return end(...args);
    }) as ServerResponse['end'];
    res.once('close', () => {
      const left = (this.sockets.get(socket) ?? 1) - 1;
      if (this.sockets.has(socket)) this.sockets.set(socket, left);
      // An answer whose headers went out before the stop could not say `Connection: close`.
      if (this.draining && left === 0 && !socket.destroyed) socket.end();
    });
  }

  private until(done: () => boolean, timeoutMs?: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(false), timeoutMs);
      const check = () => {
        if (done()) finish(true);
      };
      const finish = (result: boolean) => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(check);
        resolve(result);
      };
      this.waiters.add(check);
    });
  }

  private notify() {
    for (const check of [...this.waiters]) check();
  }
}
