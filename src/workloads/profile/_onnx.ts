import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelProfile } from '../../load/index.js';
import { buildModelProfile } from './_operators.js';
import { parseOnnxTrace } from './_onnx-trace.js';

export interface OnnxProfileOptions {
  /** The model: a file path or its bytes (what `InferenceSession.create` takes). */
  model: string | Uint8Array;
  /** The measured session's options (threads, providers…): the profile runs the same way. */
  sessionOptions?: InferenceSession.SessionOptions;
  /** The inputs of the i-th profiled call (0 is the warm-up). */
  feeds: (i: number) => Record<string, Tensor>;
  /** Inferences to profile, after one warm-up. */
  calls: number;
  /** The execution provider named in the profile (`cpu`, `cuda`). */
  provider: string;
}

/**
 * ONNX Runtime's own per-operator breakdown: a separate session with `enableProfiling` (the
 * measured session never profiles, so it is never slowed), one warm-up run left out of the
 * figures, `calls` profiled runs, then its trace file read and deleted. The trace goes to a
 * fresh temporary folder because `endProfiling()` does not say the file's name.
 */
export async function profileOnnx(options: OnnxProfileOptions): Promise<ModelProfile> {
  const ort = await import('onnxruntime-node');
  const dir = await mkdtemp(join(tmpdir(), 'perfsight-profile-'));
  try {
    const sessionOptions: InferenceSession.SessionOptions = {
      ...options.sessionOptions,
      enableProfiling: true,
      profileFilePrefix: join(dir, 'trace'),
    };
    const session =
      typeof options.model === 'string'
        ? await ort.InferenceSession.create(options.model, sessionOptions)
        : await ort.InferenceSession.create(options.model, sessionOptions);
    try {
      for (let i = 0; i <= options.calls; i++) await session.run(options.feeds(i));
    } finally {
      session.endProfiling();
      await session.release();
    }
    const trace = (await readdir(dir)).find((file) => file.endsWith('.json'));
    if (trace === undefined) throw new Error('ONNX Runtime wrote no profile');
    const { inferences } = parseOnnxTrace(await readFile(join(dir, trace), 'utf8'), 1);
    return buildModelProfile('onnx', options.provider, inferences);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
