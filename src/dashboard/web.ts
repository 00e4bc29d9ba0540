import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { quote, UsageError } from '../errors.js';
import type { Sink } from '../monitor/sinks.js';
import type { DashboardSnapshot } from '../monitor/snapshot.js';
import { renderPage } from './_page.js';
import { createMetricsRegistry } from './prometheus.js';

export interface WebDashboardOptions {
  /** Default 127.0.0.1. Any other address needs a token. */
  host?: string;
  /** Default 9464; 0 picks a free port. */
  port?: number;
  token?: string;
  /**
   * Live viewers (`/events` streams) at once; more get 503. Each holds a socket, and a
   * process out of file descriptors cannot measure. Default 32.
   */
  maxClients?: number;
  /** The dashboard data now (`/api/snapshot`, `/metrics`, first SSE message). */
  read: () => DashboardSnapshot;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const HEARTBEAT_MS = 15_000;
export const DEFAULT_MAX_CLIENTS = 32;
/** Connections beyond the live viewers: page loads, snapshots, Prometheus scrapes. */
const OTHER_CONNECTIONS = 32;

/** `host:port`, `:port`, `host` or nothing → where to listen. */
export function parseListenAddress(text: string | undefined): { host: string; port: number } {
  const value = (text ?? '').trim();
  if (value === '') return { host: '127.0.0.1', port: 9464 };
  if (/^\d+$/.test(value)) return parseListenAddress(`127.0.0.1:${value}`);
  const match = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(value);
  const port = match?.[3] === undefined ? 9464 : Number(match[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `bad --web address ${quote(text)}: expected host:port, e.g. 127.0.0.1:9464`,
    );
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/**
 * The web dashboard as a sink of snapshots: `/` the page, `/events` Server-Sent Events (one
 * message per snapshot), `/api/snapshot` JSON, `/metrics` Prometheus. Every request is
 * checked against the token (constant time) when one is set; binding beyond loopback
 * without one is refused. Without a token, only requests whose `Host` names this server on
 * loopback are answered: a web page whose name resolves to 127.0.0.1 (DNS rebinding) gets
 * 403 and never the data. Live viewers are capped (`maxClients`, 503 beyond), and no
 * viewer can stop the monitor: writes to a viewer never throw, a server error is logged.
 */
export class WebDashboard implements Sink<DashboardSnapshot> {
  readonly name = 'web';
  readonly registry: Registry;
  private readonly server: Server;
  private readonly clients = new Set<ServerResponse>();
  private readonly tokenDigest: Buffer | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly host: string;
  private readonly port: number;
  private readonly maxClients: number;

  constructor(private readonly options: WebDashboardOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 9464;
    if (!LOOPBACK.has(this.host) && !options.token) {
      throw new UsageError(
        `--web ${this.host} is reachable from other machines: set --token to protect it`,
      );
    }
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    if (!Number.isSafeInteger(this.maxClients) || this.maxClients < 1) {
      throw new UsageError(`--web-max-clients must be a whole number ≥ 1`);
    }
    this.tokenDigest = options.token ? digest(options.token) : undefined;
    this.registry = createMetricsRegistry(options.read);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    });
    // Past this, connections are closed as they are accepted: sockets stay bounded.
    this.server.maxConnections = this.maxClients + OTHER_CONNECTIONS;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          ['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ENOTFOUND', 'EAI_AGAIN'].includes(
            error.code ?? '',
          )
            ? new UsageError(`cannot listen on ${this.host}:${this.port}: ${error.code}`)
            : error,
        ),
      );
      this.server.listen(this.port, this.host, () => resolve());
    });
    // Once listening, a server error (EMFILE on accept…) is the viewers' problem, never the
    // monitor's: without a listener it would end the process.
    this.server.on('error', () => undefined);
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** The page's address (with the token, when there is one). */
  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    const host = bracketed(this.host);
    const base = `http://${host}:${address?.port ?? this.port}/`;
    return this.options.token ? `${base}?token=${encodeURIComponent(this.options.token)}` : base;
  }

  add(snapshot: DashboardSnapshot): void {
    this.broadcast(`data: ${JSON.stringify(snapshot)}\n\n`);
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.clients) client.end();
    this.clients.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private broadcast(message: string): void {
    for (const client of this.clients) {
      if (client.destroyed || client.writableEnded) {
        this.clients.delete(client);
        continue;
      }
      // A client that cannot keep up misses frames rather than growing our buffers.
      if (client.writableNeedDrain) continue;
      client.write(message);
    }
  }

  /**
   * The `Host` a browser sends names the server it thinks it talks to. Without a token,
   * only this server's loopback names (with its port) are accepted: a rebinding name is not.
   */
  private hostAllowed(req: IncomingMessage): boolean {
    if (this.tokenDigest) return true;
    const port = (this.server.address() as AddressInfo | null)?.port ?? this.port;
    const given = (req.headers.host ?? '').toLowerCase();
    const names = new Set(['127.0.0.1', 'localhost', '[::1]', bracketed(this.host.toLowerCase())]);
    for (const name of names) {
      if (given === `${name}:${port}` || (port === 80 && given === name)) return true;
    }
    return false;
  }

  private authorized(req: IncomingMessage, url: URL): boolean {
    if (!this.tokenDigest) return true;
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ')
      ? header.slice(7)
      : (url.searchParams.get('token') ?? '');
    return timingSafeEqual(digest(given), this.tokenDigest);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    if (!this.hostAllowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(
        'forbidden: this dashboard answers only on its loopback address (set --token to reach it by another name)\n',
      );
      return;
    }
    if (!this.authorized(req, url)) {
      res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
      res.end('unauthorized: pass the token as ?token= or Authorization: Bearer\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('method not allowed\n');
      return;
    }
    switch (url.pathname) {
      case '/': {
        const nonce = randomBytes(16).toString('base64');
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'`,
        });
        res.end(renderPage(nonce));
        return;
      }
      case '/events': {
        if (this.clients.size >= this.maxClients) {
          res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '10' });
          res.end(`too many live viewers (${this.maxClients}); try again later\n`);
          return;
        }
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          connection: 'keep-alive',
        });
        res.write(`retry: 2000\ndata: ${JSON.stringify(this.options.read())}\n\n`);
        this.clients.add(res);
        req.on('close', () => this.clients.delete(res));
        // A viewer that went away fails its writes: dropped, never thrown at the monitor.
        res.on('error', () => this.clients.delete(res));
        return;
      }
      case '/api/snapshot':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.options.read()));
        return;
      case '/metrics': {
        const body = await this.registry.metrics();
        res.writeHead(200, { 'content-type': this.registry.contentType });
        res.end(body);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
    }
  }
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Equal-length digests, so `timingSafeEqual` never throws and leaks no length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
