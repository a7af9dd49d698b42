// The SLA what-if panel (POST /api/v2/slas/policies/simulate, docs/api.md):
// the form as it is now, replayed over the desk's last 90 days before it is
// saved — per metric the tickets that breached then and would breach now,
// compliance per group, channel and tier before → after, and the tickets
// whose outcome flips, each linking to its page. Mounted by the SLA policy
// editor (sla.js) and the business-hours schedule editor (hours.js) under
// their "What if?" button; nothing it does is saved.
import { html } from '../shared/html.js';
import { get, post } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { ErrorBanner, useLoad } from './ui.js';

const SIMULATE = '/api/v2/slas/policies/simulate';

// 0.9731 → "97.3 %"; null (nothing ended) → "—".
const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

function Change({ before, after, worse }) {
	const cls = after === before ? '' : worse ? 'whatif-worse' : 'whatif-better';
	return html`<td class=${cls}>${before} → ${after}</td>`;
}

function Shares({ kind, rows, groups }) {
	const name = (r) => (kind === 'channel' ? t(`channel.${r.id}`) : r.id === null ? t('whatif.none')
		: kind === 'group' && groups[r.id] ? groups[r.id] : `#${r.id}`);
	return html`<table class="list whatif-share" data-test=${`whatif-${kind}`}>
		<caption>${t(`whatif.by_${kind}`)}</caption>
		<thead><tr><th>${t(`whatif.${kind}`)}</th><th>${t('whatif.tickets')}</th><th>${t('whatif.compliance')}</th></tr></thead>
		<tbody>${rows.map((r) => html`<tr><td>${name(r)}</td><td>${r.tickets}</td>
			<${Change} before=${pct(r.before)} after=${pct(r.after)} worse=${(r.after ?? 1) < (r.before ?? 1)} /></tr>`)}</tbody></table>`;
}

function Result({ s, groups }) {
	const metrics = s.metrics.filter((m) => m.measured);
	return html`<p data-test="whatif-summary">${t('whatif.summary', { count: s.tickets, days: s.days })}</p>
		${metrics.length ? html`<table class="list whatif-metrics" data-test="whatif-metrics">
			<thead><tr><th>${t('sla.metric')}</th><th>${t('whatif.measured')}</th><th>${t('whatif.breached')}</th></tr></thead>
			<tbody>${metrics.map((m) => html`<tr data-test="whatif-metric" data-metric=${m.metric}>
				<th scope="row">${t(`sla.metric.${m.metric}`)}</th><td>${m.measured}</td>
				<${Change} before=${m.breached_before} after=${m.breached_after} worse=${m.breached_after > m.breached_before} /></tr>`)}</tbody>
			</table>` : html`<p>${t('whatif.nothing')}</p>`}
		${(s.no_promise_before || s.no_promise_after) ? html`<p class="muted">${t('whatif.no_promise',
			{ before: s.no_promise_before, after: s.no_promise_after })}</p>` : ''}
		<div class="whatif-shares">
			<${Shares} kind="group" rows=${s.compliance.group} groups=${groups} />
			<${Shares} kind="channel" rows=${s.compliance.channel} groups=${groups} />
			<${Shares} kind="tier" rows=${s.compliance.tier} groups=${groups} />
		</div>
		<h4>${t('whatif.flips', { count: s.flips_count })}</h4>
		${s.flips.length ? html`<ul class="whatif-flips" data-test="whatif-flips">${s.flips.map((f) => html`<li data-test="whatif-flip">
			<a href="/agent/tickets/${f.ticket_id}">#${f.ticket_id} ${f.subject}</a>${` — ${t(`sla.metric_lower.${f.metric}`)}: ${
				t(`whatif.outcome.${f.before}`)} → ${t(`whatif.outcome.${f.after}`)}`}</li>`)}</ul>
			${s.flips_count > s.flips.length ? html`<p class="muted">${t('whatif.more', { count: s.flips_count - s.flips.length })}</p>` : ''}`
		: ''}`;
}

// body: what the editor proposes ({sla_policy} or {schedule}); each new
// body is a new replay.
export function WhatIf({ body }) {
	const [res, error] = useLoad(() => post(SIMULATE, { ...body, days: 90 }), [body]);
	// the groups' names; a group the list does not give shows as its id
	const [list] = useLoad(() => get('/api/v2/groups').catch(() => ({ groups: [] })), []);
	const groups = Object.fromEntries(((list && list.groups) || []).map((g) => [g.id, g.name]));
	return html`<section class="panel whatif" aria-labelledby="whatif-title" aria-busy=${!res && !error ? 'true' : 'false'}
		data-test="whatif">
		<h3 id="whatif-title">${t('whatif.title')}</h3>
		<p class="hint">${t('whatif.hint')}</p>
		<${ErrorBanner} error=${error} />
		${!res && !error ? html`<p class="muted">${t('whatif.running')}</p>` : ''}
		${res && !error ? html`<${Result} s=${res.simulation} groups=${groups} />` : ''}
	</section>`;
}
