// A horizontal bar chart the reports share (docs/web.md "Reports"): a bar
// a row, drawn here in SVG (a few rectangles, no package), the row's name
// on the left — a long one cut short, whole in the bar's title — and its
// value written beside the bar, so neither colour nor length is the only
// signal. To a screen reader it is one image whose label says what it
// shows and that the table under it, which every report keeps, holds the
// same figures.
//
// chart: the report's name for it (data-chart, for tests); title: what it
// shows, in words; rows: the table's rows, in the table's order;
// name(row): the row's name as text; value(row): its number, or null for
// none (no bar, and the label says so); label(row): the value in words
// (the number by default); domain: [low, high] of the axis, [0, the
// largest value] by default — [-100, 100] for NPS — the bars drawn from
// zero, to the left for a negative value. No rows: no chart.
import { html } from '../shared/html.js';
import { t, formatNumber } from '../shared/i18n.js';

// The characters of a name shown before it is cut (the left margin fits them).
export const NAME_MAX = 28;
const shorten = (s) => (s.length > NAME_MAX ? `${s.slice(0, NAME_MAX - 1)}…` : s);
const number = (v) => (v == null ? '—' : formatNumber(v));

export function BarChart({ chart, title, rows, name, value, label, domain }) {
	if (!rows || !rows.length)
		return null;
	const bar = 20, gap = 6, left = 210, width = 320, right = 170;
	const values = rows.map(value);
	const known = values.filter((v) => v != null);
	// a value outside the domain widens it rather than running off the chart
	const lo = Math.min(0, ...(domain ? [domain[0]] : []), ...known);
	const hi = Math.max(lo + 1, ...(domain ? [domain[1]] : []), ...known);
	const x = (v) => left + ((v - lo) / (hi - lo)) * width;
	const zero = x(0);
	const h = rows.length * (bar + gap) + gap;
	return html`<svg class="report-chart" role="img" data-test="bar-chart" data-chart=${chart}
		width=${left + width + right} height=${h} viewBox="0 0 ${left + width + right} ${h}"
		aria-label=${t('chart.bars', { title })} style="max-width: 100%; height: auto; font: inherit; font-size: 12px">
		${rows.map((r, i) => {
			const v = values[i], y = gap + i * (bar + gap), full = String(name(r));
			const words = label ? label(r) : number(v);
			const end = v == null ? zero : x(v);
			return html`<g data-test="bar" data-name=${full} data-value=${v == null ? '' : String(v)}>
				<title>${full}: ${words}</title>
				<text x=${left - 8} y=${y + bar * 0.7} text-anchor="end" data-test="bar-name">${shorten(full)}</text>
				${v != null && html`<rect x=${Math.min(zero, end)} y=${y} width=${Math.max(1, Math.abs(end - zero))} height=${bar}
					fill=${v < 0 ? '#b3261e' : '#1f5fbf'} />`}
				<text x=${Math.max(zero, end) + 6} y=${y + bar * 0.7} data-test="bar-label">${words}</text>
			</g>`;
		})}
		<line x1=${zero} x2=${zero} y1="0" y2=${h} stroke="#8a93a0" /></svg>`;
}
