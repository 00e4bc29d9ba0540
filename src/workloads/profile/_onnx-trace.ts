import type { ProfiledInference } from './_operators.js';

/** What ONNX Runtime's profiler saw: each inference, its time and the node runs within it. */
export interface OnnxTrace {
  inferences: ProfiledInference[];
}

interface TraceEvent {
  cat?: unknown;
  name?: unknown;
  ts?: unknown;
  dur?: unknown;
  args?: { op_name?: unknown; node_index?: unknown };
}

const KERNEL_SUFFIX = '_kernel_time';

/**
 * Reads ONNX Runtime's profiling trace (the Chrome-trace JSON `endProfiling()` writes): each
 * `model_run` session event is one inference, each `<node>_kernel_time` node event one
 * operator run (its `op_name` the ONNX operator type), counted in the inference it lies in.
 * The first `skipRuns` inferences (a warm-up) and the node runs inside them are left out, as
 * are node runs outside every inference. Times in the trace are µs. Pure; throws on a file
 * that is not such a trace.
 */
export function parseOnnxTrace(text: string, skipRuns = 0): OnnxTrace {
  let events: unknown;
  try {
    events = JSON.parse(text);
  } catch (error) {
    throw new Error(`the ONNX Runtime profile is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(events)) throw new Error('the ONNX Runtime profile is not a list of events');
  const runs = (events as TraceEvent[])
    .filter((e) => e.cat === 'Session' && e.name === 'model_run' && isTime(e.ts) && isTime(e.dur))
    .map((e) => ({ start: e.ts as number, end: (e.ts as number) + (e.dur as number) }))
    .sort((a, b) => a.start - b.start)
    .slice(skipRuns);
  const inferences: ProfiledInference[] = runs.map((r) => ({
    ms: (r.end - r.start) / 1000,
    operators: [],
  }));
  for (const e of events as TraceEvent[]) {
    if (e.cat !== 'Node' || typeof e.name !== 'string' || !e.name.endsWith(KERNEL_SUFFIX)) continue;
    if (!isTime(e.ts) || !isTime(e.dur)) continue;
    const run = runContaining(runs, e.ts);
    if (run < 0) continue;
    const opType = typeof e.args?.op_name === 'string' ? e.args.op_name : 'unknown';
    const name = e.name.slice(0, -KERNEL_SUFFIX.length);
    inferences[run]!.operators.push({
      // An unnamed node is known by its type and place in the graph.
      name: name || `${opType}#${String(e.args?.node_index ?? '?')}`,
      op_type: opType,
      ms: e.dur / 1000,
    });
  }
  return { inferences };
}

/** The index of the run (sorted by start, never overlapping) that `ts` lies in, or -1. */
function runContaining(runs: ReadonlyArray<{ start: number; end: number }>, ts: number): number {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = runs[mid]!;
    if (ts < run.start) hi = mid - 1;
    else if (ts > run.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
