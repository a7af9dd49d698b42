// NPS (docs/nps.md): Admin → NPS surveys — make a survey (audience,
// cool-off, what a detractor's answer opens), preview its mail in each
// language, send it and watch it go out — and Reports → NPS: the score
// with its 95 % interval, the trend as an SVG chart (and the same figures
// as a table for screen readers), the breakdowns by tier, organization,
// channel, group and agent, what detractors said, and the closed loop.
import { html, useEffect, useState } from '../shared/html.js';
import { get, post } from '../shared/api.js';
import { t, formatNumber, formatDate, LOCALES, LOCALE_NAMES } from '../shared/i18n.js';
import { BarChart } from './charts.js';
import { Field } from './hours.js';
import { TierSelect } from './tiers.js';
import { ErrorBanner, Figures, toast, useLoad } from './ui.js';

const BASE = '/api/v2/nps';
const score = (v) => (v == null ? '—' : formatNumber(v));
// a breakdown row's name, the same in the chart and the table: a channel
// by its key in the reader's language
const rowName = (by, r) => (by === 'channel' && r.key ? t(`channel.${r.key}`) : r.name || t('nps.unknown'));

// ---- Admin → NPS surveys ----------------------------------------------------

const EMPTY = { name: '', audience: 'solved', audience_days: 30, organization_id: '', tier_id: null,
	cool_off_days: 90, on_detractor: 'ticket' };

function NewSurvey({ onMade }) {
	const [f, setF] = useState(EMPTY);
	const [err, setErr] = useState(null);
	const set = (k, num) => (e) => setF({ ...f, [k]: num ? Number(e.target.value) : e.target.value });
	const problem = (field) => (err && err.fields[field] ? { text: t('nps.err.field', { field: t(`nps.field.${field}`) }),
		detail: err.fields[field][0]?.description } : null);
	const submit = async (e) => {
		e.preventDefault();
		const body = { ...f, organization_id: f.audience === 'organization' ? Number(f.organization_id) || null : null,
			tier_id: f.audience === 'tier' ? f.tier_id : null };
		try {
			await post(`${BASE}/surveys`, { nps_survey: body });
			setErr(null);
			setF(EMPTY);
			toast(t('nps.made'));
			onMade();
		} catch (x) {
			setErr(x);
		}
	};
	return html`<form onSubmit=${submit} data-test="nps-new" class="stack">
		<h2>${t('nps.new')}</h2>
		<${Field} id="nps-name" label=${t('nps.field.name')} problem=${problem('name')}>${(a) =>
			html`<input ...${a} value=${f.name} onInput=${set('name')} maxlength="200" required data-test="nps-name" />`}</${Field}>
		<${Field} id="nps-audience" label=${t('nps.field.audience')} problem=${problem('audience')}>${(a) =>
			html`<select ...${a} value=${f.audience} onChange=${set('audience')} data-test="nps-audience">
				${['solved', 'organization', 'tier'].map((v) => html`<option value=${v}>${t(`nps.audience.${v}`)}</option>`)}</select>`}</${Field}>
		${f.audience === 'solved' && html`<${Field} id="nps-days" label=${t('nps.field.audience_days')} problem=${problem('audience_days')}>${(a) =>
			html`<input ...${a} type="number" min="1" max="366" value=${f.audience_days} onInput=${set('audience_days', 1)} data-test="nps-days" />`}</${Field}>`}
		${f.audience === 'organization' && html`<${Field} id="nps-org" label=${t('nps.field.organization_id')} problem=${problem('organization_id')}>${(a) =>
			html`<input ...${a} type="number" min="1" value=${f.organization_id} onInput=${set('organization_id')} data-test="nps-org" />`}</${Field}>`}
		${f.audience === 'tier' && html`<${Field} id="nps-tier" label=${t('nps.field.tier_id')} problem=${problem('tier_id')}>${(a) =>
			html`<${TierSelect} ...${a} value=${f.tier_id} onChange=${(v) => setF({ ...f, tier_id: v })} testid="nps-tier" />`}</${Field}>`}
		<${Field} id="nps-cool" label=${t('nps.field.cool_off_days')} hint=${t('nps.cool_hint')} problem=${problem('cool_off_days')}>${(a) =>
			html`<input ...${a} type="number" min="0" max="3650" value=${f.cool_off_days} onInput=${set('cool_off_days', 1)} data-test="nps-cool" />`}</${Field}>
		<${Field} id="nps-detractor" label=${t('nps.field.on_detractor')} problem=${problem('on_detractor')}>${(a) =>
			html`<select ...${a} value=${f.on_detractor} onChange=${set('on_detractor')} data-test="nps-detractor">
				${['none', 'ticket', 'task'].map((v) => html`<option value=${v}>${t(`nps.detractor.${v}`)}</option>`)}</select>`}</${Field}>
		${err && !Object.keys(err.fields).length && html`<${ErrorBanner} error=${err} />`}
		<div><button type="submit" class="primary" data-test="nps-create">${t('nps.create')}</button></div></form>`;
}

function Preview({ survey }) {
	const [lang, setLang] = useState('en');
	const [p, error] = useLoad(() => get(`${BASE}/surveys/${survey.id}/preview?locale=${lang}`).then((r) => r.preview), [survey.id, lang]);
	return html`<div data-test="nps-preview">
		<label for="nps-preview-lang">${t('language')}</label>
		<select id="nps-preview-lang" value=${lang} onChange=${(e) => setLang(e.target.value)}>
			${LOCALES.map((l) => html`<option value=${l}>${LOCALE_NAMES[l]}</option>`)}</select>
		<${ErrorBanner} error=${error} />
		${p && html`<p><strong>${p.subject}</strong></p><pre class="mail-preview" lang=${p.locale}>${p.body}</pre>`}</div>`;
}

export function NpsSurveys() {
	const [tick, setTick] = useState(0);
	const [list, error] = useLoad(() => get(`${BASE}/surveys`).then((r) => r.nps_surveys), [tick]);
	const [open, setOpen] = useState(null);
	// while one is going out, its progress every two seconds
	useEffect(() => {
		if (!list || !list.some((s) => s.status === 'sending'))
			return undefined;
		const id = setTimeout(() => setTick(tick + 1), 2000);
		return () => clearTimeout(id);
	}, [list, tick]);
	const send = async (s) => {
		try {
			await post(`${BASE}/surveys/${s.id}/send`);
			toast(t('nps.sending'));
			setTick(tick + 1);
		} catch (x) {
			toast(x.message, 'error');
		}
	};
	return html`<div data-test="nps-surveys">
		<p class="hint">${t('nps.intro')}</p>
		<${ErrorBanner} error=${error} />
		${list && (list.length ? html`<table class="list" data-test="nps-list"><thead><tr>
			<th>${t('nps.field.name')}</th><th>${t('nps.status')}</th><th>${t('nps.sent')}</th><th>${t('nps.answered')}</th>
			<th>${t('nps.skipped')}</th><th>NPS</th><th><span class="sr-only">${t('nps.actions')}</span></th></tr></thead>
			<tbody>${list.map((s) => html`<tr data-test="nps-survey" data-id=${s.id} data-status=${s.status}>
				<td>${s.name}</td><td>${t(`nps.status.${s.status}`)}</td><td>${s.counts.sent}</td><td>${s.counts.answered}</td>
				<td title=${t('nps.skipped_detail', s.counts)}>${s.counts.skipped_cool_off + s.counts.skipped_unsubscribed + s.counts.skipped_bouncing}</td>
				<td>${score(s.nps)}</td>
				<td><button type="button" onClick=${() => setOpen(open === s.id ? null : s.id)} aria-expanded=${open === s.id}
					data-test="nps-preview-open">${t('nps.preview')}</button>
					${s.status === 'draft' && html` <button type="button" class="primary" onClick=${() => send(s)} data-test="nps-send">${t('nps.send')}</button>`}</td></tr>`)}</tbody></table>`
			: html`<p data-test="nps-none">${t('nps.none')}</p>`)}
		${open && list && html`<${Preview} survey=${list.find((s) => s.id === open)} />`}
		<${NewSurvey} onMade=${() => setTick(tick + 1)} />
	</div>`;
}

// ---- Reports → NPS ----------------------------------------------------------

// The score a period, from −100 to 100, as points joined by a line, with
// the 95 % interval as a bar through each point.
function TrendChart({ trend }) {
	const h = 160, top = 10, bottom = 24, left = 40, step = Math.max(24, Math.min(64, Math.floor(640 / Math.max(1, trend.length))));
	const w = left + trend.length * step + 16;
	const y = (v) => top + (100 - v) / 200 * h;
	const pts = trend.filter((p) => p.nps != null);
	const x = (i) => left + i * step + step / 2;
	return html`<svg class="report-chart" role="img" data-test="nps-chart" width=${w} height=${top + h + bottom}
		viewBox="0 0 ${w} ${top + h + bottom}" aria-label=${t('nps.trend')}
		style="max-width: 100%; height: auto; font: inherit; font-size: 11px">
		${[-100, 0, 100].map((v) => html`<g><line x1=${left - 4} x2=${w} y1=${y(v)} y2=${y(v)} stroke=${v === 0 ? '#8a93a0' : '#d8dde4'} />
			<text x=${left - 6} y=${y(v) + 4} text-anchor="end">${v}</text></g>`)}
		${pts.length > 1 && html`<polyline fill="none" stroke="#1f5fbf" stroke-width="2"
			points=${trend.map((p, i) => (p.nps == null ? null : `${x(i)},${y(p.nps)}`)).filter(Boolean).join(' ')} />`}
		${trend.map((p, i) => html`<g data-test="nps-point" data-nps=${p.nps == null ? '' : String(p.nps)}>
			<title>${formatDate(p.period_start, { dateStyle: 'medium' })}: ${score(p.nps)} (${p.responses})</title>
			${p.nps != null && html`<line x1=${x(i)} x2=${x(i)} y1=${y(p.ci_high)} y2=${y(p.ci_low)} stroke="#9db7e0" stroke-width="6" />
				<circle cx=${x(i)} cy=${y(p.nps)} r="4" fill="#1f5fbf" />`}
			<text x=${x(i)} y=${top + h + 16} text-anchor="middle">${p.period_start.slice(5, 10)}</text></g>`)}</svg>`;
}

const Heads = () => html`<th>NPS</th><th>${t('nps.responses')}</th><th>${t('nps.promoters')}</th><th>${t('nps.passives')}</th>
	<th>${t('nps.detractors')}</th><th>${t('nps.interval')}</th>`;
const Cells = ({ r }) => html`<td>${score(r.nps)}</td><td>${r.responses}</td><td>${r.promoters}</td><td>${r.passives}</td>
	<td>${r.detractors}</td><td>${r.nps == null ? '—' : `${score(r.ci_low)} … ${score(r.ci_high)}`}</td>`;

const BYS = ['tier', 'organization', 'channel', 'group', 'agent'];
const KINDS = ['all', 'detractors', 'passives', 'promoters'];

// What customers said, of the kind chosen, a page at a time (the report's
// comments=&comments_offset=).
function Comments({ query }) {
	const [kind, setKind] = useState('all');
	const [items, setItems] = useState([]);
	const [next, setNext] = useState(null);
	const [error, setError] = useState(null);
	const load = (offset, keep) => get(`${BASE}/report?${query}&comments=${kind}&comments_offset=${offset}`)
		.then((r) => { setItems([...keep, ...r.nps_report.comments.items]); setNext(r.nps_report.comments.next_offset); setError(null); }, setError);
	useEffect(() => { load(0, []); }, [query, kind]);
	return html`<h2>${t('nps.comments')}</h2>
		<div class="row"><label for="nps-c-kind">${t('nps.comments_of')}</label>
			<select id="nps-c-kind" value=${kind} onChange=${(e) => setKind(e.target.value)} data-test="nps-c-kind">
				${KINDS.map((k) => html`<option value=${k}>${t(k === 'all' ? 'nps.comments_all' : `nps.${k}`)}</option>`)}</select></div>
		<${ErrorBanner} error=${error} />
		${items.length ? html`<ul class="stack" data-test="nps-comments">
			${items.map((c) => html`<li data-test="nps-comment"><strong>${c.score}</strong> — ${c.comment}
				<span class="hint"> ${c.user_name || ''}, ${formatDate(c.answered_at)}</span></li>`)}</ul>`
			: html`<p class="hint">${t('nps.no_comments')}</p>`}
		${next != null && html`<button type="button" onClick=${() => load(next, items)} data-test="nps-c-more">${t('report.more')}</button>`}`;
}

// The day after YYYY-MM-DD, for an end_time that takes in the To day.
const dayAfter = (d) => new Date(Date.parse(`${d}T00:00:00Z`) + 86400e3).toISOString();

export function NpsReport() {
	const [form, setForm] = useState({ survey: '', period: 'month', from: '', to: '' });
	const [asked, setAsked] = useState(form);
	const query = `period=${asked.period}${asked.survey ? `&survey_id=${asked.survey}` : ''}${
		asked.from ? `&start_time=${asked.from}T00:00:00Z` : ''}${asked.to ? `&end_time=${dayAfter(asked.to)}` : ''}`;
	const [rep, error] = useLoad(() => get(`${BASE}/report?${query}`).then((r) => r.nps_report), [query]);
	const [surveys] = useLoad(() => get(`${BASE}/surveys`).then((r) => r.nps_surveys, () => []), []);
	const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
	const s = rep && rep.score;
	return html`<section aria-labelledby="nps-title" data-test="nps-report">
		<h1 id="nps-title">${t('nps.report')}</h1>
		<form class="row" onSubmit=${(e) => { e.preventDefault(); setAsked(form); }}>
			${surveys && surveys.length > 0 && html`<label for="nps-r-survey">${t('nps.survey')}</label>
				<select id="nps-r-survey" value=${form.survey} onChange=${set('survey')} data-test="nps-r-survey">
					<option value="">${t('nps.all_surveys')}</option>
					${surveys.map((x) => html`<option value=${String(x.id)}>${x.name}</option>`)}</select>`}
			<label for="nps-r-period">${t('nps.period')}</label>
			<select id="nps-r-period" value=${form.period} onChange=${set('period')} data-test="nps-r-period">
				<option value="month">${t('nps.month')}</option><option value="week">${t('nps.week')}</option></select>
			<label for="nps-r-from">${t('report.from')}</label>
			<input id="nps-r-from" type="date" value=${form.from} onChange=${set('from')} data-test="nps-r-from" />
			<label for="nps-r-to">${t('report.to')}</label>
			<input id="nps-r-to" type="date" value=${form.to} onChange=${set('to')} data-test="nps-r-to" />
			<button type="submit" data-test="nps-r-show">${t('report.show')}</button>
			<a class="button" href="${BASE}/report?${query}&format=csv" download data-test="nps-csv">${t('report.csv')}</a></form>
		<${ErrorBanner} error=${error} />
		${s && html`
			<${Figures} testid="nps-score" items=${[
				['NPS', score(s.nps), 'nps-value'],
				[t('nps.interval'), s.nps == null ? '—' : `${score(s.ci_low)} … ${score(s.ci_high)}`, 'nps-interval'],
				[t('nps.responses'), `${s.responses} / ${s.asked}`, 'nps-responses'],
				[t('nps.promoters'), s.promoters],
				[t('nps.passives'), s.passives],
				[t('nps.detractors'), s.detractors]]} />
			${s.responses === 0 ? html`<p class="hint" data-test="nps-empty">${t('nps.empty')}</p>` : html`
				<h2>${t('nps.trend')}</h2>
				<${TrendChart} trend=${rep.trend} />
				<table class="list" data-test="nps-trend"><caption class="sr-only">${t('nps.trend')}</caption>
					<thead><tr><th>${t('nps.period')}</th><${Heads} /></tr></thead>
					<tbody>${rep.trend.map((p) => html`<tr><td>${formatDate(p.period_start, { dateStyle: 'medium' })}</td><${Cells} r=${p} /></tr>`)}</tbody></table>
				<h2>${t('nps.loop')}</h2>
				<${Figures} testid="nps-loop" items=${[
					[t('nps.loop.detractors'), rep.closed_loop.detractors],
					[t('nps.loop.followups'), rep.closed_loop.followups],
					[t('nps.loop.followups_failed'), rep.closed_loop.followups_failed, 'nps-followups-failed'],
					[t('nps.loop.contacted'), rep.closed_loop.contacted, 'nps-contacted'],
					[t('nps.loop.answered_next'), rep.closed_loop.answered_next],
					[t('nps.loop.improved'), rep.closed_loop.improved]]} />
				${BYS.map((b) => html`<h2>${t(`nps.by.${b}`)}</h2>
					<${BarChart} chart="nps-${b}" title="NPS — ${t(`nps.by.${b}`)}" rows=${rep.breakdowns[b]} name=${(r) => rowName(b, r)} value=${(r) => r.nps} domain=${[-100, 100]} label=${(r) => `${score(r.nps)} (${t('nps.responses')}: ${r.responses})`} />
					<table class="list" data-test="nps-by-${b}"><thead><tr><th>${t(`nps.by.${b}`)}</th><${Heads} /></tr></thead>
						<tbody>${rep.breakdowns[b].map((r) => html`<tr><td>${rowName(b, r)}</td><${Cells} r=${r} /></tr>`)}</tbody></table>`)}
				<${Comments} query=${query} />`}`}
	</section>`;
}
