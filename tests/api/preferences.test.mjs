// An agent's workspace preferences: kept on the server per agent, refused
// when the name or value is unknown, and carried by /users/me.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

let srv, agent, agent2, alice;

before(async () => {
	srv = await startServer({ agents: ['agent', 'agent2'], endUsers: ['alice'] });
	({ agent, agent2, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

const prefs = (auth) => srv.api('GET', '/api/v2/users/me/preferences', null, { auth });
const setPrefs = (auth, p) => srv.api('PUT', '/api/v2/users/me/preferences', { preferences: p }, { auth });

describe('preferences', () => {
	it('a new agent has the defaults', async () => {
		const r = await prefs(agent);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.preferences, { density: 'comfortable', after_submit: 'stay' });
	});

	it('a choice is kept for that agent only, and shown on /users/me', async () => {
		const r = await setPrefs(agent, { density: 'compact' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.preferences, { density: 'compact', after_submit: 'stay' });
		const again = await setPrefs(agent, { after_submit: 'next' });
		assert.deepEqual(again.json.preferences, { density: 'compact', after_submit: 'next' });
		const me = await srv.api('GET', '/api/v2/users/me', null, { auth: agent });
		assert.deepEqual(me.json.user.preferences, { density: 'compact', after_submit: 'next' });
		assert.deepEqual((await prefs(agent2)).json.preferences,
			{ density: 'comfortable', after_submit: 'stay' });
	});

	it('an unknown name or value is refused naming it, and nothing is written', async () => {
		const before = (await prefs(agent2)).json.preferences;
		const name = await setPrefs(agent2, { density: 'compact', colour: 'red' });
		assert.equal(name.status, 422, name.text);
		assert.ok(name.json.details['preferences.colour'], name.text);
		const value = await setPrefs(agent2, { after_submit: 'close' });
		assert.equal(value.status, 422, value.text);
		assert.match(value.json.details['preferences.after_submit'][0].description, /stay or next/);
		const type = await setPrefs(agent2, { density: 1 });
		assert.equal(type.status, 422, type.text);
		const shape = await srv.api('PUT', '/api/v2/users/me/preferences', { density: 'compact' }, { auth: agent2 });
		assert.equal(shape.status, 400, shape.text);
		assert.deepEqual((await prefs(agent2)).json.preferences, before);
	});

	it('customers have no workspace preferences', async () => {
		assert.equal((await prefs(alice)).status, 403);
		assert.equal((await setPrefs(alice, { density: 'compact' })).status, 403);
		const me = await srv.api('GET', '/api/v2/users/me', null, { auth: alice });
		assert.equal(me.status, 200);
		assert.equal(me.json.user.preferences, undefined);
	});
});
