import type { MergedShard, SummaryReport } from '../../model/index.js';
import { escapeHtml, formatCount, formatMs, formatPercent } from './_text.js';

/** A merge's runs (`perfsight merge`), one row each; nothing for a run of one machine. */
export function shardsSection(r: SummaryReport): string {
  const rows = r.merged_shards;
  if (!rows?.length) return '';
  const body = rows
    .map(
      (s) =>
        `<tr><th scope="row">${escapeHtml(shardLabel(s))}</th><td>${escapeHtml(s.group ?? '—')}</td><td class="num">${escapeHtml(formatCount(s.total_requests))}</td><td class="num">${escapeHtml(formatMs(s.p50_ms))}</td><td class="num">${escapeHtml(formatMs(s.p95_ms))}</td><td class="num">${escapeHtml(formatMs(s.p99_ms))}</td><td class="num">${escapeHtml(formatPercent(s.success_rate))}</td><td>${escapeHtml(spanText(s))}</td></tr>`,
    )
    .join('');
  return `<section class="section" aria-labelledby="shards-h">
<h2 id="shards-h">Shards</h2>
<p class="note">This report merges ${escapeHtml(formatCount(rows.length))} runs; percentiles above: ${escapeHtml(r.percentile_method)}.</p>
<div class="table-wrap"><table><thead><tr><th scope="col">Shard</th><th scope="col">Group</th><th scope="col" class="num">Requests</th><th scope="col" class="num">P50</th><th scope="col" class="num">P95</th><th scope="col" class="num">P99</th><th scope="col" class="num">Success</th><th scope="col">Span</th></tr></thead><tbody>${body}</tbody></table></div>
</section>`;
}

/** `2/3 (reports/shard-2)`, or the folder alone for a run without `--shard`. */
export function shardLabel(s: MergedShard): string {
  return s.shard ? `${s.shard.index}/${s.shard.count} (${s.folder})` : s.folder;
}

/** `2026-12-02T04:40:01.000Z + 3.2 s`. */
export function spanText(s: MergedShard): string {
  return `${s.started_at || '—'} + ${s.duration_seconds.toFixed(1)} s`;
}
