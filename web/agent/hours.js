// Admin → Business hours: the desk's schedules (GET/POST
// /api/v2/business_hours/schedules, docs/api.md), each with its name, time
// zone, working week (workweek.js turns the API's minutes from Sunday into
// days, Monday first) and holidays. What the server refuses is said next to
// the field in the admin's language, with the server's own sentence after it.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, currentLocale } from '../shared/i18n.js';
import { navigate, useRoute } from './router.js';
import { ErrorBanner, toast, useLoad } from './ui.js';
import { WhatIf } from './whatif.js';
import { WEEKDAYS, dayOf, hhmm, summary, toDays, toIntervals, toMinutes } from './workweek.js';

const BASE = '/api/v2/business_hours/schedules';

// Offered first; the browser's own list follows, and any IANA name the
// server knows may be typed.
const COMMON_ZONES = ['Europe/Kyiv', 'Europe/Vilnius', 'Europe/Warsaw', 'Europe/Riga', 'Europe/Tallinn',
	'Europe/Helsinki', 'Europe/Chisinau', 'Europe/Bucharest', 'Europe/Berlin', 'Europe/Paris', 'Europe/London',
	'Europe/Dublin', 'Europe/Istanbul', 'Asia/Tbilisi', 'Asia/Dubai', 'America/New_York', 'America/Chicago',
	'America/Denver', 'America/Los_Angeles', 'America/Toronto', 'Asia/Tokyo', 'Australia/Sydney', 'UTC'];

const zones = () => [...new Set([...COMMON_ZONES,
	...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [])])];

// A weekday's name in the admin's language: the API's day number (0 is
// Sunday; 6 December 2026 was one).
const dayName = (day, weekday = 'long') =>
	new Intl.DateTimeFormat(currentLocale(), { weekday, timeZone: 'UTC' }).format(Date.UTC(2026, 11, 6 + day));

// "Mon–Fri 09:00–18:00; Sat 10:00–14:00"
function weekText(intervals) {
	return summary(toDays(intervals)).map(({ first, last, hours }) =>
		`${dayName(first, 'short')}${first === last ? '' : `–${dayName(last, 'short')}`} ${hours.join(', ')}`).join('; ');
}

// Minutes of the week as "Fri 09:00–16:00".
const span = (start, end) => `${dayName(dayOf(start), 'short')} ${hhmm(start)}–${hhmm(end)}`;

// Our words for a sentence of schedule.c's: by the field, its error code
// and, where one code has several reasons, the sentence itself.
function explain(field, code, said) {
	const n = (said.match(/\d+/g) || []).map(Number);
	if (code === 'Blank')
		return t(`hours.err.${field}_blank`);
	if (field === 'time_zone')
		return t('hours.err.time_zone');
	if (field === 'intervals' && / overlaps /.test(said) && n.length === 4)
		return t('hours.err.overlap', { a: span(n[0], n[1]), b: span(n[2], n[3]) });
	if (field === 'start_date' || field === 'end_date') {
		if (/366 days/.test(said))
			return t('hours.err.holiday_days');
		if (/1970/.test(said))
			return t('hours.err.years');
		return t(/before the start/.test(said) ? 'hours.err.end_before' : 'hours.err.date');
	}
	if (code === 'TooLong')
		return t(`hours.err.${field}_long`);
	return t('hours.err.invalid');
}

// What a 422 said about field: {text, detail, day} (day: the API's day the
// first interval named starts on), or null.
function refusal(err, field) {
	const d = err && err.status === 422 && err.fields[field];
	if (!d)
		return null;
	const { error = '', description = '' } = d[0];
	const first = /(\d+) to \d+/.exec(description);
	return { text: explain(field, error, description), detail: description, day: first ? dayOf(Number(first[1])) : null };
}

// A refused field's message under it: ours, then the server's own words.
export function Problem({ id, problem }) {
	if (!problem)
		return null;
	return html`<p id=${id} class="error problem" role="alert" data-test="problem">${problem.text}${problem.detail
		? html` <span class="muted" lang="en" data-test="problem-detail">(${problem.detail})</span>` : ''}</p>`;
}

// err when it is about none of fields: not a 422 naming one of them.
const elsewhere = (err, fields) => (err && !fields.some((f) => refusal(err, f)) ? err : null);

// One input of a form, with its label and what the server said about it
// (problem: the form's refusal of this field, or null).
export function Field({ id, label, problem, hint, children }) {
	const described = [hint && `${id}-hint`, problem && `${id}-problem`].filter(Boolean).join(' ') || undefined;
	return html`<div class="field">
		<label for=${id}>${label}</label>
		${children({ id, 'aria-invalid': problem ? 'true' : undefined, 'aria-describedby': described })}
		${hint && html`<p id="${id}-hint" class="hint">${hint}</p>`}
		<${Problem} id="${id}-problem" problem=${problem} /></div>`;
}

function ZoneInput({ value, onInput, ...attrs }) {
	return html`<input ...${attrs} type="text" list="${attrs.id}-zones" value=${value} autocomplete="off" spellcheck="false"
		onInput=${(e) => onInput(e.target.value)} />
		<datalist id="${attrs.id}-zones">${zones().map((z) => html`<option value=${z} />`)}</datalist>`;
}

// A delete button that asks once more on the page: the question replaces
// it, with "Delete" (focused) and "Cancel"; Escape cancels.
export function ConfirmDelete({ question, label, onConfirm, testid }) {
	const [asking, setAsking] = useState(false);
	const yes = useRef(null), ask = useRef(null), was = useRef(false);
	useEffect(() => {
		if (asking)
			yes.current.focus();
		else if (was.current && ask.current)
			ask.current.focus();
		was.current = asking;
	}, [asking]);
	if (!asking)
		return html`<button type="button" class="danger" ref=${ask} aria-label=${label} data-test="${testid}-delete"
			onClick=${() => setAsking(true)}>${t('admin.delete')}</button>`;
	return html`<span class="confirm" role="group" aria-label=${label}
		onKeyDown=${(e) => e.key === 'Escape' && setAsking(false)}>${question}
		<button type="button" class="danger" ref=${yes} data-test="${testid}-delete-yes"
			onClick=${async () => (await onConfirm()) || setAsking(false)}>${t('admin.delete')}</button>
		<button type="button" onClick=${() => setAsking(false)}>${t('org.cancel')}</button></span>`;
}

function AddSchedule() {
	const [v, setV] = useState(() => ({ name: '', time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' }));
	const [err, setErr] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			const r = await post(BASE, { schedule: v });
			navigate(`/agent/admin/hours/${r.schedule.id}`);
		} catch (x) {
			setErr(x);
		}
	}
	return html`<form class="panel" onSubmit=${go} aria-labelledby="hours-add-title" data-test="schedule-add">
		<h2 id="hours-add-title">${t('hours.add')}</h2>
		<${ErrorBanner} error=${elsewhere(err, ['name', 'time_zone'])} />
		<div class="row hours-fields">
		<${Field} id="hours-new-name" label=${t('hours.name')} problem=${refusal(err, 'name')}>${(a) => html`<input ...${a}
			value=${v.name} onInput=${(e) => setV({ ...v, name: e.target.value })} />`}</${Field}>
		<${Field} id="hours-new-zone" label=${t('hours.time_zone')} problem=${refusal(err, 'time_zone')} hint=${t('hours.time_zone_hint')}>${(a) =>
			html`<${ZoneInput} ...${a} value=${v.time_zone} onInput=${(z) => setV({ ...v, time_zone: z })} />`}</${Field}>
		</div>
		<p class="hint">${t('hours.add_hint')}</p>
		<button class="primary" type="submit">${t('hours.create')}</button></form>`;
}

function List() {
	const [res, error, reload] = useLoad(() => get(BASE), []);
	const [refused, setRefused] = useState(null); // {id, err}: a delete the server refused
	const list = (res && res.schedules) || [];
	async function remove(s) {
		try {
			await del(`${BASE}/${s.id}`);
			setRefused(null);
			toast(t('hours.deleted'));
			reload();
			return true;
		} catch (err) {
			setRefused({ id: s.id, err });
			return false;
		}
	}
	// a schedule in use (SLA policies) is refused with 409 or 422
	const deleteProblem = (err) => ([409, 422].includes(err.status)
		? { text: t('hours.err.in_use'), detail: err.message } : { text: err.message });
	return html`<${ErrorBanner} error=${error} />
		<p class="muted hours-top">${t('hours.hint')}</p>
		${res && !list.length ? html`<p data-test="schedules-empty">${t('hours.empty')}</p>` : html`
		<table class="list hours"><thead><tr><th>${t('hours.name')}</th><th>${t('hours.time_zone')}</th>
			<th>${t('hours.week')}</th><th><span class="sr-only">${t('admin.delete')}</span></th></tr></thead>
		<tbody>${list.map((s) => html`<tr key=${s.id} data-test="schedule-row" data-id=${s.id}>
			<td><a href="/agent/admin/hours/${s.id}" data-test="schedule-name">${s.name}</a></td>
			<td data-test="schedule-zone">${s.time_zone}</td>
			<td data-test="schedule-week">${weekText(s.intervals)}</td>
			<td><${ConfirmDelete} testid="schedule" label=${t('hours.delete_label', { name: s.name })}
				question=${t('hours.delete_confirm', { name: s.name })} onConfirm=${() => remove(s)} />
				${refused && refused.id === s.id && html`<${Problem} problem=${deleteProblem(refused.err)} />`}</td>
		</tr>`)}</tbody></table>`}
		<${AddSchedule} />`;
}

// The name and the time zone (PUT …/{id}).
function Details({ s, onSaved }) {
	const [v, setV] = useState({ name: s.name, time_zone: s.time_zone });
	const [err, setErr] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			await put(`${BASE}/${s.id}`, { schedule: v });
			setErr(null);
			toast(t('ticket.saved'));
			onSaved();
		} catch (x) {
			setErr(x);
		}
	}
	return html`<form class="panel" onSubmit=${go} aria-labelledby="hours-details-title" data-test="schedule-details">
		<h2 id="hours-details-title">${t('hours.schedule')}</h2>
		<${ErrorBanner} error=${elsewhere(err, ['name', 'time_zone'])} />
		<div class="row hours-fields">
		<${Field} id="hours-name" label=${t('hours.name')} problem=${refusal(err, 'name')}>${(a) => html`<input ...${a}
			value=${v.name} onInput=${(e) => setV({ ...v, name: e.target.value })} />`}</${Field}>
		<${Field} id="hours-zone" label=${t('hours.time_zone')} problem=${refusal(err, 'time_zone')} hint=${t('hours.time_zone_hint')}>${(a) =>
			html`<${ZoneInput} ...${a} value=${v.time_zone} onInput=${(z) => setV({ ...v, time_zone: z })} />`}</${Field}>
		</div>
		<button class="primary" type="submit">${t('save')}</button></form>`;
}

// Days as the editor keeps them: open or closed, a closed day keeping its
// ranges should it open again.
const editable = (intervals) => toDays(intervals).map((ranges) =>
	({ open: ranges.length > 0, ranges: ranges.length ? ranges : [{ from: '09:00', to: '17:00' }] }));

// One day of the week: open or closed, its ranges, and what was refused.
function Day({ day, d, onChange, problem }) {
	const lower = dayName(day);
	const name = lower[0].toLocaleUpperCase(currentLocale()) + lower.slice(1);
	const set = (i, k, x) => onChange({ ...d, ranges: d.ranges.map((r, j) => (j === i ? { ...r, [k]: x } : r)) });
	const remove = (i) => onChange(d.ranges.length > 1 ? { ...d, ranges: d.ranges.filter((_, j) => j !== i) } : { ...d, open: false });
	const last = d.ranges[d.ranges.length - 1];
	const next = () => onChange({ ...d, ranges: [...d.ranges, { from: last.to, to: last.to }] });
	return html`<fieldset class="day" data-test="day" data-day=${day} aria-describedby=${problem ? `day-${day}-problem` : undefined}>
		<legend>${name}</legend>
		<label class="inline"><input type="checkbox" checked=${d.open} data-test="day-open"
			onChange=${(e) => onChange({ ...d, open: e.target.checked })} /> ${t('hours.open')}</label>
		${d.open ? html`<div class="ranges">${d.ranges.map((r, i) => html`<span class="range" data-test="range">
			<input type="time" value=${r.from} aria-label=${t('hours.from_label', { day: name, n: i + 1 })} data-test="from"
				aria-invalid=${problem ? 'true' : undefined} onInput=${(e) => set(i, 'from', e.target.value)} />
			<span aria-hidden="true">–</span>
			<input type="time" value=${r.to} aria-label=${t('hours.until_label', { day: name, n: i + 1 })} data-test="to"
				aria-invalid=${problem ? 'true' : undefined} onInput=${(e) => set(i, 'to', e.target.value)} />
			${toMinutes(r.to) <= toMinutes(r.from) && html`<span class="hint">${t('hours.next_day')}</span>`}
			<button type="button" class="link" aria-label=${t('hours.remove_range', { day: name, range: `${r.from}–${r.to}` })}
				data-test="remove-range" onClick=${() => remove(i)}>✕</button></span>`)}
			<button type="button" class="link" aria-label=${t('hours.add_range_label', { day: name })} data-test="add-range"
				onClick=${next}>+ ${t('hours.add_range')}</button></div>`
		: html`<span class="muted">${t('hours.closed')}</span>`}
		<${Problem} id="day-${day}-problem" problem=${problem} />
	</fieldset>`;
}

// The working week (PUT …/{id}/workweek), Monday first.
function Week({ s, onSaved }) {
	const [days, setDays] = useState(() => editable(s.intervals));
	const [problem, setProblem] = useState(null); // {text, detail, day}
	const [err, setErr] = useState(null); // what was not about the intervals
	const [whatIf, setWhatIf] = useState(null); // the week as typed, replayed
	function probe() {
		try {
			const intervals = toIntervals(days.map((d) => (d.open ? d.ranges : [])));
			setProblem(null);
			setWhatIf({ schedule: { id: s.id, intervals } });
		} catch (bad) {
			setProblem({ text: t('hours.err.time'), day: bad.day });
		}
	}
	async function go(e) {
		e.preventDefault();
		let intervals;
		try {
			intervals = toIntervals(days.map((d) => (d.open ? d.ranges : [])));
		} catch (bad) {
			setProblem({ text: t('hours.err.time'), day: bad.day });
			return;
		}
		try {
			const r = await put(`${BASE}/${s.id}/workweek`, { workweek: { intervals } });
			setDays(editable(r.workweek.intervals));
			setProblem(null);
			setErr(null);
			toast(t('ticket.saved'));
			onSaved();
		} catch (x) {
			setProblem(refusal(x, 'intervals'));
			setErr(elsewhere(x, ['intervals']));
		}
	}
	const onDay = problem && problem.day !== null && days[problem.day].open ? problem.day : null;
	return html`<form class="panel week" onSubmit=${go} aria-labelledby="hours-week-title" data-test="week">
		<h2 id="hours-week-title">${t('hours.week')}</h2>
		<p class="hint">${t('hours.week_hint', { zone: s.time_zone })}</p>
		<${ErrorBanner} error=${err} />
		${onDay === null && html`<${Problem} id="week-problem" problem=${problem} />`}
		${WEEKDAYS.map((day) => html`<${Day} key=${day} day=${day} d=${days[day]} problem=${onDay === day ? problem : null}
			onChange=${(d) => setDays(days.map((x, i) => (i === day ? d : x)))} />`)}
		<div class="row"><button class="primary" type="submit" data-test="week-save">${t('hours.save_week')}</button>
			<button type="button" data-test="week-whatif" onClick=${probe}>${t('whatif.button')}</button></div>
		${whatIf && html`<${WhatIf} body=${whatIf} />`}</form>`;
}

const dayDate = (iso) => new Date(`${iso}T00:00:00Z`);

// "25 Dec 2026", or "29 Dec 2026 – 2 Jan 2027 (5 days)", in the admin's language.
function dates(h) {
	const f = new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeZone: 'UTC' });
	if (h.start_date === h.end_date)
		return f.format(dayDate(h.start_date));
	const n = Math.round((dayDate(h.end_date) - dayDate(h.start_date)) / 86400000) + 1;
	return `${f.formatRange(dayDate(h.start_date), dayDate(h.end_date))} (${t('hours.days', { count: n })})`;
}

// A holiday's name and dates; an empty last day is the first.
function HolidayForm({ id, h, onSubmit, onCancel, submit, title }) {
	const [v, setV] = useState(() => ({ name: h ? h.name : '', start_date: h ? h.start_date : '', end_date: h ? h.end_date : '' }));
	const [err, setErr] = useState(null);
	async function go(e) {
		e.preventDefault();
		try {
			await onSubmit({ ...v, end_date: v.end_date || v.start_date });
			setErr(null);
			if (!h)
				setV({ name: '', start_date: '', end_date: '' });
		} catch (x) {
			setErr(x);
		}
	}
	const input = (k, type) => (a) => html`<input ...${a} type=${type} value=${v[k]} onInput=${(e) => setV({ ...v, [k]: e.target.value })} />`;
	return html`<form class=${h ? 'holiday-edit' : 'holiday-add'} onSubmit=${go} aria-label=${title} data-test="holiday-form">
		${!h && html`<h3>${title}</h3>`}
		<${ErrorBanner} error=${elsewhere(err, ['name', 'start_date', 'end_date'])} />
		<div class="row hours-fields">
		<${Field} id="${id}-name" label=${t('hours.holiday_name')} problem=${refusal(err, 'name')}>${input('name', 'text')}</${Field}>
		<${Field} id="${id}-start" label=${t('hours.start_date')} problem=${refusal(err, 'start_date')}>${input('start_date', 'date')}</${Field}>
		<${Field} id="${id}-end" label=${t('hours.end_date')} problem=${refusal(err, 'end_date')} hint=${t('hours.end_date_hint')}>${input('end_date', 'date')}</${Field}>
		</div>
		<div class="row"><button class="primary" type="submit">${submit}</button>
			${onCancel && html`<button type="button" onClick=${onCancel}>${t('org.cancel')}</button>`}</div></form>`;
}

function Holidays({ id }) {
	const [res, error, reload] = useLoad(() => get(`${BASE}/${id}/holidays`), [id]);
	const [editing, setEditing] = useState(null);
	const [err, setErr] = useState(null);
	const list = (res && res.holidays) || [];
	const path = (h) => `${BASE}/${id}/holidays/${h.id}`;
	async function remove(h) {
		try {
			await del(path(h));
			setErr(null);
			reload();
			return true;
		} catch (x) {
			setErr(x);
			return false;
		}
	}
	return html`<section class="panel" aria-labelledby="hours-holidays-title" data-test="holidays">
		<h2 id="hours-holidays-title">${t('hours.holidays')}</h2>
		<p class="hint">${t('hours.holidays_hint')}</p>
		<${ErrorBanner} error=${error || err} />
		${res && !list.length ? html`<p data-test="holidays-empty">${t('hours.holidays_empty')}</p>` : html`
		<table class="list hours"><thead><tr><th>${t('hours.holiday_name')}</th><th>${t('hours.dates')}</th>
			<th><span class="sr-only">${t('hours.edit')}</span></th></tr></thead>
		<tbody>${list.map((h) => (editing === h.id
			? html`<tr key=${h.id}><td colspan="3"><${HolidayForm} id="holiday-${h.id}" h=${h} title=${t('hours.edit_holiday', { name: h.name })}
				submit=${t('save')} onCancel=${() => setEditing(null)} onSubmit=${async (v) => {
					await put(path(h), { holiday: v });
					setEditing(null);
					toast(t('ticket.saved'));
					reload();
				}} /></td></tr>`
			: html`<tr key=${h.id} data-test="holiday-row" data-id=${h.id}>
				<td data-test="holiday-name">${h.name}</td><td data-test="holiday-dates">${dates(h)}</td>
				<td><div class="row"><button type="button" aria-label=${t('hours.edit_holiday', { name: h.name })} data-test="holiday-edit"
					onClick=${() => setEditing(h.id)}>${t('hours.edit')}</button>
				<${ConfirmDelete} testid="holiday" label=${t('hours.delete_holiday', { name: h.name })}
					question=${t('hours.delete_holiday_confirm', { name: h.name })} onConfirm=${() => remove(h)} /></div></td></tr>`))}
		</tbody></table>`}
		<${HolidayForm} id="holiday-new" title=${t('hours.add_holiday')} submit=${t('admin.add')} onSubmit=${async (v) => {
			await post(`${BASE}/${id}/holidays`, { holiday: v });
			reload();
		}} /></section>`;
}

function Editor({ id }) {
	const [res, error, reload] = useLoad(() => get(`${BASE}/${id}`), [id]);
	const s = res && res.schedule;
	return html`<p class="hours-top"><a href="/agent/admin/hours">← ${t('hours.back')}</a></p>
		<${ErrorBanner} error=${error} />
		${s && html`<h2 data-test="schedule-title">${s.name}</h2>
			<p class="muted" data-test="schedule-summary">${s.time_zone} · ${weekText(s.intervals)}</p>
			<div class="hours-editor">
				<${Week} s=${s} onSaved=${reload} />
				<div><${Details} s=${s} onSaved=${reload} /><${Holidays} id=${id} /></div>
			</div>`}`;
}

export function Hours() {
	const id = useRoute().parts[2];
	return /^\d+$/.test(id || '') ? html`<${Editor} key=${id} id=${Number(id)} />` : html`<${List} />`;
}
