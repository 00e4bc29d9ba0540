import type { ModelProfile } from '../../model/index.js';
import {
  ofMedians,
  perInference,
  perInferenceSpread,
  profileSource,
  profileView,
  runtimePerInference,
} from '../_model-profile.js';
import { modelProfileChart } from './_charts.js';
import { chartFigure, type ChartSpec } from './_page.js';
import { terminalLine } from '../../neutralise/index.js';
import { escapeHtml, formatCount, formatPercent } from './_text.js';

/** The model breakdown: chart of the largest operators, and the table of every one. */
export function whereTheTimeGoes(profile: ModelProfile, charts: ChartSpec[]): string {
  const chart = modelProfileChart(profile);
  charts.push(chart);
  const view = profileView(profile, 15);
  const rows = view.shown.map(
    (o) =>
      `<tr><th scope="row">${shown(o.name)}</th><td>${shown(o.op_type)}</td><td class="num">${formatCount(o.calls)}</td><td class="num">${escapeHtml(perInference(o, profile))}</td><td class="num">${escapeHtml(perInferenceSpread(o))}</td><td class="num">${escapeHtml(formatPercent(o.share))}</td><td aria-hidden="true"><span class="bar" style="width:${Math.round(o.share * 200)}px"></span></td></tr>`,
  );
  if (view.others) {
    rows.push(
      `<tr><th scope="row">${view.others.count} more (detailed.json)</th><td></td><td></td><td></td><td></td><td class="num">${escapeHtml(formatPercent(view.others.share))}</td><td></td></tr>`,
    );
  }
  rows.push(
    `<tr><th scope="row">outside the operators (runtime)</th><td></td><td></td><td class="num">${escapeHtml(runtimePerInference(profile))}</td><td></td><td class="num">${escapeHtml(formatPercent(view.runtimeShare))}</td><td></td></tr>`,
  );
  return `<section class="section" aria-labelledby="profile-h">
<h2 id="profile-h">Where the time goes</h2>
<p class="note">${escapeHtml(profileSource(profile))}: separate calls, never part of the measured latencies.</p>
<div class="charts">${chartFigure(chart, `Share of ${ofMedians(profile) ? 'a typical inference per operator (its median over the profiled calls, so one slow call does not move it)' : 'one inference per operator'}; "runtime" is the time outside every operator.`)}</div>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Operator</th><th scope="col">Type</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Per inference</th><th scope="col" class="num">p25 – p75</th><th scope="col" class="num">Share of an inference</th><th scope="col">Share</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
</section>`;
}

/** A name from the model: escaped, and its control or bidi characters shown as escapes. */
function shown(name: string): string {
  return escapeHtml(terminalLine(name));
}
