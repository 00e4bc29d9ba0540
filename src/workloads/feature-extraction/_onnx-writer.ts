/**
 * Writes ONNX models from JavaScript (with `onnx-proto`, loaded
 * only when a model is written — the build script of the built-in model's ONNX file, tests,
 * a built-in model of another seed).
 */
import { createRequire } from 'node:module';
import type { onnx as OnnxNamespace } from 'onnx-proto';

type Onnx = typeof OnnxNamespace;
let loaded: Onnx | undefined;

function onnx(): Onnx {
  // onnx-proto is CommonJS; `require` keeps this synchronous.
  loaded ??= (createRequire(import.meta.url)('onnx-proto') as { onnx: Onnx }).onnx;
  return loaded;
}

export type ElementType = 'float32' | 'int64' | 'int32';
export type AttributeValue = number | number[] | string | string[] | { float: number | number[] };

export interface ValueSpec {
  name: string;
  /** Numbers are fixed sizes; strings are symbolic (`"batch"`). */
  shape: ReadonlyArray<number | string>;
  type?: ElementType;
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, AttributeValue>;
  name?: string;
}

export interface GraphSpec {
  name: string;
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  /** Weights: float32 values with their dims, or int64 values (shapes, axes). */
  initializers: Array<{ name: string; dims: number[]; values: Float32Array | BigInt64Array }>;
  opset?: number;
  producer?: string;
}

function elementType(type: ElementType = 'float32'): number {
  const T = onnx().TensorProto.DataType;
  return type === 'float32' ? T.FLOAT : type === 'int64' ? T.INT64 : T.INT32;
}

function attribute(name: string, value: AttributeValue): OnnxNamespace.IAttributeProto {
  const A = onnx().AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: A.INT, i: value };
  if (typeof value === 'string')
    return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return {
      name,
      type: A.STRINGS,
      strings: (value as string[]).map((v) => new TextEncoder().encode(v)),
    };
  }
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value as number[] };
  return Array.isArray(value.float)
    ? { name, type: A.FLOATS, floats: value.float }
    : { name, type: A.FLOAT, f: value.float };
}

/** The model's protobuf bytes (`.onnx`), IR 8. */
export function writeOnnxModel(spec: GraphSpec): Uint8Array {
  const o = onnx();
  const valueInfo = (v: ValueSpec) =>
    o.ValueInfoProto.create({
      name: v.name,
      type: {
        tensorType: {
          elemType: elementType(v.type),
          shape: {
            dim: v.shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
          },
        },
      },
    });
  const graph = o.GraphProto.create({
    name: spec.name,
    node: spec.nodes.map((n, i) =>
      o.NodeProto.create({
        name: n.name ?? `${n.op}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      }),
    ),
    initializer: spec.initializers.map((t) =>
      o.TensorProto.create({
        name: t.name,
        dims: t.dims,
        dataType: t.values instanceof Float32Array ? elementType('float32') : elementType('int64'),
        // Raw little-endian bytes, copied: the proto keeps a view, not the caller's array.
        rawData: new Uint8Array(
          t.values.buffer.slice(t.values.byteOffset, t.values.byteOffset + t.values.byteLength),
        ),
      }),
    ),
    input: spec.inputs.map(valueInfo),
    output: spec.outputs.map(valueInfo),
  });
  const model = o.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: spec.opset ?? 17 }],
    producerName: spec.producer ?? 'perfsight',
    graph,
  });
  return o.ModelProto.encode(model).finish();
}
