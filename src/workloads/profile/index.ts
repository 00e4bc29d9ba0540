/**
 * Where an inference's time goes: the `model_profile` of detailed.json, built from a
 * runtime's own profiler (ONNX Runtime) or from timing each layer (TensorFlow.js).
 */
export { buildModelProfile } from './_operators.js';
export type { OperatorTiming, ProfiledInference } from './_operators.js';
export { parseOnnxTrace } from './_onnx-trace.js';
export type { OnnxTrace } from './_onnx-trace.js';
export { profileOnnx } from './_onnx.js';
export type { OnnxProfileOptions } from './_onnx.js';
