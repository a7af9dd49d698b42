// Routing (docs/routing.md): the status switch in the workspace header
// (online, away, offline: who the router gives tickets to), a group's
// routing method and its agents in Admin → Groups, and each agent's
// capacity and skills in Admin → Agents. What the server refuses is shown
// as a toast with its own sentence.
import { html, useEffect, useState } from '../shared/html.js';
import { get, post, put } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { toast } from './ui.js';

const AVAIL = '/api/v2/agent_availabilities';
export const AGENT_STATUSES = ['online', 'away', 'offline'];
export const METHODS = ['none', 'round_robin', 'least_open'];

// The signed-in agent's status, read when the header appears and written
// when they pick another.
export function StatusSwitch() {
	const [status, setStatus] = useState(null);
	useEffect(() => {
		get(`${AVAIL}/me`).then((r) => setStatus(r.agent_availability.status), () => setStatus(null));
	}, []);
	if (!status)
		return null;
	const change = async (to) => {
		const was = status;
		setStatus(to);
		try {
			const r = await put(`${AVAIL}/me`, { agent_availability: { status: to } });
			setStatus(r.agent_availability.status);
		} catch (e) {
			setStatus(was);
			toast(e.message, 'error');
		}
	};
	return html`<label class="sr-only" for="agent-status">${t('routing.my_status')}</label>
		<select id="agent-status" class=${`agent-status ${status}`} value=${status} data-test="status-switch"
			title=${t('routing.my_status')} onChange=${(e) => change(e.target.value)}>
			${AGENT_STATUSES.map((s) => html`<option value=${s}>${t(`routing.status.${s}`)}</option>`)}
		</select>`;
}

// A group's routing method, in its row of Admin → Groups.
export function GroupRouting({ group, onChange }) {
	const id = `routing-${group.id}`;
	const method = group.routing?.method || 'none';
	const change = async (to) => {
		try {
			await put(`/api/v2/groups/${group.id}`, { group: { routing: { method: to } } });
			toast(t('ticket.saved'));
		} catch (e) {
			toast(e.message, 'error');
		}
		onChange?.();
	};
	return html`<label class="sr-only" for=${id}>${t('routing.method')}</label>
		<select id=${id} value=${method} data-test="group-routing" onChange=${(e) => change(e.target.value)}>
			${METHODS.map((m) => html`<option value=${m}>${t(`routing.method.${m}`)}</option>`)}
		</select>`;
}

// Puts an agent in a group (the router gives them its tickets).
export function AddMember({ group, agents }) {
	const id = `member-${group.id}`;
	const add = async (userId) => {
		if (!userId)
			return;
		try {
			await post('/api/v2/group_memberships', { group_membership: { user_id: Number(userId), group_id: group.id } });
			toast(t('ticket.saved'));
		} catch (e) {
			toast(e.message, 'error');
		}
	};
	return html`<label class="sr-only" for=${id}>${t('routing.add_member')}</label>
		<select id=${id} value="" data-test="group-add-member" onChange=${(e) => { add(e.target.value); e.target.value = ''; }}>
			<option value="">${t('routing.add_member')}</option>
			${agents.map((a) => html`<option value=${String(a.id)}>${a.name}</option>`)}
		</select>`;
}

// Everyone's availability, for Admin → Agents: id → availability.
export function useAvailabilities() {
	const [all, setAll] = useState({});
	const load = () => get(AVAIL).then((r) => setAll(Object.fromEntries(r.agent_availabilities.map((a) => [a.user_id, a]))), () => {});
	useEffect(() => { load(); }, []);
	return [all, load];
}

// An agent's capacity and skills (comma separated), saved together.
export function AgentRouting({ user, availability, onSaved }) {
	const [capacity, setCapacity] = useState(String(availability?.capacity ?? 0));
	const [skills, setSkills] = useState((availability?.skills || []).join(', '));
	useEffect(() => {
		setCapacity(String(availability?.capacity ?? 0));
		setSkills((availability?.skills || []).join(', '));
	}, [availability]);
	const save = async (e) => {
		e.preventDefault();
		try {
			await put(`${AVAIL}/${user.id}`, {
				agent_availability: {
					capacity: Number(capacity),
					skills: skills.split(',').map((s) => s.trim()).filter(Boolean),
				},
			});
			toast(t('ticket.saved'));
			onSaved?.();
		} catch (err) {
			toast(err.message, 'error');
		}
	};
	return html`<form class="row" onSubmit=${save} data-test="agent-routing">
		<span class=${`agent-status ${availability?.status || 'offline'}`}>${t(`routing.status.${availability?.status || 'offline'}`)}</span>
		<span class="muted">${t('routing.open', { n: availability?.open_tickets ?? 0 })}</span>
		<label for="capacity-${user.id}">${t('routing.capacity')}</label>
		<input id="capacity-${user.id}" type="number" min="0" max="10000" value=${capacity} style="width:5em"
			onInput=${(e) => setCapacity(e.target.value)} />
		<label for="skills-${user.id}">${t('routing.skills')}</label>
		<input id="skills-${user.id}" value=${skills} placeholder="uk, en, billing" onInput=${(e) => setSkills(e.target.value)} />
		<button type="submit">${t('save')}</button>
	</form>`;
}
