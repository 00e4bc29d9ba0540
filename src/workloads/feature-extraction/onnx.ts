/**
 * A model exported to ONNX (`torch.onnx.export`, tf2onnx…), run by ONNX Runtime
 * (`onnxruntime-node`). Names, element types and shapes are read from the model; what
 * perfsight cannot measure faithfully (several inputs, a non-float input or output) is
 * refused when it loads, not answered by the fallback on every call.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InputError, UsageError } from '../../errors.js';
import type {
  Dimension,
  ExecutionProvider,
  ModelRunner,
  RunnerRecipe,
  TensorSpec,
} from './_runner.js';

export const EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda'];

export interface OnnxOptions {
  /** ONNX Runtime's intra-op threads; default: its own choice (one per physical core). */
  threads?: number;
  /** Default `cpu`. `cuda` needs a GPU and the CUDA provider (see the README). */
  provider?: ExecutionProvider;
}

type Ort = typeof OrtModule;
let ortModule: Promise<Ort> | undefined;
/** The module once loaded: a runner's feeds need no await then. */
let ortLoaded: Ort | undefined;

/** onnxruntime-node, loaded only when an ONNX model is asked for: other commands stay quick. */
export function ort(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((m) => {
    // ONNX Runtime logs warnings (unused initializers…) on stderr by itself: perfsight
    // reports what matters in one line of its own.
    m.env.logLevel = 'error';
    ortLoaded = m;
    return m;
  });
  return ortModule;
}

/**
 * Where the CUDA provider's library must be for ONNX Runtime to load it: beside the
 * binding. Checked before a session asks for it, so a missing install is one clear line
 * rather than ONNX Runtime's own multi-line log on stderr.
 */
function cudaProviderMissing(): string | undefined {
  const require = createRequire(import.meta.url);
  let binding: string;
  try {
    binding = dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return 'onnxruntime-node is not installed';
  }
  const dir = join(binding, 'bin', 'napi-v6', process.platform, process.arch);
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `onnxruntime-node has no CUDA provider for ${process.platform}/${process.arch} (linux/x64 only)`;
  }
  if (!existsSync(join(dir, 'libonnxruntime_providers_cuda.so'))) {
    return `the CUDA execution provider is not installed (no libonnxruntime_providers_cuda.so in ${dir}); install it with: node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12`;
  }
  return undefined;
}

/** Reads and loads an `.onnx` file. */
export async function loadOnnxModel(path: string, options: OnnxOptions = {}): Promise<OnnxRunner> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${path}: cannot read the model (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not an .onnx file' : (error as Error).message})`,
    );
  }
  return onnxModelFromBytes(bytes, options, path);
}

/** Loads an ONNX model from its bytes; `name` (a path) is what messages call it. */
export async function onnxModelFromBytes(
  bytes: Uint8Array,
  options: OnnxOptions = {},
  name = 'the ONNX model',
): Promise<OnnxRunner> {
  const provider = options.provider ?? 'cpu';
  if (!EXECUTION_PROVIDERS.includes(provider)) {
    throw new UsageError(
      `unknown execution provider ${JSON.stringify(provider)} (expected ${EXECUTION_PROVIDERS.join(' or ')})`,
    );
  }
  if (provider === 'cuda') {
    const missing = cudaProviderMissing();
    if (missing) throw new InputError(`--execution-provider cuda: ${missing}`);
  }
  const { InferenceSession } = await ort();
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, sessionOptions(options));
  } catch (error) {
    const message = String((error as Error).message ?? error).split('\n')[0]!;
    throw new InputError(`${name}: not an ONNX model ONNX Runtime can load (${message})`);
  }
  try {
    return new OnnxRunner(session, { ...options, provider }, bytes, name);
  } catch (error) {
    await session.release();
    throw error;
  }
}

export function sessionOptions(options: OnnxOptions): InferenceSession.SessionOptions {
  return {
    executionProviders: [options.provider ?? 'cpu'],
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    // One call at a time: no inter-op pool to wake.
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
}

/**
 * An ONNX Runtime session as a `ModelRunner`. `session` is the handle a profiler can use for
 * calls of its own after the measured ones (`runner.session.run(runner.feeds(...))`).
 */
export class OnnxRunner implements ModelRunner {
  readonly runtime = 'onnx';
  readonly provider: ExecutionProvider;
  readonly threads?: number;
  readonly signature: { input: TensorSpec; outputs: TensorSpec[] };
  /** ONNX Runtime does not count them; set when known (the built-in model). */
  parameters?: number;
  /** Rebuilds the session in a worker thread (`--isolate`): only from the model's bytes. */
  readonly recipe?: () => Promise<RunnerRecipe>;
  private TensorClass: typeof Tensor | undefined;

  constructor(
    readonly session: InferenceSession,
    options: OnnxOptions,
    /**
     * The model's bytes: for a worker thread to load its own session (`--isolate`), and for
     * the profiler's separate session.
     */
    readonly bytes: Uint8Array | undefined,
    name = 'the ONNX model',
  ) {
    this.provider = options.provider ?? 'cpu';
    this.threads = options.threads;
    this.signature = onnxSignature(session, name);
    this.TensorClass = ortLoaded?.Tensor;
    if (bytes) {
      const recipe: RunnerRecipe = {
        kind: 'onnx',
        model: bytes,
        threads: this.threads,
        provider: this.provider,
      };
      this.recipe = async () => recipe;
    }
  }

  /** The input feeds of one call: what `session.run` takes (after `ready`). */
  feeds(values: Float32Array, batch: number): Record<string, Tensor> {
    const dims = [batch, ...(this.signature.input.shape.slice(1) as number[])];
    return { [this.signature.input.name]: new this.TensorClass!('float32', values, dims) };
  }

  async run(values: Float32Array, batch: number): Promise<Float32Array[]> {
    this.TensorClass ??= (await ort()).Tensor;
    const results = await this.session.run(this.feeds(values, batch));
    return this.signature.outputs.map((o) => results[o.name]!.data as Float32Array);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Is `value` an ONNX Runtime `InferenceSession`? (By shape: the user's own copy counts.) */
export function isOnnxSession(value: unknown): value is InferenceSession {
  const s = value as Partial<InferenceSession> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.run === 'function' &&
    Array.isArray(s.inputNames) &&
    Array.isArray(s.outputNames)
  );
}

interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

/** The model's one float input and float outputs, or an `InputError` saying what is not. */
function onnxSignature(
  session: InferenceSession,
  name: string,
): { input: TensorSpec; outputs: TensorSpec[] } {
  const inputs = (session as unknown as { inputMetadata: readonly ValueMetadata[] }).inputMetadata;
  const outputs = (session as unknown as { outputMetadata: readonly ValueMetadata[] })
    .outputMetadata;
  if (inputs.length !== 1) {
    throw new InputError(
      `${name}: has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); perfsight measures models of one float input`,
    );
  }
  const input = inputs[0]!;
  const spec = (value: ValueMetadata, role: string): TensorSpec => {
    if (!value.isTensor || value.type !== 'float32') {
      throw new InputError(
        `${name}: ${role} ${JSON.stringify(value.name)} is ${value.isTensor ? (value.type ?? 'of unknown type') : 'not a tensor'}; perfsight measures float32 inputs and outputs`,
      );
    }
    const shape: Dimension[] = (value.shape ?? []).map((d) =>
      typeof d === 'number' && d >= 1 ? d : typeof d === 'string' && d !== '' ? d : null,
    );
    if (shape.length === 0 && role === 'input') {
      throw new InputError(
        `${name}: input ${JSON.stringify(value.name)} is a scalar; perfsight needs a batch dimension`,
      );
    }
    return { name: value.name, shape };
  };
  return {
    input: spec(input, 'input'),
    outputs: outputs.map((o) => spec(o, 'output')),
  };
}
