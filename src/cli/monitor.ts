import { Writable } from 'node:stream';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { withFallbackObjective, type RunPolicy } from '../analysis/index.js';
import { loadPolicy } from './config.js';
import { describeEnvironment } from '../environment/index.js';
import { InputError, quote, UsageError, thrownMessage } from '../errors.js';
import type { Workload } from '../load/index.js';
import {
  SAFE_NAME,
  checkOutputFile,
  checkReportFolder,
  claimFolder,
  folderError,
  insideFolder,
  json,
  writeFileAtomic,
  writeReportFolder,
} from '../report/index.js';
import { runPipeline } from '../pipeline/index.js';
import { builtInWorkloads, createWorkload, syntheticWorkload } from '../workloads/index.js';
import {
  ConsoleAlertSink,
  ContinuousPerformanceMonitor,
  JsonLinesSink,
  WebhookSink,
  parseAlertRule,
  parseObjective,
  parseSloRules,
  seedAlertRules,
  type AlertNotification,
  type AlertRule,
  type DashboardSnapshot,
  type Sink,
} from '../monitor/index.js';
import {
  DEFAULT_MAX_CLIENTS,
  RealTimeDashboard,
  WebDashboard,
  parseListenAddress,
} from '../dashboard/index.js';
import { terminalText } from '../neutralise/index.js';
import { redactText, redactUrl } from '../redact/index.js';
import { duration, positiveInt, positiveNumber } from './_options.js';
import { stopOnSignals, teardownUnlessStopped, unlessAborted } from './_signals.js';
import { httpTargetFrom, refuseHttpFlags, withHttpOptions, type HttpFlags } from './_http.js';
import type { HttpWorkload } from '../workloads/http/index.js';

interface MonitorFlags extends HttpFlags {
  /** False with `--no-builtin`: only the `--target` endpoints are watched. */
  builtin: boolean;
  duration?: number;
  interval: number;
  analysisEvery: number;
  alertsEvery: number;
  rate: number;
  target: Array<{ name: string; url: string }>;
  slo: string[];
  alertRule: string[];
  config?: string;
  groupWait?: number;
  groupInterval?: number;
  repeatInterval?: number;
  webhook?: string;
  alertLog?: string;
  web?: string | true;
  token?: string;
  webMaxClients?: number;
  out?: string;
  dashboard: boolean;
  timeout: number;
}

const FEATURE_EXTRACTION = 'feature-extraction';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const collect =
  <T>(parse: (v: string) => T) =>
  (value: string, previous: T[] = []) => [...previous, parse(value)];

/** Files the monitor writes at the top of `--out`, beside one folder per collector. */
const MONITOR_FILES = new Set(['alerts.jsonl', 'continuous_monitoring_data.json']);

function target(value: string): { name: string; url: string } {
  const match = /^([^=]*)=(https?:\/\/.+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected name=http://host:port/path.');
  // The name becomes the collector's report folder: one plain folder name, none of ours.
  if (!SAFE_NAME.test(match[1]!) || MONITOR_FILES.has(match[1]!)) {
    throw new InvalidArgumentError(
      `the name ${quote(match[1]!)} cannot name the collector's report folder: use letters, digits, "_", "-" and "." (not first).`,
    );
  }
  return { name: match[1]!, url: match[2]! };
}

export function monitorCommand(exit: (code: number) => void): Command {
  const command = new Command('monitor')
    .description('watch workloads continuously: dashboards, periodic analysis, alerts')
    .option('-d, --duration <time>', 'stop after this long (default: until Ctrl+C)', duration)
    .addOption(timeOption('--interval <time>', 'dashboard refresh', 5000))
    .addOption(timeOption('--analysis-every <time>', 'periodic analysis', 30_000))
    .addOption(timeOption('--alerts-every <time>', 'alert rule evaluation', 10_000))
    .option(
      '-r, --rate <per-second>',
      'calls per second, per collector (open loop)',
      positiveNumber,
      20,
    )
    .addOption(
      timeOption('-t, --timeout <time>', 'a call slower than this is a timeout failure', 10_000),
    )
    .option(
      '--target <name=url>',
      'also watch an HTTP endpoint (--method, --header… say what to send), repeatable',
      collect(target),
    )
    .option('--no-builtin', 'watch only the --target endpoints (not the built-in collectors)')
    .option(
      '--slo <objective>',
      'SLO with burn-rate alerts, e.g. "success>=99.9%", repeatable',
      collect(String),
    )
    .option(
      '--alert-rule <rule>',
      'threshold alert, e.g. "p95<100ms over 1m for 30s keep_firing_for 2m", repeatable',
      collect(String),
    )
    .option(
      '--config <file>',
      'objectives watched when no --slo or --alert-rule is given (default: ./perfsight.config.json if present, else p95<100ms, success>=99% and fallback<1%)',
    )
    .option(
      '--group-wait <time>',
      'wait before a group first notifies (default 10s)',
      durationOrZero,
    )
    .option(
      '--group-interval <time>',
      'between notifications of a group (default 1m)',
      durationOrZero,
    )
    .option('--repeat-interval <time>', 'resend a still-firing group (default 4h)', duration)
    .option('--webhook <url>', 'POST alert notifications as JSON to this URL')
    .option('--alert-log <file>', 'JSON Lines alert log (default <out>/alerts.jsonl)')
    .option('--web [host:port]', 'serve the web dashboard (default 127.0.0.1:9464)')
    .option('--token <token>', 'required on every web request; needed to bind beyond loopback')
    .option(
      '--web-max-clients <n>',
      `live web dashboard viewers at once, more get 503 (default ${DEFAULT_MAX_CLIENTS})`,
      positiveInt,
    )
    .option('-o, --out <dir>', 'output folder (default perfsight-reports/monitor-<time>)')
    .option('--no-dashboard', 'no terminal dashboard');
  return withHttpOptions(command, '--target').action(async (flags: MonitorFlags) =>
    exit(await monitorAction(flags)),
  );
}

/** A duration option whose help shows its default as people write it ("5s", not 5000). */
function timeOption(flags: string, description: string, defaultMs: number): Option {
  return new Option(flags, description)
    .argParser(duration)
    .default(defaultMs, `${defaultMs / 1000}s`);
}

function durationOrZero(value: string): number {
  return value.trim() === '0' ? 0 : duration(value);
}

async function monitorAction(flags: MonitorFlags): Promise<number> {
  const rules: AlertRule[] = [];
  for (const text of flags.alertRule ?? []) rules.push(parseAlertRule(text));
  for (const text of flags.slo ?? []) rules.push(...parseSloRules(text));
  const objectives = (flags.slo ?? []).map((text) => parseObjective(text.trim().split(/\s+/)[0]!));
  const dashboard = flags.dashboard
    ? new RealTimeDashboard(flags.interval, process.stdout)
    : undefined;
  // On a terminal the dashboard redraws in place from the top of the screen: a line printed
  // meanwhile would be wiped by the next frame, so it is drawn with the frame instead (above
  // it for what stays true, below it for messages and alerts). Elsewhere lines go to stderr.
  const inFrame = process.stdout.isTTY === true && process.stderr.isTTY === true;
  let stopped = false;
  const emit = (text: string, place: 'header' | 'message') => {
    if (!(inFrame && dashboard?.drawingInPlace)) {
      process.stderr.write(`${text}\n`);
      // Said before the dashboard started (a setup that failed): its first frame clears the
      // screen, so the line is kept above it.
      if (inFrame && dashboard && !stopped) place = 'header';
      else return;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      if (place === 'header') dashboard!.addHeaderLine(line);
      else dashboard!.addMessage(line);
    }
  };
  // Log lines quote URLs and names from the command line and the workloads.
  const log = (line: string) => emit(terminalText(redactText(line)), 'message');
  const note = (line: string) => emit(terminalText(redactText(line)), 'header');
  /** Where alert notifications are printed: with the frame on a terminal, else stderr. */
  const alertOut = new Writable({
    write(chunk: Buffer, _encoding, done) {
      emit(chunk.toString().replace(/\n$/, ''), 'message');
      done();
    },
  });
  const watching = projectRules(flags, rules);
  rules.push(...watching.rules);
  if (flags.webhook && !/^https?:\/\//.test(flags.webhook)) {
    throw new UsageError(
      `--webhook expects an http(s) URL, got ${quote(redactUrl(flags.webhook))}`,
    );
  }
  const listen =
    flags.web === undefined ? undefined : parseListenAddress(flags.web === true ? '' : flags.web);
  if (listen && !LOOPBACK.has(listen.host) && !flags.token) {
    throw new UsageError(
      `--web ${listen.host} is reachable from other machines: set --token to protect it`,
    );
  }
  if (flags.token !== undefined && flags.token.length < 8) {
    throw new UsageError('--token must be at least 8 characters');
  }
  // Refused before anything is created: a folder that is not ours, an alert log that is a
  // folder or under a file.
  if (flags.out !== undefined) await checkReportFolder(flags.out);
  if (flags.alertLog !== undefined) await checkOutputFile(flags.alertLog, '--alert-log');

  const workloads = await defaultWorkloads(flags, log);
  const names = workloads.map((w) => w.name);
  if (new Set(names).size !== names.length) {
    throw new UsageError(`collector names must be unique: ${names.join(', ')}`);
  }

  // The folder is created now, exclusively: the alert log is written into it as alerts come.
  const out = await claimFolder(flags.out ?? defaultMonitorDir(), flags.out === undefined);
  const alertLog = new JsonLinesSink(flags.alertLog ?? join(out, 'alerts.jsonl'));
  try {
    alertLog.start();
  } catch (error) {
    throw new InputError(
      `--alert-log ${alertLog.path}: ${folderError(alertLog.path, error).message}`,
    );
  }
  const notificationSinks: Sink<AlertNotification>[] = [new ConsoleAlertSink(alertOut)];
  let webhook: WebhookSink | undefined;
  let lastWebhookError = 0;
  if (flags.webhook) {
    webhook = new WebhookSink(flags.webhook, {
      onError: (message) => {
        // At most one line every 30 s: a dead receiver must not flood the terminal.
        if (Date.now() - lastWebhookError > 30_000) log(`perfsight: ${message}`);
        lastWebhookError = Date.now();
      },
    });
    notificationSinks.push(webhook);
  }
  const dashboardSinks: Sink<DashboardSnapshot>[] = [];
  if (dashboard) dashboardSinks.push(dashboard);
  const web = listen
    ? new WebDashboard({
        ...listen,
        token: flags.token,
        maxClients: flags.webMaxClients,
        read: () => monitor.dashboardData,
      })
    : undefined;
  // The web dashboard outlives the monitor's stop: its viewers then see the report folders.
  if (web) dashboardSinks.push({ name: 'web', start: () => web.start(), add: (s) => web.add(s) });

  // `read` above runs only once the server answers, after `monitor` exists.
  const monitor = new ContinuousPerformanceMonitor(names, {
    rules,
    objectives,
    thresholds: watching.thresholds,
    intervalMs: flags.interval,
    analysisEveryMs: flags.analysisEvery,
    alertsEveryMs: flags.alertsEvery,
    throttle: {
      groupWaitMs: flags.groupWait,
      groupIntervalMs: flags.groupInterval,
      repeatIntervalMs: flags.repeatInterval,
    },
    eventSinks: [alertLog],
    notificationSinks,
    dashboardSinks,
    log,
  });

  const stop = stopOnSignals((signal) =>
    log(`\nperfsight: ${signal} received, stopping and writing the final reports…`),
  );
  const environment = describeEnvironment();
  const started = new Date();
  try {
    // Workloads get ready first (a model to load…), so the monitor measures them ready.
    for (const workload of workloads) {
      if (stop.signal.aborted) break;
      try {
        // A setup that hangs (a model that never loads) must not make Ctrl-C a promise
        // perfsight cannot keep: the signal stops the wait, as it does for `run`.
        await unlessAborted(workload.setup?.(), stop.signal);
      } catch (error) {
        log(
          `perfsight: ${workload.name}: setup failed (${thrownMessage(error)}); its calls will count as errors`,
        );
      }
    }
    await monitor.start();
    note(
      `Starting continuous performance monitoring${flags.duration ? ` for ${flags.duration / 1000} seconds` : ''} of ${names.join(', ')}`,
    );
    if (web) note(`Web dashboard: ${web.url}`);
    if (watching.note) note(watching.note);
    note('Press Ctrl+C to stop early');
    const drives = workloads.map(async (workload) => {
      await monitor.drive(workload.name, workload, {
        rate: flags.rate,
        durationMs: flags.duration,
        timeoutMs: flags.timeout,
        signal: stop.signal,
      });
      try {
        // Ctrl-C still means "stop" while a teardown runs; after it, a teardown gets a grace.
        await teardownUnlessStopped(workload.teardown?.(), stop.signal);
      } catch {
        // Teardown trouble does not change what was measured.
      }
    });
    await Promise.all(drives);

    await monitor.stop();
    stopped = true;
    for (const workload of workloads) {
      const collector = monitor.collector(workload.name)!;
      // The full report set of `run` (analysis, alerts, HTML, Markdown, JUnit…), held to
      // the objectives the monitor watched.
      const reports = runPipeline(
        {
          name: workload.name,
          description: workload.description ?? `monitored collector ${workload.name}`,
          recorded: collector.recorded(),
          uncorrected: null,
          interrupted: stop.received,
          configuration: {
            mode: 'monitor',
            rate_per_second: flags.rate,
            duration_seconds: flags.duration === undefined ? null : flags.duration / 1000,
            timeout_ms: flags.timeout,
            started_at: started.toISOString(),
            alert_rules: rules.map((r) => r.name),
          },
          environment,
          workload: workload.info?.() ?? { kind: 'function', name: workload.name },
          http: 'traffic' in workload ? (workload as HttpWorkload).traffic() : undefined,
          generatedAt: new Date(),
        },
        { policy: watching.reportPolicy },
      );
      // Each collector's folder is written whole (complete or absent), inside `out` only.
      const folder = await writeReportFolder(
        insideFolder(out, workload.name, 'collector name'),
        reports.files,
      );
      monitor.setReportFolder(workload.name, folder);
    }
    const data = join(out, 'continuous_monitoring_data.json');
    const final = monitor.snapshot();
    await writeFileAtomic(data, json(final));
    web?.add(final);
    log(`Dashboard data exported to ${data}`);
    log(
      `Reports written to ${out}/ (alert log: ${alertLog.path}, ${alertLog.written} transition(s))`,
    );
    if (webhook) {
      const s = webhook.stats;
      log(
        `Webhook: ${s.delivered} delivered, ${s.failedAttempts} failed attempt(s), ${s.dropped + s.rejected} dropped`,
      );
    }
    return stop.exitCode(0);
  } finally {
    stop.dispose();
    await web?.stop();
  }
}

/**
 * Out of the box the monitor alerts as the seed's monitor did, on its alert thresholds (P95,
 * P99, success, errors, CPU, memory with the seed's levels; `alert_thresholds` of `--config`
 * / perfsight.config.json when given), and on the project's objectives (the config's, else
 * `p95<100ms`, `success>=99%` and `fallback<1%`), each as a threshold rule over 1 minute.
 * Explicit `--slo` or `--alert-rule` replace them; a `--config` given anyway is still checked.
 * Each collector's final report is held to the objectives watched (`reportPolicy`).
 */
function projectRules(
  flags: MonitorFlags,
  explicitRules: readonly AlertRule[],
): {
  rules: AlertRule[];
  note?: string;
  thresholds?: RunPolicy['thresholds'];
  reportPolicy: Partial<RunPolicy>;
} {
  const explicit = explicitRules.length > 0;
  const seen = new Set<string>();
  const explicitPolicy = {
    objectives: withFallbackObjective(
      explicitRules
        .map((r) => r.objective)
        .filter((o) => !seen.has(o.source) && seen.add(o.source)),
    ),
    source: '--slo/--alert-rule',
  };
  if (explicit && flags.config === undefined) return { rules: [], reportPolicy: explicitPolicy };
  const policy = loadPolicy({ config: flags.config });
  if (explicit) {
    return {
      rules: [],
      thresholds: policy.thresholds,
      reportPolicy: { ...policy, ...explicitPolicy },
    };
  }
  const thresholdRules = seedAlertRules(policy.alertThresholds);
  const shown = thresholdRules.map((r) => r.objective.source);
  // `p95<100ms` beside the threshold rule `p95<=100ms` would alert twice on one breach.
  const watched = policy.objectives.filter(
    (o) =>
      !thresholdRules.some(
        (r) => r.objective.metric === o.metric && r.objective.threshold === o.threshold,
      ),
  );
  const from = policy.source === 'defaults' ? 'the default objectives' : policy.source;
  const thresholdsFrom =
    Object.keys(policy.alertThresholds).length > 0 ? 'alert_thresholds' : 'the alert thresholds';
  return {
    rules: [...watched.map((o) => parseAlertRule(o.source)), ...thresholdRules],
    thresholds: policy.thresholds,
    reportPolicy: policy,
    note: `Alerting on ${from}: ${watched.map((o) => o.source).join(', ') || 'none'}; ${thresholdsFrom}: ${shown.join(', ')} (over 1m; --slo or --alert-rule to choose)`,
  };
}

/**
 * The seed's three collectors: feature extraction (the real workload once registered),
 * a synthetic data-processing stage, and HTTP endpoints given with `--target` — only those
 * with `--no-builtin`. Every target sends what `--method`, `--header`, `--body` say.
 */
async function defaultWorkloads(
  flags: MonitorFlags,
  log: (line: string) => void,
): Promise<Workload[]> {
  const targets = flags.target ?? [];
  if (!flags.builtin && targets.length === 0) {
    throw new UsageError('--no-builtin leaves nothing to watch: give at least one --target');
  }
  if (targets.length === 0) refuseHttpFlags(flags, 'is for --target endpoints, and none is given');
  const workloads: Workload[] = [];
  // Targets first: a mistake in them is bad input, found before a model is loaded.
  for (const { name, url } of targets) {
    workloads.push(await httpTargetFrom(url, flags, { name, timeoutMs: flags.timeout }));
  }
  if (!flags.builtin) return workloads;
  const builtIn: Workload[] = [];
  if (builtInWorkloads().includes(FEATURE_EXTRACTION)) {
    const workload = await createWorkload(FEATURE_EXTRACTION, {});
    builtIn.push({ ...workload, name: 'feature_extraction' });
  } else {
    log(
      `perfsight: note: the ${FEATURE_EXTRACTION} workload is not available in this build; feature_extraction is a synthetic stand-in (median 8 ms)`,
    );
    builtIn.push({
      ...syntheticWorkload({ latencyMs: 8, jitter: 0.4, cacheHitRate: 0.3 }),
      name: 'feature_extraction',
    });
  }
  builtIn.push({
    ...syntheticWorkload({ latencyMs: 3, jitter: 0.5, seed: 7 }),
    name: 'data_processing',
    description: 'Synthetic data-processing stage (log-normal, median 3 ms)',
  });
  return [...builtIn, ...workloads];
}

function defaultMonitorDir(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `perfsight-reports/monitor-${stamp}`;
}
