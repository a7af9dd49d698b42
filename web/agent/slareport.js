// Reports → SLA (GET /api/v2/slas/reports/*, docs/api.md): how well the
// desk kept its promises over a period. A period and a "by" picker; the
// compliance of each metric per key as a bar chart drawn here in SVG (no
// package: a few rectangles) with the same numbers in a table beside it;
// the tickets no promise applied to; median and 90th percentile of first
// reply and resolution times; the breached tickets, linking to each, a
// page at a time; and each of the three as CSV. Every bar carries its
// percentage and counts in words: colour is never the only signal, and the
// bars below 100 % are hatched as well as coloured.
import { html, useState } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t, formatDate, formatNumber } from '../shared/i18n.js';
import { ErrorBanner, useLoad } from './ui.js';
import { state } from './data.js';

const BASE = '/api/v2/slas/reports';
const BYS = ['policy', 'metric', 'group', 'agent', 'tier', 'channel'];
const DAY = 86400_000;

const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

// A key of a compliance row in the agent's words.
function keyLabel(by, row) {
	if (by === 'metric')
		return t(`sla.metric.${row.key}`);
	if (by === 'channel')
		return t(`channel.${row.key}`);
	if (row.key == null)
		return t('report.none');
	return row.name || `#${row.key}`;
}

const percent = (v) => (v == null ? '—' : `${formatNumber(Math.round(v * 1000) / 10)} %`);
const hours = (s) => (s == null ? '—' : t('report.hours', { n: formatNumber(Math.round(s / 36) / 100) }));

// The bars: one per (key, metric) row, its length the compliance; the
// label, the percentage and "achieved of measured" written beside it.
function Chart({ by, rows }) {
	const bar = 22, gap = 8, left = 260, width = 320, right = 170;
	const h = rows.length * (bar + gap) + gap;
	return html`<svg class="report-chart" role="img" data-test="report-chart" width=${left + width + right} height=${h}
		viewBox="0 0 ${left + width + right} ${h}" aria-label=${t('report.chart_label', { by: t(`report.by.${by}`) })}
		style="max-width: 100%; height: auto; font: inherit; font-size: 13px">
		<defs><pattern id="report-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
			<rect width="6" height="6" fill="#b3261e" /><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2" /></pattern></defs>
		${rows.map((r, i) => {
			const y = gap + i * (bar + gap);
			const full = r.compliance === 1;
			const label = by === 'metric' ? keyLabel(by, r) : `${keyLabel(by, r)} · ${t(`sla.metric.${r.metric}`)}`;
			return html`<g data-test="report-bar" data-key=${String(r.key)} data-metric=${r.metric}>
				<title>${label}: ${percent(r.compliance)}</title>
				<text x=${left - 8} y=${y + bar * 0.7} text-anchor="end">${label.length > 38 ? `${label.slice(0, 37)}…` : label}</text>
				<rect x=${left} y=${y} width=${width} height=${bar} fill="#eef1f5" />
				<rect x=${left} y=${y} width=${Math.max(1, width * (r.compliance || 0))} height=${bar}
					fill=${full ? '#1e7a3c' : 'url(#report-hatch)'} />
				<text x=${left + width + 8} y=${y + bar * 0.7}>${percent(r.compliance)} (${t('report.of', { achieved: r.achieved, measured: r.measured })})</text>
			</g>`;
		})}</svg>`;
}

function Compliance({ rep, by }) {
	if (!rep.rows.length && !rep.no_promise.length)
		return html`<p data-test="report-empty">${t('report.empty')}</p>`;
	return html`${rep.rows.length > 0 && html`<${Chart} by=${by} rows=${rep.rows} />`}
		<table class="list" data-test="report-compliance"><thead><tr>
			<th>${t(`report.by.${by}`)}</th><th>${t('report.metric')}</th><th>${t('report.measured')}</th>
			<th>${t('report.achieved')}</th><th>${t('report.breached')}</th><th>${t('report.compliance')}</th></tr></thead>
		<tbody>${rep.rows.map((r) => html`<tr data-test="report-row">
			<td>${keyLabel(by, r)}</td><td>${t(`sla.metric.${r.metric}`)}</td><td>${r.measured}</td>
			<td>${r.achieved}</td><td>${r.breached}</td><td data-test="report-compliance-value">${percent(r.compliance)}</td></tr>`)}
		${rep.no_promise.map((r) => html`<tr data-test="report-no-promise">
			<td>${by === 'policy' || by === 'metric' ? '' : keyLabel(by, r)}</td>
			<td><strong>${t('report.no_promise')}</strong></td>
			<td colspan="4">${t('report.no_promise_tickets', { count: r.tickets })}</td></tr>`)}</tbody></table>`;
}

function Times({ rep }) {
	return html`<table class="list" data-test="report-times"><thead><tr>
		<th>${t('report.metric')}</th><th>${t('report.measured')}</th>
		<th>${t('report.median')} · ${t('report.business')}</th><th>${t('report.p90')} · ${t('report.business')}</th>
		<th>${t('report.median')} · ${t('report.calendar')}</th><th>${t('report.p90')} · ${t('report.calendar')}</th></tr></thead>
		<tbody>${rep.metrics.map((m) => html`<tr data-test="report-time" data-metric=${m.metric}>
			<td>${t(`sla.metric.${m.metric}`)}</td><td>${m.measured}</td>
			<td>${hours(m.business?.median)}</td><td>${hours(m.business?.p90)}</td>
			<td>${hours(m.calendar?.median)}</td><td>${hours(m.calendar?.p90)}</td></tr>`)}</tbody></table>
		${rep.schedule_id == null && html`<p class="hint">${t('report.no_schedule')}</p>`}`;
}

function Breaches({ query }) {
	const [pages, setPages] = useState([]);
	const [more, setMore] = useState(null);
	const [error, setError] = useState(null);
	const [first] = useLoad(async () => {
		const r = await get(`${BASE}/breaches?${query}&page[size]=25`);
		setPages([r.sla_breaches]);
		setMore(r.meta.has_more ? r.meta.after_cursor : null);
		return r;
	}, [query]);
	if (!first)
		return html`<p class="hint">…</p>`;
	const list = pages.flat();
	const next = async () => {
		try {
			const r = await get(`${BASE}/breaches?${query}&page[size]=25&page[after]=${encodeURIComponent(more)}`);
			setPages([...pages, r.sla_breaches]);
			setMore(r.meta.has_more ? r.meta.after_cursor : null);
		} catch (e) {
			setError(e);
		}
	};
	if (!list.length)
		return html`<p data-test="report-no-breaches">${t('report.no_breaches')}</p>`;
	return html`<table class="list" data-test="report-breaches"><thead><tr>
		<th>${t('report.ticket')}</th><th>${t('report.metric')}</th><th>${t('report.breach_at')}</th>
		<th>${t('report.late')}</th><th>${t('ticket.group')}</th><th>${t('ticket.assignee')}</th><th>${t('report.policy')}</th></tr></thead>
		<tbody>${list.map((b) => html`<tr data-test="report-breach" key=${`${b.ticket_id}-${b.metric}`}>
			<td>${state.me && state.me.role === 'viewer' ? `#${b.ticket_id} ${b.subject}` // a viewer opens no ticket
				: html`<a href="/agent/tickets/${b.ticket_id}">#${b.ticket_id} ${b.subject}</a>`}</td>
			<td>${t(`sla.metric.${b.metric}`)}</td><td>${formatDate(b.breach_at)}</td>
			<td>${hours(b.late)}${b.business_hours ? html` <span class="hint">(${t('report.business')})</span>` : ''}</td>
			<td>${b.group?.name || ''}</td><td>${b.assignee?.name || ''}</td><td>${b.policy?.name || ''}</td></tr>`)}</tbody></table>
		<${ErrorBanner} error=${error} />
		${more && html`<div class="pager"><button type="button" onClick=${next} data-test="report-more">${t('report.more')}</button></div>`}`;
}

const Csv = ({ href, testid }) =>
	html`<a class="button" href=${href} download data-test=${testid}>${t('report.csv')}</a>`;

export function SlaReport() {
	const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
	const [form, setForm] = useState({ from: iso(today - 29 * DAY), to: iso(today), by: 'policy' });
	const [asked, setAsked] = useState(form);
	const period = `from=${asked.from}&to=${asked.to}`;
	const [rep, error] = useLoad(() => Promise.all([
		get(`${BASE}/compliance?${period}&by=${asked.by}`).then((r) => r.sla_compliance),
		get(`${BASE}/times?${period}`).then((r) => r.sla_times),
	]), [period, asked.by]);
	const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
	return html`<section aria-labelledby="report-title" data-test="sla-report">
		<h1 id="report-title">${t('report.title')}</h1>
		<form class="row" onSubmit=${(e) => { e.preventDefault(); setAsked(form); }}>
			<label for="report-from">${t('report.from')}</label>
			<input id="report-from" type="date" value=${form.from} max=${form.to} onInput=${set('from')} data-test="report-from" />
			<label for="report-to">${t('report.to')}</label>
			<input id="report-to" type="date" value=${form.to} min=${form.from} onInput=${set('to')} data-test="report-to" />
			<label for="report-by">${t('report.by')}</label>
			<select id="report-by" value=${form.by} onChange=${set('by')} data-test="report-by">
				${BYS.map((b) => html`<option value=${b}>${t(`report.by.${b}`)}</option>`)}</select>
			<button type="submit" data-test="report-show">${t('report.show')}</button></form>
		<${ErrorBanner} error=${error} />
		${rep && html`
			<h2>${t('report.compliance')} <${Csv} href="${BASE}/compliance.csv?${period}&by=${asked.by}" testid="report-csv-compliance" /></h2>
			<${Compliance} rep=${rep[0]} by=${asked.by} />
			<h2>${t('report.times')} <${Csv} href="${BASE}/times.csv?${period}" testid="report-csv-times" /></h2>
			<${Times} rep=${rep[1]} />
			<h2>${t('report.breaches')} <${Csv} href="${BASE}/breaches.csv?${period}" testid="report-csv-breaches" /></h2>
			<${Breaches} query=${period} />`}
	</section>`;
}
