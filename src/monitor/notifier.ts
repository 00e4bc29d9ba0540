import type { AlertEvent } from './alerts.js';

/**
 * Notification throttling, as Alertmanager does it. Alerts are grouped by collector.
 * A group's first firing alert waits `groupWaitMs` (so alerts that fire together arrive
 * together); later changes go out at most every `groupIntervalMs`; a group that keeps
 * firing is sent again every `repeatIntervalMs`. Each notification carries the group's
 * firing alerts and those resolved since the last one. Pending alerts are not notified.
 */
export interface ThrottleOptions {
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
}

export const THROTTLE_DEFAULTS = {
  groupWaitMs: 10_000,
  groupIntervalMs: 60_000,
  repeatIntervalMs: 4 * 3_600_000,
};

/** One message to people: what a webhook receives as JSON, what the console prints. */
export interface AlertNotification {
  /** Unique per notification: receivers can drop duplicates of a retried delivery. */
  id: string;
  group: string;
  status: 'firing' | 'resolved';
  /** Why it was sent now. */
  reason: 'new' | 'changed' | 'repeat' | 'final';
  sent_at: string;
  alerts: AlertEvent[];
}

interface Group {
  firing: Map<string, AlertEvent>;
  resolved: AlertEvent[];
  /** Epoch ms of the first unsent change, or NaN when nothing is waiting. */
  changedMs: number;
  lastSentMs: number;
}

export class Notifier {
  private readonly options: Required<ThrottleOptions>;
  private readonly groups = new Map<string, Group>();
  private sequence = 0;

  constructor(options: ThrottleOptions = {}) {
    this.options = { ...THROTTLE_DEFAULTS, ...options };
  }

  /** Takes lifecycle events in; nothing leaves until `due`. */
  accept(event: AlertEvent, nowMs: number): void {
    if (event.state === 'pending') return;
    let group = this.groups.get(event.collector);
    if (!group) {
      group = { firing: new Map(), resolved: [], changedMs: NaN, lastSentMs: NaN };
      this.groups.set(event.collector, group);
    }
    if (event.state === 'firing') {
      group.firing.set(event.id, event);
    } else {
      group.firing.delete(event.id);
      group.resolved.push(event);
    }
    if (Number.isNaN(group.changedMs)) group.changedMs = nowMs;
  }

  /** The notifications due at `nowMs`. */
  due(nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    for (const [name, group] of this.groups) {
      const { groupWaitMs, groupIntervalMs, repeatIntervalMs } = this.options;
      let reason: AlertNotification['reason'] | null = null;
      if (!Number.isNaN(group.changedMs)) {
        const neverSent = Number.isNaN(group.lastSentMs);
        const ready = neverSent
          ? nowMs - group.changedMs >= groupWaitMs
          : nowMs - group.lastSentMs >= groupIntervalMs &&
            nowMs - group.changedMs >= Math.min(groupWaitMs, groupIntervalMs);
        if (ready) reason = neverSent ? 'new' : 'changed';
      } else if (group.firing.size > 0 && nowMs - group.lastSentMs >= repeatIntervalMs) {
        reason = 'repeat';
      }
      if (reason) out.push(this.send(name, group, reason, nowMs));
    }
    return out;
  }

  /** Everything still unsent, regardless of timers (at shutdown). */
  flush(nowMs: number): AlertNotification[] {
    const out: AlertNotification[] = [];
    for (const [name, group] of this.groups) {
      if (!Number.isNaN(group.changedMs)) out.push(this.send(name, group, 'final', nowMs));
    }
    return out;
  }

  private send(
    name: string,
    group: Group,
    reason: AlertNotification['reason'],
    nowMs: number,
  ): AlertNotification {
    const alerts = [...group.firing.values(), ...group.resolved].map((a) => ({ ...a }));
    group.resolved = [];
    group.changedMs = NaN;
    group.lastSentMs = nowMs;
    if (group.firing.size === 0) this.groups.delete(name);
    return {
      id: `${nowMs.toString(36)}-${++this.sequence}`,
      group: name,
      status: alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
      reason,
      sent_at: new Date(nowMs).toISOString(),
      alerts,
    };
  }
}
