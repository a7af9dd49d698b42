// What the workspace keeps between pages: people by id (fetched in batches
// as pages need them), agents and groups, the signed-in agent.
import { get } from '../shared/api.js';

export const state = { me: null, agents: [], groups: [] };

const users = new Map();   // id → user
const waiting = new Map(); // id → promise
// The desk itself (FL_SYSTEM_USER_ID, users/user.h): the author of what
// rules and routing do, in no list the API gives; known without asking.
users.set(-1, { id: -1, name: 'Frontline' });

export async function loadBasics() {
	const [agents, admins, groups] = await Promise.all([
		get('/api/v2/users?role=agent&per_page=100'),
		get('/api/v2/users?role=admin&per_page=100'),
		get('/api/v2/groups?per_page=100'),
	]);
	state.agents = [...admins.users, ...agents.users].filter((u) => u.active !== false)
		.sort((a, b) => a.name.localeCompare(b.name));
	state.groups = groups.groups;
	for (const u of state.agents) users.set(u.id, u);
}

export const cachedUser = (id) => users.get(id);
export const rememberUser = (u) => users.set(u.id, u);
export const groupName = (id) => (state.groups.find((g) => g.id === id) || {}).name || '';

// Loads the people with these ids that are not known yet.
export async function loadUsers(ids) {
	const wanted = [...new Set(ids.filter((id) => id && !users.has(id)))];
	const fresh = wanted.filter((id) => !waiting.has(id));
	if (fresh.length) {
		const batch = get(`/api/v2/users/show_many?ids=${fresh.join(',')}`)
			.then((r) => r.users.forEach((u) => users.set(u.id, u)))
			.catch(() => {})
			.finally(() => fresh.forEach((id) => waiting.delete(id)));
		fresh.forEach((id) => waiting.set(id, batch));
	}
	await Promise.all(wanted.map((id) => waiting.get(id)));
}

export function userName(id) {
	const u = users.get(id);
	return u ? u.name || u.email : id ? `#${id}` : '';
}
