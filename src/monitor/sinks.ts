import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { terminalLine } from '../neutralise/index.js';
import type { AlertEvent } from './alerts.js';
import type { AlertNotification } from './notifier.js';

/**
 * Everything that consumes the monitor's output is a sink: start, add, stop (DESIGN.md).
 * `add` must return at once (the monitor never waits on a sink); `stop` flushes.
 */
export interface Sink<T> {
  readonly name: string;
  start?(): void | Promise<void>;
  add(item: T): void;
  stop?(): void | Promise<void>;
}

/** The seed's console lines: `[12:03:04] CRITICAL: api_endpoints - P95 latency …`. */
export class ConsoleAlertSink implements Sink<AlertNotification> {
  readonly name = 'console';
  constructor(private readonly out: NodeJS.WritableStream = process.stderr) {}

  add(notification: AlertNotification): void {
    for (const alert of notification.alerts) {
      const time = notification.sent_at.slice(11, 19);
      const what = alert.state === 'resolved' ? `RESOLVED ${alert.level}` : alert.level;
      // Collector names and messages come from data: no escape sequence reaches the terminal.
      this.out.write(
        `[${time}] ${what}: ${terminalLine(`${alert.collector} - ${alert.message}`)}\n`,
      );
    }
  }
}

/**
 * The alert log: one JSON object a line, every lifecycle transition (pending, firing,
 * resolved) as it happens, unthrottled. Written synchronously: transitions are rare, and
 * a line must be on disk whatever happens to the webhook or to the process afterwards.
 */
export class JsonLinesSink<T = AlertEvent> implements Sink<T> {
  readonly name = 'jsonl';
  private fd: number | undefined;
  written = 0;

  constructor(readonly path: string) {}

  /** Opens the log; idempotent (the CLI opens it early, to refuse a bad path at once). */
  start(): void {
    if (this.fd !== undefined) return;
    mkdirSync(dirname(this.path), { recursive: true });
    this.fd = openSync(this.path, 'a');
  }

  add(item: T): void {
    if (this.fd === undefined) this.start();
    writeSync(this.fd!, `${JSON.stringify(item)}\n`);
    this.written++;
  }

  stop(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Collects items in memory (library users, tests). */
export class MemorySink<T> implements Sink<T> {
  readonly name = 'memory';
  readonly items: T[] = [];
  add(item: T): void {
    this.items.push(item);
  }
}
