import type { ModelProfile } from '../../load/index.js';
import { profileOnnx } from '../profile/index.js';
import { profileKernels, profileLayers } from './_profile.js';
import type { ModelRunner } from './_runner.js';
import { GraphRunner, LayersRunner } from './_tfjs-runner.js';
import { tf } from './model.js';
import { OnnxRunner, sessionOptions } from './onnx.js';

/**
 * Where one inference of `runner`'s model spends its time, on separate calls after the
 * measured ones: ONNX Runtime's profiler on a session of its own (the same threads and
 * provider), TensorFlow.js per layer (layers models) or per kernel (graph models). Undefined
 * for a model perfsight cannot profile (a `forward()` model, a session made elsewhere).
 */
export async function profileRunner(
  runner: ModelRunner,
  next: () => Float32Array,
  batch: number,
  calls: number,
): Promise<ModelProfile | undefined> {
  const dims = [batch, ...(runner.signature.input.shape.slice(1) as number[])];
  if (runner instanceof OnnxRunner) {
    if (!runner.bytes) return undefined;
    return profileOnnx({
      model: runner.bytes,
      sessionOptions: sessionOptions({ threads: runner.threads, provider: runner.provider }),
      feeds: () => runner.feeds(next(), batch),
      calls,
      provider: runner.provider,
    });
  }
  const input = () => tf.tensor(next(), dims);
  if (runner instanceof LayersRunner) {
    return profileLayers(runner.model, input, calls, runner.provider);
  }
  if (runner instanceof GraphRunner) {
    return profileKernels((x) => runner.infer(x), input, calls, runner.provider);
  }
  return undefined;
}
