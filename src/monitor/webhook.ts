import { request } from 'undici';
import { credentialsApart, redactText, redactUrl } from '../redact/index.js';
import type { AlertNotification } from './notifier.js';
import type { Sink } from './sinks.js';

export interface WebhookOptions {
  /** Notifications waiting at most; past it the oldest is dropped (and counted). Default 1000. */
  maxQueue?: number;
  /** Per attempt: connect + headers + body. Default 5,000 ms. */
  timeoutMs?: number;
  /** First retry delay, doubled each attempt up to `maxBackoffMs`, with jitter. Default 250 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long `stop` keeps trying to deliver what is queued. Default 5,000 ms. */
  drainMs?: number;
  /** Told about failed attempts (rate-limited by the caller if it wants). */
  onError?: (message: string) => void;
}

/**
 * Posts notifications as JSON to a URL. `add` only enqueues; one delivery loop sends them
 * in order, retrying failures (network errors, timeouts, 408, 429, 5xx) with exponential
 * backoff and full jitter until they are delivered, so a receiver that is down or slow
 * delays notifications but never loses them (up to the bounded queue) and never slows the
 * monitor. Other 4xx answers are permanent: the notification is dropped and counted.
 */
export class WebhookSink implements Sink<AlertNotification> {
  readonly name = 'webhook';
  readonly stats = { delivered: 0, attempts: 0, failedAttempts: 0, dropped: 0, rejected: 0 };
  private readonly queue: AlertNotification[] = [];
  private readonly options: Required<Omit<WebhookOptions, 'onError'>>;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Where to post (userinfo moved to the Authorization header it stands for). */
  private readonly target: { url: string; headers: Record<string, string> };
  /** The URL as messages show it: without userinfo, query values or fragment. */
  readonly location: string;

  constructor(
    readonly url: string,
    private readonly config: WebhookOptions = {},
  ) {
    this.target = credentialsApart(url);
    this.location = redactUrl(url);
    this.options = {
      maxQueue: config.maxQueue ?? 1000,
      timeoutMs: config.timeoutMs ?? 5000,
      backoffMs: config.backoffMs ?? 250,
      maxBackoffMs: config.maxBackoffMs ?? 30_000,
      drainMs: config.drainMs ?? 5000,
    };
  }

  get pending(): number {
    return this.queue.length;
  }

  start(): void {
    this.loop ??= this.deliverForever();
  }

  add(notification: AlertNotification): void {
    this.queue.push(notification);
    if (this.queue.length > this.options.maxQueue) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.start();
    this.wake?.();
  }

  /** Tries to deliver what is queued for up to `drainMs`, then gives up on the rest. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    const timer = setTimeout(() => this.abort.abort(), this.options.drainMs);
    try {
      await this.loop;
    } finally {
      clearTimeout(timer);
    }
    if (this.queue.length > 0) {
      this.config.onError?.(
        `webhook ${this.location}: ${this.queue.length} notification(s) not delivered before exit (they are in the alert log)`,
      );
    }
  }

  private async deliverForever(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      const next = this.queue[0];
      if (!next) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      const outcome = await this.post(next);
      if (outcome === 'retry') {
        failures++;
        const cap = Math.min(
          this.options.maxBackoffMs,
          this.options.backoffMs * 2 ** (failures - 1),
        );
        await this.sleep(Math.random() * cap);
        continue;
      }
      failures = 0;
      if (this.queue[0] === next) this.queue.shift();
    }
  }

  private async post(notification: AlertNotification): Promise<'done' | 'retry'> {
    this.stats.attempts++;
    try {
      const response = await request(this.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'perfsight-monitor',
          ...this.target.headers,
        },
        body: JSON.stringify(notification),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.body.dump();
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        this.stats.delivered++;
        return 'done';
      }
      if (status === 408 || status === 429 || status >= 500) {
        return this.failed(`HTTP ${status}`);
      }
      this.stats.rejected++;
      this.config.onError?.(`webhook ${this.location}: HTTP ${status}, notification dropped`);
      return 'done';
    } catch (error) {
      return this.failed(error instanceof Error ? error.message : String(error));
    }
  }

  private failed(reason: string): 'retry' {
    this.stats.failedAttempts++;
    // undici's messages may quote the URL.
    this.config.onError?.(`webhook ${this.location}: ${redactText(reason)}; will retry`);
    return 'retry';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
