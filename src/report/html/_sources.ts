import type { SummaryReport } from '../../model/index.js';
import { escapeHtml, figure, formatCount, formatMs, formatPercent } from './_text.js';

const SOURCES = [
  ['model', 'The model (the workload itself)'],
  ['cache', 'The cache'],
  ['fallback', 'The fallback'],
] as const;

/** Who answered the successful calls, each source with its own latencies. */
export function answeredBy(r: SummaryReport): string {
  const bySource = r.latency_by_source;
  if (!bySource) return '';
  const rows = SOURCES.map(([source, label]) => {
    const b = bySource[source];
    const key = `latency_by_source.${source}`;
    const ms = (k: 'median_ms' | 'p95_ms' | 'p99_ms' | 'average_ms') =>
      `<td class="num">${b.latency ? figure(`${key}.latency.${k}`, formatMs(b.latency[k])) : '–'}</td>`;
    return `<tr><th scope="row">${escapeHtml(label)}</th><td class="num">${figure(`${key}.count`, formatCount(b.count))}</td><td class="num">${figure(`${key}.share`, formatPercent(b.share))}</td>${ms('average_ms')}${ms('median_ms')}${ms('p95_ms')}${ms('p99_ms')}</tr>`;
  });
  return `<section class="section" aria-labelledby="sources-h">
<h2 id="sources-h">Who Answered</h2>
<p class="note">The latencies above mix every successful answer. A model's latency is its own row: answers from a cache or a fallback say nothing about it. Shares are of all requests; failed ones are in none of the rows.</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Answered by</th><th scope="col" class="num">Calls</th><th scope="col" class="num">Share</th><th scope="col" class="num">Average</th><th scope="col" class="num">P50</th><th scope="col" class="num">P95</th><th scope="col" class="num">P99</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
</section>`;
}
