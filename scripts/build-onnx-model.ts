/**
 * `npm run build:onnx-model`: writes `models/cnn-lstm-seed42.onnx`, the built-in seeded
 * CNN+LSTM (`buildFeatureModel(42)`) as an ONNX model, from the TensorFlow.js model's own
 * weights. Run it after changing the built-in model; `test/workloads/built-in-onnx.test.ts`
 * fails while the shipped file differs from what this writes.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtInOnnxBytes } from '../src/workloads/feature-extraction/_built-in-export.js';
import {
  BUILT_IN_ONNX_URL,
  BUILT_IN_ONNX_SEED,
} from '../src/workloads/feature-extraction/built-in-onnx.js';
import { buildFeatureModel, useBackend } from '../src/workloads/feature-extraction/model.js';

await useBackend('cpu');
const bytes = builtInOnnxBytes(buildFeatureModel(BUILT_IN_ONNX_SEED));
const path = fileURLToPath(BUILT_IN_ONNX_URL);
writeFileSync(`${path}.tmp`, bytes);
renameSync(`${path}.tmp`, path);
process.stderr.write(`wrote ${path} (${bytes.length.toLocaleString('en-US')} bytes)\n`);
