// Customer satisfaction (docs/feedback.md "CSAT"). Reports → Satisfaction:
// CSAT (good ÷ rated) and the response rate (rated ÷ asked) over a period,
// a week or a month a bar in SVG drawn here (a period nobody answered has
// no bar and says so), the same as a table for screen readers, the
// breakdown by agent, group, channel or tier, the CSV, and the comments
// customers left, newest first (GET /api/v2/satisfaction_ratings: a viewer
// reads them with e-mail addresses and phone numbers masked by the server).
// Admin → Satisfaction reasons: the reasons a customer may give for a bad
// rating, named in the four languages.
import { html, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, formatNumber, formatDate } from '../shared/i18n.js';
import { BarChart } from './charts.js';
import { ConfirmDelete, Field, Problem } from './hours.js';
import { ErrorBanner, Figures, toast, useLoad } from './ui.js';

const RATINGS = '/api/v2/satisfaction_ratings';
const REASONS = '/api/v2/satisfaction_reasons';
const DAY = 86400_000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const percent = (v) => (v == null ? '—' : `${formatNumber(v)} %`);

// One bar a week or month, its height the CSAT; the counts in words on each.
function TrendChart({ trend }) {
	const h = 140, top = 10, bottom = 24, left = 48, step = Math.max(10, Math.min(48, Math.floor(640 / Math.max(1, trend.length))));
	const w = left + trend.length * step + 8;
	const y = (v) => top + h - (v / 100) * h;
	return html`<svg class="report-chart" role="img" data-test="csat-chart" width=${w} height=${top + h + bottom}
		viewBox="0 0 ${w} ${top + h + bottom}" aria-label=${t('csat.chart_label')}
		style="max-width: 100%; height: auto; font: inherit; font-size: 11px">
		${[0, 50, 100].map((v) => html`<g><line x1=${left - 4} x2=${w} y1=${y(v)} y2=${y(v)} stroke="#d8dde4" />
			<text x=${left - 6} y=${y(v) + 4} text-anchor="end">${percent(v)}</text></g>`)}
		${trend.map((p, i) => {
			const x = left + i * step;
			const label = `${formatDate(`${p.start}T12:00:00Z`, { dateStyle: 'medium' })}: ${p.csat == null ? t('csat.no_answers')
				: `${percent(p.csat)} (${t('csat.of', { good: p.good, rated: p.rated })})`}`;
			return html`<g data-test="csat-bar" data-start=${p.start} data-csat=${p.csat == null ? '' : String(p.csat)}>
				<title>${label}</title>
				${p.csat == null
					? html`<rect x=${x + 1} y=${y(0) - 2} width=${step - 2} height="2" fill="#c4cad3" />`
					: html`<rect x=${x + 1} y=${y(p.csat)} width=${step - 2} height=${Math.max(1, (p.csat / 100) * h)} fill="#1f7a4d" />`}
				${(i === 0 || i === trend.length - 1) && html`<text x=${x} y=${top + h + 16}>${p.start.slice(5)}</text>`}
			</g>`;
		})}</svg>`;
}

const Counts = ({ r }) => html`<td>${r.asked}</td><td>${r.rated}</td><td>${r.good}</td><td>${r.bad}</td>
	<td data-test="csat-cell">${percent(r.csat)}</td><td>${percent(r.response_rate)}</td>`;
const CountHeads = () => html`<th>${t('csat.asked')}</th><th>${t('csat.rated')}</th><th>${t('csat.good')}</th>
	<th>${t('csat.bad')}</th><th>${t('csat.csat')}</th><th>${t('csat.response_rate')}</th>`;

const Totals = ({ total }) => html`<${Figures} testid="csat-totals" items=${[
	[t('csat.csat'), percent(total.csat), 'csat-total'],
	[t('csat.response_rate'), percent(total.response_rate), 'csat-response'],
	[t('csat.asked'), formatNumber(total.asked), 'csat-asked'],
	[t('csat.good'), formatNumber(total.good), 'csat-good'],
	[t('csat.bad'), formatNumber(total.bad), 'csat-bad']]} />`;

function Comments() {
	const [res, error] = useLoad(() => get(`${RATINGS}?score=received_with_comment&sort_order=desc&per_page=20`), []);
	if (error)
		return html`<${ErrorBanner} error=${error} />`;
	if (!res)
		return null;
	const list = res.satisfaction_ratings;
	if (!list.length)
		return html`<p class="hint" data-test="csat-no-comments">${t('csat.no_comments')}</p>`;
	return html`<ul class="csat-comments" data-test="csat-comments">${list.map((r) => html`<li data-test="csat-comment" data-score=${r.score}>
		<strong>${t(`csat.${r.score}`)}</strong> · <a href="/agent/tickets/${r.ticket_id}">#${r.ticket_id}</a>
		· <span class="muted">${formatDate(r.updated_at, { dateStyle: 'medium' })}</span>
		${r.reason && html` · <span class="tag">${r.reason}</span>`}
		<blockquote>${r.comment}</blockquote></li>`)}</ul>`;
}

export function CsatReport() {
	const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
	const [form, setForm] = useState({ from: iso(today - 89 * DAY), to: iso(today), by: 'agent', period: 'week' });
	const [asked, setAsked] = useState(form);
	const q = `from=${asked.from}&to=${asked.to}&by=${asked.by}&period=${asked.period}`;
	const [res, error] = useLoad(() => get(`${RATINGS}/report?${q}`).then((r) => r.report), [q]);
	const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
	const keyName = (x) => (asked.by === 'channel' ? t(`channel.${x.key}`) : x.name || (x.key ? `#${x.key}` : t('csat.nobody')));
	return html`<section aria-labelledby="csat-title" data-test="csat-report">
		<h1 id="csat-title">${t('csat.title')}</h1>
		<form class="row" onSubmit=${(e) => { e.preventDefault(); setAsked(form); }}>
			<label for="csat-from">${t('report.from')}</label>
			<input id="csat-from" type="date" value=${form.from} max=${form.to} onInput=${set('from')} data-test="csat-from" />
			<label for="csat-to">${t('report.to')}</label>
			<input id="csat-to" type="date" value=${form.to} min=${form.from} onInput=${set('to')} data-test="csat-to" />
			<label for="csat-period">${t('csat.period')}</label>
			<select id="csat-period" value=${form.period} onChange=${set('period')} data-test="csat-period">
				<option value="week">${t('csat.week')}</option><option value="month">${t('csat.month')}</option></select>
			<label for="csat-by">${t('csat.by')}</label>
			<select id="csat-by" value=${form.by} onChange=${set('by')} data-test="csat-by">
				${['agent', 'group', 'channel', 'tier'].map((b) => html`<option value=${b}>${t(`csat.by.${b}`)}</option>`)}</select>
			<button type="submit" data-test="csat-show">${t('report.show')}</button>
			<a class="button" href="${RATINGS}/report?${q}&format=csv" download data-test="csat-csv">${t('csat.csv')}</a></form>
		<${ErrorBanner} error=${error} />
		${res && html`
			<${Totals} total=${res.total} />
			${res.total.asked === 0 ? html`<p class="hint" data-test="csat-empty">${t('csat.empty')}</p>` : html`
				<h2>${t('csat.chart_label')}</h2>
				<${TrendChart} trend=${res.trend} />
				<table class="list" data-test="csat-trend"><caption class="sr-only">${t('csat.chart_label')}</caption>
					<thead><tr><th>${t(`csat.${asked.period}`)}</th><${CountHeads} /></tr></thead>
					<tbody>${res.trend.map((p) => html`<tr data-test="csat-period-row" data-start=${p.start}>
						<td>${formatDate(`${p.start}T12:00:00Z`, { dateStyle: 'medium' })}</td><${Counts} r=${p} /></tr>`)}</tbody></table>
				<h2>${t(`csat.by.${asked.by}`)}</h2>
				<${BarChart} chart="csat-${asked.by}" title="${t('csat.csat')} — ${t(`csat.by.${asked.by}`)}" rows=${res.breakdown} name=${keyName} value=${(x) => x.csat} domain=${[0, 100]} label=${(x) => (x.csat == null ? t('csat.no_answers') : `${percent(x.csat)} (${t('csat.of', x)})`)} />
				<table class="list" data-test="csat-breakdown"><thead><tr><th>${t(`csat.by.${asked.by}`)}</th><${CountHeads} /></tr></thead>
					<tbody>${res.breakdown.map((x) => html`<tr data-test="csat-row" data-key=${String(x.key)}>
						<td>${keyName(x)}</td><${Counts} r=${x} /></tr>`)}</tbody></table>`}`}
		<h2>${t('csat.comments')}</h2>
		<${Comments} />
	</section>`;
}

// ---- Admin → Satisfaction reasons ----

const LANGS = ['en', 'uk', 'ru', 'lt'];

function refusal(err) {
	if (!err)
		return null;
	const f = err.status === 422 && Object.keys(err.fields)[0];
	if (!f)
		return { text: err.message };
	return { text: t(f === 'value' || f === 'translations.en' ? 'csat.err.name' : f.startsWith('translations.')
		? 'csat.err.translation' : 'csat.err.invalid'), detail: err.fields[f][0].description };
}

function ReasonForm({ reason, onDone, onCancel }) {
	const [names, setNames] = useState(reason ? { ...reason.translations } : { en: '', uk: '', ru: '', lt: '' });
	const [err, setErr] = useState(null);
	const id = reason ? `reason-${reason.id}` : 'reason-new';
	async function go(e) {
		e.preventDefault();
		const body = { reason: { value: names.en, translations: { uk: names.uk, ru: names.ru, lt: names.lt } } };
		try {
			if (reason)
				await put(`${REASONS}/${reason.id}`, body);
			else
				await post(REASONS, body);
			setErr(null);
			if (!reason)
				setNames({ en: '', uk: '', ru: '', lt: '' });
			toast(t(reason ? 'csat.reason_saved' : 'csat.reason_added'));
			onDone();
		} catch (x) {
			setErr(x);
		}
	}
	return html`<form class="panel" onSubmit=${go} data-test="reason-form">
		${!reason && html`<h2>${t('csat.reason_add')}</h2>`}
		<div class="row">${LANGS.map((l) => html`<${Field} id="${id}-${l}" label=${t(`csat.reason_name.${l}`)}>${(a) => html`<input ...${a}
			value=${names[l]} maxlength="200" lang=${l} data-test="reason-${l}" onInput=${(e) => setNames({ ...names, [l]: e.target.value })} />`}</${Field}>`)}</div>
		<${Problem} id="${id}-problem" problem=${refusal(err)} />
		<button class="primary" type="submit" data-test="reason-save">${reason ? t('save') : t('admin.add')}</button>
		${onCancel && html`<button type="button" onClick=${onCancel}>${t('org.cancel')}</button>`}</form>`;
}

function ReasonRow({ reason, onChanged }) {
	const [editing, setEditing] = useState(false);
	const [err, setErr] = useState(null);
	async function toggle() {
		try {
			await put(`${REASONS}/${reason.id}`, { reason: { active: !reason.active } });
			onChanged();
		} catch (x) {
			setErr(x);
		}
	}
	async function remove() {
		try {
			await del(`${REASONS}/${reason.id}`);
			toast(t('csat.reason_deleted'));
			onChanged();
			return true;
		} catch (x) {
			setErr(x);
			return false;
		}
	}
	if (editing)
		return html`<tr><td colspan="4"><${ReasonForm} reason=${reason} onDone=${() => { setEditing(false); onChanged(); }}
			onCancel=${() => setEditing(false)} /></td></tr>`;
	return html`<tr data-test="reason-row" data-id=${reason.id}>
		<td data-test="reason-title">${reason.translations.en}</td>
		<td class="muted">${LANGS.slice(1).map((l) => reason.translations[l] || '—').join(' · ')}</td>
		<td><label><input type="checkbox" checked=${reason.active} onChange=${toggle} data-test="reason-active" />
			${t('csat.reason_active')}</label></td>
		<td><button type="button" class="link" onClick=${() => setEditing(true)} data-test="reason-edit">${t('csat.reason_edit')}</button>
			<${ConfirmDelete} testid="reason" label=${t('csat.reason_delete', { name: reason.translations.en })}
				question=${t('csat.reason_delete_confirm', { name: reason.translations.en })} onConfirm=${remove} />
			<${Problem} id="reason-${reason.id}-problem" problem=${refusal(err)} /></td></tr>`;
}

export function CsatReasons() {
	const [res, error, reload] = useLoad(() => get(REASONS), []);
	const list = res ? res.reasons : [];
	return html`<${ErrorBanner} error=${error} />
		<p class="muted hours-top">${t('csat.reasons_hint')}</p>
		${res && !list.length ? html`<p data-test="reasons-empty">${t('csat.reasons_empty')}</p>` : html`
		<table class="list" data-test="reasons"><thead><tr><th>${t('csat.reason_name.en')}</th><th>${t('csat.reason_others')}</th>
			<th>${t('csat.reason_active')}</th><th><span class="sr-only">${t('admin.delete')}</span></th></tr></thead>
		<tbody>${list.map((x) => html`<${ReasonRow} key=${x.id} reason=${x} onChanged=${reload} />`)}</tbody></table>`}
		<${ReasonForm} onDone=${reload} />`;
}
