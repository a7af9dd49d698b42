// Live SLA clocks: a ticket's promises (include=slas, docs/api.md) as clocks
// that count every second — on the ticket page (SlaPanel) and as the list's
// "Next breach" column (NextBreach). Time is the server's: every answer
// read here sets the offset between its Date header and this browser's
// clock, so that a browser set five minutes wrong still turns red when the
// server says the target is missed.
import { html, useEffect, useState } from '../shared/html.js';
import { api, ApiError, neutralize } from '../shared/api.js';
import { t, formatDate } from '../shared/i18n.js';
import { duration } from './sla.js';

// The server's clock minus this browser's, in ms, from the last answer.
let offset = 0;
export const serverNow = () => Date.now() + offset;

// GET path as api.js does, also taking the server's time from the answer's
// Date header (whole seconds: half a second is added, the middle of the
// second it names).
export async function getTimed(path) {
	const res = await api('GET', path, undefined, { raw: true });
	const received = Date.now();
	let data = null;
	try {
		data = neutralize(await res.json());
	} catch {
		data = null;
	}
	if (!res.ok)
		throw new ApiError(res.status, data);
	const date = Date.parse(res.headers.get('Date') || '');
	if (Number.isFinite(date))
		offset = date + 500 - received;
	return data;
}

// The policies (a desk keeps at most 200), read again after a minute:
// they give each metric its target and the policy its warning_minutes.
const POLICY_AGE = 60000;
let policies = null;
export function loadPolicies() {
	if (!policies || Date.now() - policies.at > POLICY_AGE) {
		const p = api('GET', '/api/v2/slas/policies')
			.then((r) => new Map(r.sla_policies.map((x) => [x.id, x])));
		policies = { at: Date.now(), p };
		p.catch(() => { policies = null; });
	}
	return policies.p;
}

// One timer per period for every clock on the page: each one that shows
// re-renders on it, the timer stops when the last one goes.
const tickers = new Map(); // period → { timer, fns }
export function useNow(period = 1000) {
	const [, setTick] = useState(0);
	useEffect(() => {
		let k = tickers.get(period);
		if (!k) {
			k = { fns: new Set() };
			k.timer = setInterval(() => k.fns.forEach((fn) => fn()), period);
			tickers.set(period, k);
		}
		const fn = () => setTick((n) => n + 1);
		k.fns.add(fn);
		return () => {
			k.fns.delete(fn);
			if (!k.fns.size) {
				clearInterval(k.timer);
				tickers.delete(period);
			}
		};
	}, [period]);
	return serverNow();
}

// The seconds the API's days, hours and minutes say (the same sign, whole
// minutes rounded away from zero).
const said = (m) => ((m.days || 0) * 1440 + (m.hours || 0) * 60 + (m.minutes || 0)) * 60;

// One metric at `now` (server ms), read at `read` (server ms):
//   { state: 'ok' | 'warning' | 'breached' | 'paused' | 'met',
//     left: seconds (negative: overdue), running: whether it counts now,
//     target: minutes or null, warn: seconds before the breach it warns }
// A calendar target counts from breach_at, to the second. A business-hours
// target's time left is counted in the schedule's hours, which the page
// does not know: it is the server's figure, read again every minute and at
// breach_at. A breached metric still counts up while it runs: its overdue
// time then matches breach_at (a stopped one, met late or paused, does
// not), which is how the page tells the two apart.
export function judge(m, policy, priority, now, read) {
	const pm = policy && (policy.policy_metrics || []).find((x) => x.priority === priority && x.metric === m.metric);
	const target = pm ? pm.target : null;
	const warn = policy && policy.warning_minutes > 0 ? policy.warning_minutes * 60
		: target ? Math.ceil(target * 60 / 4) : 0;
	const at = m.breach_at ? Date.parse(m.breach_at) : null;
	const base = { target, warn, business: !!m.business_hours, breach_at: m.breach_at };
	if (m.stage === 'achieved')
		return { ...base, state: 'met', left: said(m), running: false };
	if (m.stage === 'paused')
		return { ...base, state: 'paused', left: said(m), running: false };
	if (m.stage === 'breached') {
		const running = !m.business_hours && at !== null && Math.abs(-said(m) - (read - at) / 1000) < 61;
		return { ...base, state: 'breached', left: running ? Math.min(0, (at - now) / 1000) : said(m), running };
	}
	// active
	const left = m.business_hours || at === null ? said(m) : (at - now) / 1000;
	const passed = at !== null && now >= at;
	const state = passed || left <= 0 ? 'breached' : warn && left <= warn ? 'warning' : 'ok';
	return { ...base, state, left: passed ? Math.min(0, (at - now) / 1000) : left, running: !m.business_hours };
}

// Seconds as a clock: 0:42, 12:05, 1:02:03, 2 d 1:02:03 (precise), or to
// the minute for the list: 42 min, 1 h 2 min, 2 d 1 h.
const pad = (n) => String(n).padStart(2, '0');
export function clockText(seconds, precise = true) {
	const s = Math.floor(Math.abs(seconds));
	const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
	if (!precise) {
		if (d)
			return [t('clock.days_short', { count: d }), h && t('sla.hours_short', { count: h })].filter(Boolean).join(' ');
		return duration(Math.max(1, Math.ceil(s / 60))) || t('sla.minutes_short', { count: 0 });
	}
	const hms = h || d ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
	return d ? `${t('clock.days_short', { count: d })} ${hms}` : hms;
}

// The words that go with the colour (colour is never the only sign).
const ICON = { ok: '◷', warning: '⚠', breached: '⛔', paused: '⏸', met: '✓' };
function says(j, precise) {
	const time = clockText(j.left, precise);
	if (j.state === 'met')
		return t('clock.met');
	if (j.state === 'paused')
		return t('clock.paused');
	if (j.state === 'breached')
		return t('clock.overdue', { time });
	return t(j.state === 'warning' ? 'clock.soon' : 'clock.left', { time });
}

// The ticket page's SLA block: each measured metric, its target and its
// clock. Read again when the ticket changes (its updated_stamp: a reply,
// a status, a priority), at the soonest breach, and every minute while a
// business-hours clock runs.
export function SlaPanel({ ticket }) {
	const [sla, setSla] = useState(null);
	const [policy, setPolicy] = useState(null);
	const [again, setAgain] = useState(0);
	const [log, setLog] = useState([]);
	const now = useNow(1000);
	useEffect(() => {
		let live = true;
		getTimed(`/api/v2/tickets/${ticket.id}/sla_events`).then((r) => {
			if (live)
				setLog(r.sla_events);
		}, () => { /* the history stays as it was */ });
		getTimed(`/api/v2/tickets/${ticket.id}?include=slas`).then(async (r) => {
			const s = r.ticket.slas || { policy_metrics: [] };
			const p = s.policy ? (await loadPolicies().catch(() => new Map())).get(s.policy.id) : null;
			if (live) {
				setSla({ ...s, read: serverNow(), priority: r.ticket.priority });
				setPolicy(p || null);
			}
		}, () => { /* the block stays as it was */ });
		return () => {
			live = false;
		};
	}, [ticket.id, ticket.updated_stamp, again]);
	// when to read again: the soonest breach, and each minute for business hours
	useEffect(() => {
		if (!sla)
			return undefined;
		const active = sla.policy_metrics.filter((m) => m.stage === 'active' || (m.stage === 'breached' && m.business_hours));
		const soonest = Math.min(...active.filter((m) => m.breach_at && !m.business_hours)
			.map((m) => Date.parse(m.breach_at)).filter((at) => at > sla.read));
		let wait = Number.isFinite(soonest) ? soonest - serverNow() + 1000 : Infinity;
		if (active.some((m) => m.business_hours))
			wait = Math.min(wait, 60000);
		if (!Number.isFinite(wait))
			return undefined;
		const timer = setTimeout(() => setAgain((n) => n + 1), Math.max(1000, Math.min(wait, 2 ** 31 - 1)));
		return () => clearTimeout(timer);
	}, [sla]);
	if (!sla || !sla.policy_metrics.length)
		return null;
	return html`<section class="panel sla-clocks" aria-labelledby="sla-title" data-test="sla-clocks">
		<h2 id="sla-title">${t('clock.title')}</h2>
		${sla.policy && html`<p class="hint" data-test="sla-policy">${sla.policy.title}</p>`}
		<ul class="clocks">
			${sla.policy_metrics.map((m) => {
				const j = judge(m, policy, sla.priority, now, sla.read);
				const name = t(`sla.metric.${m.metric}`);
				const text = says(j, true);
				return html`<li key=${m.metric} class=${`clock ${j.state}`} data-test="sla-clock" data-metric=${m.metric} data-state=${j.state}>
					<div class="row"><span class="clock-name">${name}</span><span class="spacer"></span>
						<span class="clock-time" role="timer" aria-label=${`${name}: ${text}`} data-test="sla-clock-text">
							<span aria-hidden="true">${ICON[j.state]} </span>${text}</span></div>
					<div class="hint" data-test="sla-clock-detail">${detail(j)}</div>
				</li>`;
			})}
		</ul>
		<${History} log=${log} />
	</section>`;
}

// The ticket's SLA log (GET /api/v2/tickets/{id}/sla_events), newest
// first: the policy chosen for it and each warning, breach and target met,
// as they happened — what the clock showed, kept.
function History({ log }) {
	if (!log.length)
		return null;
	const line = (e) => e.kind === 'policy'
		? t(e.policy_id ? 'clock.log.policy' : 'clock.log.no_policy')
		: t(`clock.log.${e.kind}`, { metric: t(`sla.metric.${e.metric}`) });
	return html`<details class="sla-history" data-test="sla-history">
		<summary>${t('clock.log.title', { count: log.length })}</summary>
		<ol>${[...log].reverse().map((e) => html`<li key=${e.id} data-test="sla-event" data-kind=${e.kind}>
			<time datetime=${e.at}>${formatDate(e.at)}</time> — ${line(e)}</li>`)}</ol>
	</details>`;
}

// The line under a clock: its target and when it falls due (or what it
// did: met with time to spare).
function detail(j) {
	const parts = [];
	if (j.target)
		parts.push(t('clock.target', { time: duration(j.target) }));
	if (j.business)
		parts.push(t('sla.business_hours'));
	if (j.state === 'met')
		parts.push(t('clock.met_spare', { time: clockText(j.left, false) }));
	else if (j.state === 'paused')
		parts.push(t('clock.paused_left', { time: clockText(j.left, false) }));
	else if (j.breach_at)
		parts.push(t(j.state === 'breached' ? 'clock.breached_at' : 'clock.due', { at: formatDate(j.breach_at) }));
	return parts.join(' · ');
}

// The soonest clock of a listed ticket (its slas from include=slas): the
// active or running breached metric with the earliest breach_at, else
// none. policies: the Map of loadPolicies.
export function NextBreach({ ticket, policies: known }) {
	const now = useNow(1000);
	const list = ((ticket.slas || {}).policy_metrics || []).filter((m) => m.breach_at && (m.stage === 'active' || m.stage === 'breached'));
	if (!list.length)
		return html`<span class="muted" data-test="next-breach" data-state="none">—</span>`;
	const m = list.reduce((a, b) => (Date.parse(b.breach_at) < Date.parse(a.breach_at) ? b : a));
	const policy = known && ticket.slas.policy ? known.get(ticket.slas.policy.id) : null;
	const j = judge(m, policy, ticket.priority, now, ticket.slas.read || now);
	const text = says(j, false);
	const name = t(`sla.metric.${m.metric}`);
	return html`<span class=${`clock ${j.state}`} data-test="next-breach" data-state=${j.state} data-metric=${m.metric}
		title=${`${name}: ${text} (${formatDate(m.breach_at)})`} aria-label=${`${name}: ${text}`}>
		<span aria-hidden="true">${ICON[j.state]} </span>${text}</span>`;
}
