// Reports → Chat (GET /api/v2/chat/stats): over a period, the chats that
// came, those answered and those missed (ended before an agent answered),
// the wait before the first answer (median and 90th percentile), how long
// a chat lasted (median) and the most chats open at once; then the same by
// day, agent or group as a bar chart of the chats, the table under it with
// every figure, and the CSV. A viewer reads it as an agent does.
import { html, useState } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t, formatNumber, formatDate } from '../shared/i18n.js';
import { BarChart } from './charts.js';
import { ErrorBanner, Figures, useLoad } from './ui.js';
import './chatwords.js';

const STATS = '/api/v2/chat/stats';
const DAY = 86400_000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
// A day as the server names it: "2026-12-07", or days since 1970-01-01.
const dayOf = (d) => (typeof d === 'number' ? new Date(d * DAY).toISOString() : `${d}T12:00:00Z`);

// Seconds as "45 s", "3 min 20 s", "1 h 05 min"; "—" for none (no chat
// gave one: null, or the server's -1).
export function span(s) {
	if (s == null || s < 0)
		return '—';
	const n = Math.round(s);
	if (n < 60)
		return t('chat.report.s', { s: n });
	if (n < 3600)
		return t('chat.report.min_s', { m: Math.floor(n / 60), s: n % 60 });
	return t('chat.report.h_min', { h: Math.floor(n / 3600), m: String(Math.floor((n % 3600) / 60)).padStart(2, '0') });
}

// The answer as {total, rows}: each a set of figures, a row with its key.
function read(r) {
	const s = r.chat_stats || r.stats || r;
	return { total: s.total || s.totals || {}, rows: s.rows || s.breakdown || s.by || [] };
}

const FIGURES = [
	['chats', (x) => formatNumber(x.chats ?? 0)],
	['answered', (x) => formatNumber(x.answered ?? 0)],
	['missed', (x) => formatNumber(x.missed ?? 0)],
	['wait_p50', (x) => span(x.wait_p50)],
	['wait_p90', (x) => span(x.wait_p90)],
	['duration_p50', (x) => span(x.duration_p50)],
	['peak_concurrency', (x) => formatNumber(x.peak_concurrency ?? x.peak ?? 0)],
];

export function ChatReport() {
	const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
	const [form, setForm] = useState({ start: iso(today - 29 * DAY), end: iso(today), by: 'day' });
	const [asked, setAsked] = useState(form);
	const q = `start=${asked.start}&end=${asked.end}&by=${asked.by}`;
	// the answer for this q only: another period's rows are never shown
	// under this one's heading while it comes
	const [got, error] = useLoad(() => get(`${STATS}?${q}`).then((r) => ({ ...read(r), q })), [q]);
	const res = got && got.q === q ? got : null;
	const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
	const name = (x) => (asked.by === 'day' ? formatDate(dayOf(x.day ?? x.key), { dateStyle: 'medium', timeZone: 'UTC' })
		: x.name || (x.key ? `#${x.key}` : t('chat.report.nobody')));
	return html`<section aria-labelledby="chat-report-title" data-test="chat-report">
		<h1 id="chat-report-title">${t('chat.report.title')}</h1>
		<form class="row" onSubmit=${(e) => { e.preventDefault(); setAsked(form); }}>
			<label for="chat-from">${t('report.from')}</label>
			<input id="chat-from" type="date" value=${form.start} max=${form.end} onInput=${set('start')} data-test="chat-report-from" />
			<label for="chat-to">${t('report.to')}</label>
			<input id="chat-to" type="date" value=${form.end} min=${form.start} onInput=${set('end')} data-test="chat-report-to" />
			<label for="chat-by">${t('chat.report.by')}</label>
			<select id="chat-by" value=${form.by} onChange=${set('by')} data-test="chat-report-by">
				${['day', 'agent', 'group'].map((b) => html`<option value=${b}>${t(`chat.report.by.${b}`)}</option>`)}</select>
			<button type="submit" data-test="chat-report-show">${t('report.show')}</button>
			<a class="button" href="${STATS}?${q}&format=csv" download data-test="chat-report-csv">${t('chat.report.csv')}</a></form>
		<${ErrorBanner} error=${error} />
		${res && html`
			<${Figures} testid="chat-totals" items=${FIGURES.map(([k, show]) => [t(`chat.report.${k}`), show(res.total), `chat-total-${k}`])} />
			${!(res.total.chats > 0) ? html`<p class="hint" data-test="chat-report-empty">${t('chat.report.empty')}</p>` : html`
				<h2>${t(`chat.report.by.${asked.by}`)}</h2>
				<${BarChart} chart="chat-${asked.by}" title="${t('chat.report.chats')} — ${t(`chat.report.by.${asked.by}`)}"
					rows=${res.rows} name=${name} value=${(x) => x.chats ?? 0}
					label=${(x) => t('chat.report.bar', { count: x.chats ?? 0, chats: formatNumber(x.chats ?? 0), missed: formatNumber(x.missed ?? 0) })} />
				<table class="list" data-test="chat-report-table"><caption class="sr-only">${t(`chat.report.by.${asked.by}`)}</caption>
					<thead><tr><th>${t(`chat.report.by.${asked.by}`)}</th>${FIGURES.map(([k]) => html`<th>${t(`chat.report.${k}`)}</th>`)}</tr></thead>
					<tbody>${res.rows.map((x) => html`<tr data-test="chat-report-row" data-key=${String(x.key ?? x.day ?? '')}>
						<td>${name(x)}</td>${FIGURES.map(([k, show]) => html`<td data-test="chat-cell-${k}">${show(x)}</td>`)}</tr>`)}</tbody></table>`}`}
	</section>`;
}
