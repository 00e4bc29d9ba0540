import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/**
 * A tiny ONNX model built here, with its own names: `x` `[batch, 8]` → MatMul (node `proj`)
 * → Relu (`act`) → Tanh (`squash`) → `y` `[batch, 16]`. Real bytes ONNX Runtime loads.
 */
export function tinyOnnxModel(): Uint8Array {
  const weights = new Float32Array(8 * 16).map((_, i) => Math.sin(i));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'perfsight-test',
    graph: {
      name: 'tiny',
      input: [tensorInfo('x', [{ dimParam: 'batch' }, { dimValue: 8 }])],
      output: [tensorInfo('y', [{ dimParam: 'batch' }, { dimValue: 16 }])],
      initializer: [
        { name: 'W', dims: [8, 16], dataType: FLOAT, rawData: new Uint8Array(weights.buffer) },
      ],
      node: [
        { opType: 'MatMul', input: ['x', 'W'], output: ['h'], name: 'proj' },
        { opType: 'Relu', input: ['h'], output: ['r'], name: 'act' },
        { opType: 'Tanh', input: ['r'], output: ['y'], name: 'squash' },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tensorInfo(name: string, dim: Array<{ dimParam?: string; dimValue?: number }>) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}
