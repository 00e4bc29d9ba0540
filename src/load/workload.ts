/** What a workload's call may report about itself; nothing at all is a plain success. */
export type CallResult = void | undefined | CallReport;

export interface CallReport {
  /** The call was answered from a cache (reported by the code, never guessed from latency). */
  cacheHit?: boolean;
  fallbackUsed?: boolean;
  /** A call that returns `success: false` failed without throwing. */
  success?: boolean;
  errorType?: string;
}

/** Something perfsight can measure: one `call` is one sample. */
export interface Workload {
  name: string;
  description?: string;
  /** Facts about the workload for the report (model, backend, parameter count…). */
  info?: () => Record<string, unknown>;
  setup?(): void | Promise<void>;
  call(iteration: number): CallResult | Promise<CallResult>;
  teardown?(): void | Promise<void>;
}

/** The error type a failed call is counted under: its `code`, else its class name. */
export function errorTypeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code) return code;
    if (typeof name === 'string' && name) return name;
  }
  return typeof error === 'string' ? 'Error' : 'unknown';
}
