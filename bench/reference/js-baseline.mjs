// The fixed in-repo stand-in for pandas when python3 with pandas and scipy is absent: the
// whole file read into memory, split into lines and cells, numbers by Number(), percentiles
// of the sorted latencies; `compare` adds Mann–Whitney U (normal approximation, tie
// correction) over the merged samples. Straightforward code, as a data script would be.
import { readFileSync } from 'node:fs';

function latencies(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines[0].split(',');
  const latency = header.indexOf('latency_ms');
  const success = header.indexOf('success');
  const out = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const cells = lines[i].split(',');
    if (success < 0 || cells[success] === 'true') out.push(Number(cells[latency]));
  }
  return Float64Array.from(out).sort();
}

const percentile = (sorted, q) => {
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
};

function mannWhitney(x, y) {
  const merged = [...x].map((v) => [v, 0]).concat([...y].map((v) => [v, 1]));
  merged.sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let ties = 0;
  for (let i = 0; i < merged.length;) {
    let j = i;
    while (j < merged.length && merged[j][0] === merged[i][0]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (merged[k][1] === 0) rankSum += rank;
    ties += (j - i) ** 3 - (j - i);
    i = j;
  }
  const n1 = x.length;
  const n2 = y.length;
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
  return { u, z: (u - (n1 * n2) / 2) / sigma };
}

const [mode, first, second] = process.argv.slice(2);
const a = latencies(first);
if (mode === 'report') {
  console.log([0.5, 0.9, 0.95, 0.99, 0.999].map((q) => percentile(a, q)));
} else {
  const b = latencies(second);
  console.log(mannWhitney(a, b), percentile(a, 0.95), percentile(b, 0.95));
}
