/**
 * The HTTP workload: one request per call, on keep-alive connections of one undici pool.
 * `perfsight run <url>` and the monitor's `--target` both measure a service through it.
 */
import type { Socket } from 'node:net';
import { Pool, buildConnector } from 'undici';
import type { CallOptions, CallReport, CallResult, Workload } from '../../load/index.js';
import { credentialsApart, redactUrl } from '../../redact/index.js';
import { FailureReports, failureType } from './_failures.js';
import { TrafficCounter, type HttpTraffic } from './_traffic.js';
import {
  DEFAULT_EXPECTED_STATUS,
  isSecretHeader,
  parseExpectedStatus,
  parseHeader,
  parseMethod,
  parseTargetUrl,
  type HeaderPair,
} from './_target.js';

export type { HttpTraffic } from './_traffic.js';
export type { HttpMethod, HeaderPair, ExpectedStatus } from './_target.js';
export {
  DEFAULT_EXPECTED_STATUS,
  HTTP_METHODS,
  isHttpTarget,
  isSecretHeader,
  parseExpectedStatus,
  parseHeader,
  parseMethod,
  parseTargetUrl,
} from './_target.js';

/** What to send and what counts as an answer. Every field is checked by `httpWorkload`. */
export interface HttpTargetOptions {
  /** `http(s)://…`; userinfo is sent as Basic authentication, never shown. */
  url: string;
  /** Default GET. */
  method?: string;
  /** `Name: value` lines, or [name, value] pairs. A header given here wins over the URL's userinfo. */
  headers?: ReadonlyArray<string | HeaderPair>;
  body?: string | Uint8Array;
  /** Status codes that succeed: `200-399` (default), `200,204`, `2xx`. Others fail as `http_<status>`. */
  expectStatus?: string;
  /** Keep-alive connections in the pool: the closed loop's concurrency. Default: as many as needed. */
  connections?: number;
  /** Accept any TLS certificate (a self-signed test server). */
  insecure?: boolean;
  /**
   * The call timeout perfsight holds each request to (`--timeout`). The request is then
   * aborted through its signal; undici's own (300 s) timeouts stand only without one.
   */
  timeoutMs?: number;
  /** Collector / test name; default `<METHOD> <host><path>`. */
  name?: string;
}

/** An HTTP workload, with what went over the wire during the measured calls. */
export interface HttpWorkload extends Workload {
  traffic(): HttpTraffic;
}

/**
 * An HTTP target as a workload. Throws `UsageError` for an invalid URL, method, header or
 * expected status: bad input is refused before any request is sent.
 */
export function httpWorkload(options: HttpTargetOptions): HttpWorkload {
  const url = parseTargetUrl(options.url);
  const method = parseMethod(options.method ?? 'GET');
  const given = (options.headers ?? []).map((h) => (typeof h === 'string' ? parseHeader(h) : h));
  const expected = parseExpectedStatus(options.expectStatus ?? DEFAULT_EXPECTED_STATUS);
  const apart = credentialsApart(url.href);
  const userHeaders = new Set(given.map(([name]) => name.toLowerCase()));
  const headers: string[] = [];
  for (const [name, value] of Object.entries(apart.headers)) {
    if (!userHeaders.has(name)) headers.push(name, value);
  }
  for (const [name, value] of given) headers.push(name, value);
  const body = options.body === undefined ? null : Buffer.from(options.body);
  const target = new URL(apart.url);
  const path = `${target.pathname}${target.search}`;
  const shown = redactUrl(options.url);

  const traffic = new TrafficCounter();
  const connect = buildConnector({ rejectUnauthorized: !options.insecure });
  // undici's own timeouts step back when perfsight holds the call to one (it aborts the
  // request itself, and counts it as `timeout`).
  const undiciTimeout = options.timeoutMs === undefined ? undefined : 0;
  const pool = new Pool(target.origin, {
    connections: options.connections ?? null,
    headersTimeout: undiciTimeout,
    bodyTimeout: undiciTimeout,
    connect: (connectOptions, callback) =>
      connect(connectOptions, (error, socket) => {
        if (socket) traffic.track(socket as Socket);
        if (error) callback(error, null);
        else callback(null, socket!);
      }),
  });
  const failures = new FailureReports();
  const dispatchOptions = {
    origin: target.origin,
    path,
    method,
    headers,
    body,
    // undici closes the connection after every HEAD request unless told not to (its guard
    // against servers that send a body after a HEAD response, nodejs/undici#262): a HEAD run
    // would measure connection set-up. `reset: false` keeps it alive as for GET (#1858).
    ...(method === 'HEAD' ? { reset: false } : {}),
  };
  const listensToSignal = options.timeoutMs !== undefined;
  let measuring = false;

  return {
    // The name names folders and history rows: a key in the path stays out of it too.
    name: options.name ?? `${method} ${target.host}${shownPath(target)}`,
    description: `HTTP ${method} ${shown}`,
    info: () => ({
      kind: 'http',
      method,
      url: shown,
      headers: shownHeaders(given),
      body_bytes: body?.length ?? 0,
      expected_status: expected.text,
      connections: options.connections ?? null,
      insecure: options.insecure === true,
    }),
    call(iteration: number, callOptions: CallOptions): Promise<CallResult> {
      // Warm-up calls (negative iterations) open connections; the count starts after them.
      if (iteration >= 0 && !measuring) {
        measuring = true;
        traffic.restart();
      }
      return new Promise<CallResult>((resolve) => {
        const request = new RequestHandler(
          resolve,
          traffic,
          expected.accepts,
          failures,
          listensToSignal ? callOptions.signal : undefined,
        );
        pool.dispatch(dispatchOptions, request);
      });
    },
    async teardown() {
      // Abandoned requests hold sockets: they go with the pool.
      await pool.destroy();
    },
    traffic: () => traffic.snapshot(),
  };
}

/** The target's path with its secret segments hidden (the origin has no userinfo to hide). */
function shownPath(target: URL): string {
  return redactUrl(`${target.origin}${target.pathname}`).slice(target.origin.length);
}

/** Header names as sent; a credential's value (`Authorization`, `Cookie`, `X-Api-Key`…) as `***`. */
function shownHeaders(headers: readonly HeaderPair[]): string[] {
  return headers.map(([name, value]) => `${name}: ${isSecretHeader(name) ? '***' : value}`);
}

/**
 * One request's life, in undici's dispatch handler protocol (the low-level API the whole of
 * undici is built on: no response stream, no promise chain per request). Its answer is the
 * call's result: undefined for an expected status, a failure report otherwise.
 */
class RequestHandler {
  private status = 0;
  private abortRequest: ((reason?: Error) => void) | undefined;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly settle: (result: CallResult) => void,
    private readonly traffic: TrafficCounter,
    private readonly accepts: (status: number) => boolean,
    private readonly failures: FailureReports,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal) {
      this.onAbort = () => this.abortRequest?.(signal.reason as Error);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  onConnect(abort: (reason?: Error) => void): void {
    this.abortRequest = abort;
    if (this.signal?.aborted) abort(this.signal.reason as Error);
  }

  onHeaders(status: number): boolean {
    // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
    if (status >= 200) this.status = status;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.done();
    // A request perfsight abandoned (timed out) was counted as such: its late answer is not.
    if (this.signal?.aborted) return this.settle(undefined);
    this.traffic.response(this.status);
    this.settle(this.accepts(this.status) ? undefined : this.failures.status(this.status));
  }

  onError(error: Error): void {
    this.done();
    const report: CallReport = this.failures.of(failureType(error));
    this.settle(report);
  }

  private done(): void {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
  }
}
