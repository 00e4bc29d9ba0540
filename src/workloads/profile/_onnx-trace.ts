import type { OperatorTiming } from './_operators.js';

/** What ONNX Runtime's profiler saw: each inference's time and each node run within them. */
export interface OnnxTrace {
  inferencesMs: number[];
  timings: OperatorTiming[];
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
 * operator run (its `op_name` the ONNX operator type). The first `skipRuns` inferences (a
 * warm-up) and the node runs inside them are left out. Times in the trace are µs. Pure;
 * throws on a file that is not such a trace.
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
  const inside = (ts: number) => runs.some((r) => ts >= r.start && ts <= r.end);
  const timings: OperatorTiming[] = [];
  for (const e of events as TraceEvent[]) {
    if (e.cat !== 'Node' || typeof e.name !== 'string' || !e.name.endsWith(KERNEL_SUFFIX)) continue;
    if (!isTime(e.ts) || !isTime(e.dur) || !inside(e.ts)) continue;
    const opType = typeof e.args?.op_name === 'string' ? e.args.op_name : 'unknown';
    const name = e.name.slice(0, -KERNEL_SUFFIX.length);
    timings.push({
      // An unnamed node is known by its type and place in the graph.
      name: name || `${opType}#${String(e.args?.node_index ?? '?')}`,
      op_type: opType,
      ms: e.dur / 1000,
    });
  }
  return { inferencesMs: runs.map((r) => (r.end - r.start) / 1000), timings };
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
