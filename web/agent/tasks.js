// Follow-up tasks (docs/tasks.md, /api/v2/tasks): the Tasks panel on the
// ticket page (add with title, owner and due time; done and undone; edit;
// delete), the "My tasks" page (overdue, due within a day, upcoming), the
// navigation's count of my tasks overdue or due, a notice when a task of
// mine falls due (the live task.due), and the check-in setting in Admin.
import { html, useEffect, useState } from '../shared/html.js';
import { get, post, put, del } from '../shared/api.js';
import { t, formatDate, formatNumber } from '../shared/i18n.js';
import { state, userName } from './data.js';
import { ConfirmDelete, Problem } from './hours.js';
import { useLive } from './live.js';
import { ErrorBanner, toast, useLoad } from './ui.js';

// "2026-12-10T09:00" (a datetime-local input, the browser's zone) and back.
function localInput(iso) {
	if (!iso)
		return '';
	const d = new Date(iso);
	const pad = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromInput = (v) => (v ? new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

// What a 422 said about the field, or null.
function refusal(err, field) {
	const d = err && err.status === 422 && err.fields && err.fields[field];
	return d ? d[0].description : null;
}

// Adding a task (task null) or changing one; onDone(saved) after a save
// or a cancel.
function TaskForm({ ticketId, task, onDone }) {
	const [v, setV] = useState(() => ({ title: task ? task.title : '', owner_id: task ? task.owner_id : state.me.id,
		due: task ? localInput(task.due_at) : '', notes: task ? task.notes : '' }));
	const [err, setErr] = useState(null);
	const id = `task-${task ? task.id : 'new'}`;
	async function go(e) {
		e.preventDefault();
		const body = { task: { title: v.title, owner_id: Number(v.owner_id), due_at: fromInput(v.due), notes: v.notes } };
		try {
			if (task)
				await put(`/api/v2/tasks/${task.id}`, body);
			else
				await post(`/api/v2/tickets/${ticketId}/tasks`, body);
			setErr(null);
			if (!task) // ready for the next one
				setV({ ...v, title: '', due: '', notes: '' });
			onDone(true);
		} catch (x) {
			setErr(x);
		}
	}
	// the agent's words for the field, the server's after them
	const problem = (f) => html`<${Problem} id="${id}-${f}-problem" problem=${refusal(err, f)
		&& { text: t(`tasks.err.${f}`), detail: refusal(err, f) }} />`;
	return html`<form class="task-form" onSubmit=${go} data-test="task-form">
		${err && !['title', 'owner_id', 'due_at', 'notes'].some((f) => refusal(err, f)) && html`<${ErrorBanner} error=${err} />`}
		<div class="field"><label for="${id}-title">${t('tasks.title')}</label>
			<input id="${id}-title" value=${v.title} maxlength="200" required onInput=${(e) => setV({ ...v, title: e.target.value })}
				aria-invalid=${refusal(err, 'title') ? 'true' : undefined} data-test="task-title" />${problem('title')}</div>
		<div class="field"><label for="${id}-owner">${t('tasks.owner')}</label>
			<select id="${id}-owner" value=${v.owner_id} onChange=${(e) => setV({ ...v, owner_id: e.target.value })} data-test="task-owner">
				${state.agents.map((a) => html`<option value=${a.id}>${a.name}</option>`)}</select>${problem('owner_id')}</div>
		<div class="field"><label for="${id}-due">${t('tasks.due')}</label>
			<input id="${id}-due" type="datetime-local" value=${v.due} onInput=${(e) => setV({ ...v, due: e.target.value })}
				data-test="task-due" />${problem('due_at')}</div>
		${task && html`<div class="field"><label for="${id}-notes">${t('tasks.notes')}</label>
			<textarea id="${id}-notes" rows="2" value=${v.notes} onInput=${(e) => setV({ ...v, notes: e.target.value })}
				data-test="task-notes"></textarea>${problem('notes')}</div>`}
		<div class="row"><button class="primary" type="submit" data-test="task-save">${task ? t('save') : t('tasks.add')}</button>
			${task && html`<button type="button" onClick=${() => onDone(false)}>${t('tasks.cancel')}</button>`}</div>
	</form>`;
}

const StatusWord = ({ task }) => html`<span class="task-status ${task.status}" data-test="task-status">${t(`tasks.status.${task.status}`)}</span>`;

// One task: done box, title, owner and due time; edit and delete.
function TaskRow({ task, onChange, showTicket }) {
	const [editing, setEditing] = useState(false);
	// the box follows the click at once, and the server's answer after
	const [done, setDone] = useState(task.done);
	useEffect(() => setDone(task.done), [task.done, task.updated_at]);
	if (editing)
		return html`<li data-test="task"><${TaskForm} task=${task} onDone=${(saved) => {
			setEditing(false);
			if (saved)
				onChange();
		}} /></li>`;
	async function tick(e) {
		const want = e.target.checked;
		setDone(want);
		try {
			await put(`/api/v2/tasks/${task.id}`, { task: { done: want } });
		} catch (x) {
			setDone(task.done);
			toast(x.message, 'error');
		}
		onChange();
	}
	async function remove() {
		await del(`/api/v2/tasks/${task.id}`).catch((x) => toast(x.message, 'error'));
		onChange();
		return true;
	}
	return html`<li class="task ${done ? 'done' : ''}" data-test="task" data-id=${task.id}>
		<input type="checkbox" id="task-done-${task.id}" checked=${done} onChange=${tick} data-test="task-done" />
		<label for="task-done-${task.id}" class="task-title">${task.title}</label>
		<span class="muted">${userName(task.owner_id)}${task.due_at ? ` · ${formatDate(task.due_at)}` : ''}</span>
		<${StatusWord} task=${task} />
		${showTicket && html`<a href="/agent/tickets/${task.ticket_id}" data-test="task-ticket">#${task.ticket_id} ${task.ticket_subject}</a>`}
		${task.notes && html`<p class="muted task-notes">${task.notes}</p>`}
		<span class="row"><button type="button" class="link" onClick=${() => setEditing(true)} data-test="task-edit">${t('tasks.edit')}</button>
			<${ConfirmDelete} question=${t('tasks.delete_confirm', { title: task.title })} label=${t('tasks.delete')}
				onConfirm=${remove} testid="task" /></span>
	</li>`;
}

// The ticket page's Tasks panel.
export function TaskPanel({ ticket }) {
	const [res, error, reload] = useLoad(() => get(`/api/v2/tickets/${ticket.id}/tasks?per_page=100`), [ticket.id]);
	useLive((kind, data) => {
		if ((kind === 'task.changed' || kind === 'task.due') && data.ticket_id === ticket.id)
			reload();
	}, [ticket.id]);
	const list = (res && res.tasks) || [];
	return html`<section class="panel" aria-labelledby="tasks-title" data-test="tasks">
		<h2 id="tasks-title">${t('tasks.panel')} ${list.length ? html`<span class="count">${formatNumber(list.filter((x) => !x.done).length)}</span>` : ''}</h2>
		<${ErrorBanner} error=${error} />
		${res && !list.length && html`<p class="muted" data-test="tasks-empty">${t('tasks.none')}</p>`}
		<ul class="tasks">${list.map((x) => html`<${TaskRow} key=${x.id} task=${x} onChange=${reload} />`)}</ul>
		${ticket.status !== 'closed' && html`<details><summary data-test="task-new">${t('tasks.add')}</summary>
			<${TaskForm} ticketId=${ticket.id} onDone=${(saved) => saved && reload()} /></details>`}
	</section>`;
}

const BADGE = '/api/v2/tasks?owner_id=me&status=overdue,due&per_page=1';

// My tasks overdue or due within a day, kept fresh by the live events.
// off: a viewer, who has no tasks (and may not ask)
export function useTaskCount(off) {
	const [n, setN] = useState(undefined);
	const load = () => get(BADGE).then((r) => setN(r.count), () => {});
	useEffect(() => {
		if (off)
			return undefined;
		load();
		// a due time passing changes the count without any event
		const id = setInterval(load, 60_000);
		return () => clearInterval(id);
	}, []);
	useLive((kind, data) => {
		if (kind === 'task.changed' || kind === 'task.due' || kind === 'reset')
			load();
		if (kind === 'task.due' && state.me && data.owner_id === state.me.id)
			get(`/api/v2/tasks/${data.task_id}`).then((r) => toast(t('tasks.fell_due', { title: r.task.title })), () => {});
	}, []);
	return n;
}

export const TaskNavCount = ({ count }) => html`<span class="count" data-test="tasks-count">${count ? formatNumber(count) : ''}</span>`;

// My tasks: overdue, due within a day, upcoming, each soonest first.
export function MyTasks() {
	const groups = ['overdue', 'due', 'upcoming'];
	const [res, error, reload] = useLoad(() => Promise.all(groups.map((s) =>
		get(`/api/v2/tasks?owner_id=me&status=${s}&per_page=100`))), []);
	useLive((kind, data) => {
		if (kind === 'task.due' || (kind === 'task.changed' && state.me && data.owner_id === state.me.id) || kind === 'reset')
			reload();
	}, []);
	return html`<section aria-labelledby="my-tasks-title">
		<h1 id="my-tasks-title">${t('tasks.mine')}</h1>
		<${ErrorBanner} error=${error} />
		${res && groups.map((s, i) => html`<section class="panel" data-test="tasks-${s}" aria-labelledby="tasks-${s}-title">
			<h2 id="tasks-${s}-title">${t(`tasks.status.${s}`)} <span class="count">${formatNumber(res[i].count)}</span></h2>
			${res[i].tasks.length ? html`<ul class="tasks">${res[i].tasks.map((x) => html`<${TaskRow} key=${x.id} task=${x} onChange=${reload} showTicket />`)}</ul>`
		: html`<p class="muted">${t('tasks.none')}</p>`}</section>`)}
	</section>`;
}

// Admin → Tasks: the satisfaction check-in (days after solve, 0 = off).
export function TaskSettings() {
	const [res, error] = useLoad(() => get('/api/v2/tasks/settings'), []);
	const [days, setDays] = useState(null);
	const [err, setErr] = useState(null);
	if (!res)
		return html`<${ErrorBanner} error=${error} />`;
	const value = days ?? String(res.settings.checkin_days);
	return html`<form class="panel" onSubmit=${async (e) => {
		e.preventDefault();
		try {
			await put('/api/v2/tasks/settings', { settings: { checkin_days: Number(value) } });
			setErr(null);
			toast(t('ticket.saved'));
		} catch (x) {
			setErr(x);
		}
	}}><h2>${t('tasks.checkin')}</h2>
		<div class="field"><label for="checkin-days">${t('tasks.checkin_days')}</label>
			<input id="checkin-days" type="number" inputmode="numeric" value=${value} aria-describedby="checkin-days-hint"
				aria-invalid=${refusal(err, 'checkin_days') ? 'true' : undefined}
				onInput=${(e) => setDays(e.target.value)} data-test="checkin-days" />
			<p id="checkin-days-hint" class="muted">${t('tasks.checkin_hint')}</p>
			${refusal(err, 'checkin_days') && html`<p class="error problem" role="alert" data-test="problem">${t('tasks.checkin_refused')}</p>`}</div>
		<button class="primary" type="submit" data-test="checkin-save">${t('save')}</button></form>`;
}
