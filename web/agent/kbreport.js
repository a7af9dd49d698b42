// Reports → Self service (docs/kb.md "Self-service"): how often the
// contact form's suggested articles answered a customer without a ticket.
// The deflection rate over the days of a period as bars drawn here in SVG
// (a day without suggestions has no bar and says so), the totals and each
// language's, the articles that deflect most, and the searches that failed
// (GET /api/v2/help_center/reports/searches: what customers looked for and
// did not find or did not open) — what the knowledge base should answer next.
import { html, useState } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t, formatNumber, formatDate, LOCALES, LOCALE_NAMES } from '../shared/i18n.js';
import { ErrorBanner, Figures, useLoad } from './ui.js';

const HC = '/api/v2/help_center';
const DAY = 86400_000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const percent = (v) => (v == null ? '—' : `${formatNumber(Math.round(v * 1000) / 10)} %`);

// One bar a day, its height the rate; the rate and counts in words on each.
function RateChart({ days }) {
	const h = 140, top = 10, bottom = 24, left = 44, step = Math.max(6, Math.min(28, Math.floor(640 / Math.max(1, days.length))));
	const w = left + days.length * step + 8;
	const y = (v) => top + h - v * h;
	return html`<svg class="report-chart" role="img" data-test="kbr-chart" width=${w} height=${top + h + bottom}
		viewBox="0 0 ${w} ${top + h + bottom}" aria-label=${t('kbr.chart_label')}
		style="max-width: 100%; height: auto; font: inherit; font-size: 11px">
		${[0, 0.5, 1].map((v) => html`<g><line x1=${left - 4} x2=${w} y1=${y(v)} y2=${y(v)} stroke="#d8dde4" />
			<text x=${left - 6} y=${y(v) + 4} text-anchor="end">${percent(v)}</text></g>`)}
		${days.map((d, i) => {
			const x = left + i * step;
			const label = `${formatDate(`${d.date}T12:00:00Z`, { dateStyle: 'medium' })}: ${d.rate == null ? t('kbr.no_rate')
				: `${percent(d.rate)} (${t('kbr.of', { deflected: d.deflected, shown: d.shown })})`}`;
			return html`<g data-test="kbr-day" data-date=${d.date} data-rate=${d.rate == null ? '' : String(d.rate)}>
				<title>${label}</title>
				${d.rate == null
					? html`<rect x=${x + 1} y=${y(0) - 2} width=${step - 2} height="2" fill="#c4cad3" />`
					: html`<rect x=${x + 1} y=${y(d.rate)} width=${step - 2} height=${Math.max(1, d.rate * h)} fill="#1f5fbf" />`}
				${(i === 0 || i === days.length - 1) && html`<text x=${x} y=${top + h + 16}>${d.date.slice(5)}</text>`}
			</g>`;
		})}</svg>`;
}

const Totals = ({ rep }) => html`<${Figures} testid="kbr-totals" items=${[
	[t('kbr.rate'), percent(rep.rate), 'kbr-rate'],
	[t('kbr.shown'), formatNumber(rep.shown), 'kbr-shown'],
	[t('kbr.deflected'), formatNumber(rep.deflected), 'kbr-deflected'],
	[t('kbr.submitted'), formatNumber(rep.submitted), 'kbr-submitted']]} />`;

const Counts = ({ r }) => html`<td>${r.shown}</td><td>${r.deflected}</td><td>${r.submitted}</td><td>${percent(r.rate)}</td>`;
const CountHeads = () => html`<th>${t('kbr.shown')}</th><th>${t('kbr.deflected')}</th><th>${t('kbr.submitted')}</th><th>${t('kbr.rate')}</th>`;

function Searches({ list }) {
	if (!list.length)
		return html`<p data-test="kbr-no-searches">${t('kbr.no_searches')}</p>`;
	return html`<table class="list" data-test="kbr-searches"><thead><tr>
		<th>${t('kbr.query')}</th><th>${t('kbr.locale')}</th><th>${t('kbr.searches_count')}</th>
		<th>${t('kbr.no_result')}</th><th>${t('kbr.no_click')}</th></tr></thead>
		<tbody>${list.map((s) => html`<tr data-test="kbr-search">
			<td>${s.query}</td><td>${LOCALE_NAMES[s.locale] || s.locale}</td><td>${s.searches}</td>
			<td>${s.no_result}</td><td>${s.no_click}</td></tr>`)}</tbody></table>`;
}

export function KbReport() {
	const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
	const [form, setForm] = useState({ from: iso(today - 29 * DAY), to: iso(today), locale: '' });
	const [asked, setAsked] = useState(form);
	const lq = asked.locale ? `&locale=${asked.locale}` : '';
	const end = iso(Date.parse(`${asked.to}T00:00:00Z`) + DAY);
	const [rep, error] = useLoad(() => Promise.all([
		get(`${HC}/reports/deflection?start=${asked.from}&end=${asked.to}${lq}`).then((r) => r.deflection_report),
		get(`${HC}/reports/searches?start_time=${asked.from}&end_time=${end}${lq}`).then((r) => r.searches),
	]), [asked.from, asked.to, asked.locale]);
	const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
	const [d, searches] = rep || [];
	return html`<section aria-labelledby="kbr-title" data-test="kb-report">
		<h1 id="kbr-title">${t('kbr.title')}</h1>
		<form class="row" onSubmit=${(e) => { e.preventDefault(); setAsked(form); }}>
			<label for="kbr-from">${t('report.from')}</label>
			<input id="kbr-from" type="date" value=${form.from} max=${form.to} onInput=${set('from')} data-test="kbr-from" />
			<label for="kbr-to">${t('report.to')}</label>
			<input id="kbr-to" type="date" value=${form.to} min=${form.from} onInput=${set('to')} data-test="kbr-to" />
			<label for="kbr-locale">${t('kbr.locale')}</label>
			<select id="kbr-locale" value=${form.locale} onChange=${set('locale')} data-test="kbr-locale">
				<option value="">${t('kbr.all')}</option>
				${LOCALES.map((l) => html`<option value=${l}>${LOCALE_NAMES[l]}</option>`)}</select>
			<button type="submit" data-test="kbr-show">${t('report.show')}</button></form>
		<${ErrorBanner} error=${error} />
		${d && html`
			<${Totals} rep=${d} />
			${d.shown === 0 ? html`<p class="hint" data-test="kbr-empty">${t('kbr.empty')}</p>` : html`
				<h2>${t('kbr.chart_label')}</h2>
				<${RateChart} days=${d.by_day} />
				<h2>${t('kbr.by_locale')}</h2>
				<table class="list" data-test="kbr-locales"><thead><tr><th>${t('kbr.locale')}</th><${CountHeads} /></tr></thead>
					<tbody>${d.by_locale.map((l) => html`<tr data-test="kbr-locale-row" data-locale=${l.locale}>
						<td>${LOCALE_NAMES[l.locale] || l.locale}</td><${Counts} r=${l} /></tr>`)}</tbody></table>`}
			<h2>${t('kbr.articles')}</h2>
			${d.by_article.length ? html`<table class="list" data-test="kbr-articles"><thead><tr><th>${t('kbr.article')}</th><${CountHeads} /></tr></thead>
				<tbody>${d.by_article.slice(0, 20).map((a) => html`<tr data-test="kbr-article" data-id=${a.article_id}>
					<td>${a.title || `#${a.article_id}`}</td><${Counts} r=${a} /></tr>`)}</tbody></table>`
				: html`<p class="hint">${t('kbr.no_articles')}</p>`}
			<h2>${t('kbr.searches')}</h2>
			<p class="hint">${t('kbr.searches_hint')}</p>
			<${Searches} list=${searches} />`}
	</section>`;
}
