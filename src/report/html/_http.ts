import type { SummaryReport } from '../../model/index.js';
import {
  escapeHtml,
  figure,
  formatBytes,
  formatCount,
  formatPercent,
  statusCodeList,
} from './_text.js';

/**
 * An HTTP target's answers by status code, and the bytes its connections wrote and read;
 * nothing for other workloads. Requests that got no answer are under "Errors by type".
 */
export function httpSection(r: SummaryReport): string {
  const http = r.http;
  if (!http) return '';
  const codes = statusCodeList(http.status_codes);
  const responses = codes.reduce((sum, [, n]) => sum + n, 0);
  const rows = codes
    .map(
      ([code, n]) =>
        `<tr><th scope="row">${escapeHtml(code)}</th><td class="num">${figure(`http.status_codes.${code}`, formatCount(n))}</td><td class="num">${escapeHtml(formatPercent(responses ? n / responses : null))}</td></tr>`,
    )
    .join('');
  const noAnswer = r.performance_summary.total_requests - responses;
  return `<section class="section" aria-labelledby="http-h">
<h2 id="http-h">HTTP Responses</h2>
${
  rows
    ? `<div class="table-wrap"><table><thead><tr><th scope="col">Status code</th><th scope="col" class="num">Responses</th><th scope="col" class="num">Share of responses</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : '<p>No responses.</p>'
}
${noAnswer > 0 ? `<p class="note">${escapeHtml(formatCount(noAnswer))} request(s) got no response (see Errors by type).</p>` : ''}
<dl class="meta">
<dt>Bytes sent</dt><dd>${figure('http.bytes_sent', formatBytes(http.bytes_sent))}</dd>
<dt>Bytes received</dt><dd>${figure('http.bytes_received', formatBytes(http.bytes_received))}</dd>
</dl>
</section>`;
}
