// Business-hours schedules and their holidays (Zendesk's
// /api/v2/business_hours/schedules): every route, every refusal with the
// field it names and nothing written, and who may read and write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startServer } from './lib/server.mjs';

const BASE = '/api/v2/business_hours/schedules';
// Monday 09:00-13:00 and 14:00-18:00, Friday 22:00 to Saturday 02:00 (5 × 1440 + 1320 = 8520)
const MON_AM = { start_time: 1980, end_time: 2220 };
const MON_PM = { start_time: 2280, end_time: 2520 };
const FRI_NIGHT = { start_time: 8520, end_time: 8760 };

let srv, agent, alice;

before(async () => {
	srv = await startServer({ agents: ['agent'], endUsers: ['alice'] });
	({ agent, alice } = srv.users);
});
after(async () => { await srv?.cleanup(); });

async function create(schedule) {
	const r = await srv.api('POST', BASE, { schedule });
	assert.equal(r.status, 201, r.text);
	return r.json.schedule;
}

async function show(id) {
	const r = await srv.api('GET', `${BASE}/${id}`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.schedule;
}

async function holidays(id) {
	const r = await srv.api('GET', `${BASE}/${id}/holidays`, null, { auth: agent });
	assert.equal(r.status, 200, r.text);
	return r.json.holidays;
}

// Asserts a refusal: the status, and (for 422) that details names field.
function refused(r, status, field) {
	assert.equal(r.status, status, r.text);
	if (field)
		assert.ok(r.json.details?.[field], `expected ${field} in ${r.text}`);
}

describe('schedules', () => {
	it('a new desk has none', async () => {
		const r = await srv.api('GET', BASE, null, { auth: agent });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.schedules, []);
	});

	it('a schedule without intervals works Monday to Friday, 09:00 to 17:00', async () => {
		const s = await create({ name: 'Kyiv office', time_zone: 'Europe/Kyiv' });
		assert.ok(s.id > 0);
		assert.equal(s.name, 'Kyiv office');
		assert.equal(s.time_zone, 'Europe/Kyiv');
		assert.deepEqual(s.intervals, [1, 2, 3, 4, 5].map((d) => ({
			start_time: d * 1440 + 540, end_time: d * 1440 + 1020 })));
		assert.match(s.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.equal(s.updated_at, s.created_at);
		assert.deepEqual(await show(s.id), s);
		const list = await srv.api('GET', `${BASE}.json`, null, { auth: agent });
		assert.equal(list.status, 200, list.text);
		assert.deepEqual(list.json.schedules.find((x) => x.id === s.id), s);
	});

	it('keeps the intervals given, sorted, touching ones and one past midnight included', async () => {
		const s = await create({ name: 'Vilnius', time_zone: 'Europe/Vilnius',
			intervals: [FRI_NIGHT, MON_PM, MON_AM, { start_time: 2220, end_time: 2280 }] });
		assert.deepEqual(s.intervals, [MON_AM, { start_time: 2220, end_time: 2280 }, MON_PM, FRI_NIGHT]);
		assert.deepEqual((await show(s.id)).intervals, s.intervals);
	});

	it('round-trips Cyrillic and Lithuanian names', async () => {
		for (const name of ['Служба підтримки — Київ', 'Служба поддержки, Москва', 'Klientų aptarnavimas, Šiauliai']) {
			const s = await create({ name, time_zone: 'Europe/Vilnius' });
			assert.equal(s.name, name);
			assert.equal((await show(s.id)).name, name);
		}
	});

	it('a PUT changes the name and time zone and keeps the week', async () => {
		const s = await create({ name: 'Before', time_zone: 'Europe/Kyiv', intervals: [MON_AM] });
		const r = await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 'Після', time_zone: 'Europe/Warsaw' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.schedule.name, 'Після');
		assert.equal(r.json.schedule.time_zone, 'Europe/Warsaw');
		assert.deepEqual(r.json.schedule.intervals, [MON_AM]);
		assert.equal(r.json.schedule.created_at, s.created_at);
		assert.deepEqual(await show(s.id), r.json.schedule);
	});

	it('PUT workweek replaces the whole week', async () => {
		const s = await create({ name: 'Week', time_zone: 'UTC' });
		const r = await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: [MON_PM, MON_AM] } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { workweek: { intervals: [MON_AM, MON_PM] } });
		const after = await show(s.id);
		assert.deepEqual(after.intervals, [MON_AM, MON_PM]);
		assert.equal(after.name, 'Week');
	});

	it('DELETE removes the schedule and its holidays; unknown ids are 404', async () => {
		const s = await create({ name: 'Gone', time_zone: 'UTC' });
		const h = await srv.api('POST', `${BASE}/${s.id}/holidays`,
			{ holiday: { name: 'Day off', start_date: '2026-05-01', end_date: '2026-05-01' } });
		assert.equal(h.status, 201, h.text);
		const d = await srv.api('DELETE', `${BASE}/${s.id}`);
		assert.equal(d.status, 204, d.text);
		for (const [method, path, body] of [
			['GET', `${BASE}/${s.id}`], ['PUT', `${BASE}/${s.id}`, { schedule: { name: 'x' } }],
			['DELETE', `${BASE}/${s.id}`],
			['PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: [MON_AM] } }],
			['GET', `${BASE}/${s.id}/holidays`],
			['POST', `${BASE}/${s.id}/holidays`, { holiday: { name: 'x', start_date: '2026-01-01', end_date: '2026-01-01' } }],
			['GET', `${BASE}/${s.id}/holidays/${h.json.holiday.id}`],
			['PUT', `${BASE}/${s.id}/holidays/${h.json.holiday.id}`, { holiday: { name: 'y' } }],
			['DELETE', `${BASE}/${s.id}/holidays/${h.json.holiday.id}`],
		]) {
			const r = await srv.api(method, path, body);
			assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
		}
		const list = await srv.api('GET', BASE, null, { auth: agent });
		assert.ok(!list.json.schedules.some((x) => x.id === s.id));
	});
});

describe('refusals: 422 naming the field, nothing written', () => {
	let s;
	before(async () => {
		s = await create({ name: 'Kept', time_zone: 'Europe/Kyiv', intervals: [MON_AM, MON_PM] });
	});

	const badIntervals = {
		overlapping: [{ start_time: 1980, end_time: 2300 }, MON_PM],
		inverted: [{ start_time: 2460, end_time: 1980 }],
		empty: [{ start_time: 1980, end_time: 1980 }],
		'outside the week': [{ start_time: 9000, end_time: 10081 }],
		negative: [{ start_time: -60, end_time: 60 }],
		none: [],
		'too many': Array.from({ length: 65 }, (_, i) => ({ start_time: i * 100, end_time: i * 100 + 50 })),
	};

	for (const [what, intervals] of Object.entries(badIntervals)) {
		it(`intervals ${what}`, async () => {
			const before = await show(s.id);
			refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals } }), 422, 'intervals');
			refused(await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 'Changed', intervals } }), 422, 'intervals');
			const count = (await srv.api('GET', BASE, null, { auth: agent })).json.schedules.length;
			refused(await srv.api('POST', BASE, { schedule: { name: 'New', time_zone: 'UTC', intervals } }), 422, 'intervals');
			assert.deepEqual(await show(s.id), before);
			assert.equal((await srv.api('GET', BASE, null, { auth: agent })).json.schedules.length, count);
		});
	}

	it('the overlap is said in the description', async () => {
		const r = await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: badIntervals.overlapping } });
		assert.match(r.json.details.intervals[0].description, /overlaps/);
	});

	it('an unknown time zone, a bare offset or a path', async () => {
		const before = await show(s.id);
		for (const tz of ['Mars/Olympus', '+03:00', 'EST5EDT,M3.2.0', '../../etc/passwd', '']) {
			const r = await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 'Changed', time_zone: tz } });
			refused(r, 422, 'time_zone');
			refused(await srv.api('POST', BASE, { schedule: { name: 'New', time_zone: tz } }), 422, 'time_zone');
		}
		assert.deepEqual(await show(s.id), before);
	});

	it('a name missing, blank or too long', async () => {
		const before = await show(s.id);
		refused(await srv.api('POST', BASE, { schedule: { time_zone: 'UTC' } }), 422, 'name');
		refused(await srv.api('POST', BASE, { schedule: { name: '', time_zone: 'UTC' } }), 422, 'name');
		refused(await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: '' } }), 422, 'name');
		refused(await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 'x'.repeat(256) } }), 422, 'name');
		// 255 bytes at most: 128 Cyrillic letters are 256
		refused(await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 'ж'.repeat(128) } }), 422, 'name');
		assert.deepEqual(await show(s.id), before);
		const ok = await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 'ж'.repeat(127) } });
		assert.equal(ok.status, 200, ok.text);
		await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: before.name } });
	});

	it('a time zone missing on create', async () => {
		refused(await srv.api('POST', BASE, { schedule: { name: 'No zone' } }), 422, 'time_zone');
	});

	it('wrong types are 422 naming the field; a body without its wrapper or not JSON is 400', async () => {
		const before = await show(s.id);
		refused(await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { name: 5 } }), 422, 'name');
		refused(await srv.api('PUT', `${BASE}/${s.id}`, { schedule: { time_zone: ['UTC'] } }), 422, 'time_zone');
		refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: 'Mon-Fri' } }), 422, 'intervals');
		refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: [{ start_time: '09:00', end_time: 2460 }] } }), 422, 'intervals');
		refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: [[1980, 2460]] } }), 422, 'intervals');
		refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, { workweek: {} }), 422, 'intervals');
		refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, { intervals: [MON_AM] }), 400);
		refused(await srv.api('PUT', `${BASE}/${s.id}`, { name: 'No wrapper' }), 400);
		refused(await srv.api('POST', BASE, '{"schedule": {"name": "x",'), 400);
		refused(await srv.api('PUT', `${BASE}/${s.id}/workweek`, '{"workweek": '), 400);
		assert.deepEqual(await show(s.id), before);
	});
});

describe('holidays', () => {
	let s, other;
	before(async () => {
		s = await create({ name: 'With holidays', time_zone: 'Europe/Kyiv' });
		other = await create({ name: 'Other', time_zone: 'Europe/Vilnius' });
	});

	it('are created, listed by date, shown, changed and deleted', async () => {
		assert.deepEqual(await holidays(s.id), []);
		const xmas = await srv.api('POST', `${BASE}/${s.id}/holidays`,
			{ holiday: { name: 'Різдво', start_date: '2026-12-25', end_date: '2026-12-25' } });
		assert.equal(xmas.status, 201, xmas.text);
		const h = xmas.json.holiday;
		assert.deepEqual({ ...h, id: 0 }, { id: 0, name: 'Різдво', start_date: '2026-12-25', end_date: '2026-12-25' });
		const may = await srv.api('POST', `${BASE}/${s.id}/holidays.json`,
			{ holiday: { name: 'Gegužės šventės', start_date: '2026-05-01', end_date: '2026-05-03' } });
		assert.equal(may.status, 201, may.text);
		assert.deepEqual((await holidays(s.id)).map((x) => x.name), ['Gegužės šventės', 'Різдво']);
		assert.deepEqual(await holidays(other.id), []);

		const one = await srv.api('GET', `${BASE}/${s.id}/holidays/${h.id}`, null, { auth: agent });
		assert.equal(one.status, 200, one.text);
		assert.deepEqual(one.json.holiday, h);

		const put = await srv.api('PUT', `${BASE}/${s.id}/holidays/${h.id}`,
			{ holiday: { name: 'Рождество', end_date: '2026-12-26' } });
		assert.equal(put.status, 200, put.text);
		assert.deepEqual(put.json.holiday, { id: h.id, name: 'Рождество', start_date: '2026-12-25', end_date: '2026-12-26' });
		assert.deepEqual((await srv.api('GET', `${BASE}/${s.id}/holidays/${h.id}`)).json.holiday, put.json.holiday);

		const del = await srv.api('DELETE', `${BASE}/${s.id}/holidays/${h.id}`);
		assert.equal(del.status, 204, del.text);
		refused(await srv.api('GET', `${BASE}/${s.id}/holidays/${h.id}`), 404);
		assert.deepEqual((await holidays(s.id)).map((x) => x.name), ['Gegužės šventės']);
	});

	it('a holiday of another schedule is 404 under this one and stays as it was', async () => {
		const r = await srv.api('POST', `${BASE}/${other.id}/holidays`,
			{ holiday: { name: 'Joninės', start_date: '2026-06-24', end_date: '2026-06-24' } });
		assert.equal(r.status, 201, r.text);
		const id = r.json.holiday.id;
		refused(await srv.api('GET', `${BASE}/${s.id}/holidays/${id}`), 404);
		refused(await srv.api('PUT', `${BASE}/${s.id}/holidays/${id}`, { holiday: { name: 'Taken' } }), 404);
		refused(await srv.api('DELETE', `${BASE}/${s.id}/holidays/${id}`), 404);
		assert.deepEqual((await srv.api('GET', `${BASE}/${other.id}/holidays/${id}`)).json.holiday,
			{ id, name: 'Joninės', start_date: '2026-06-24', end_date: '2026-06-24' });
		assert.ok(!(await holidays(s.id)).some((x) => x.id === id));
	});

	it('first and last days of the years allowed are taken', async () => {
		for (const [start_date, end_date] of [['1970-01-01', '1970-01-01'], ['2199-12-31', '2199-12-31'], ['2028-02-29', '2029-02-28']]) {
			const r = await srv.api('POST', `${BASE}/${other.id}/holidays`, { holiday: { name: 'Edge', start_date, end_date } });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.holiday.start_date, start_date);
			assert.equal(r.json.holiday.end_date, end_date);
		}
	});

	const bad = [
		['an end before its start', { start_date: '2026-12-26', end_date: '2026-12-25' }, 'end_date'],
		['a day that does not exist', { start_date: '2026-02-30', end_date: '2026-03-01' }, 'start_date'],
		['February 29th of a common year', { start_date: '2026-02-28', end_date: '2026-02-29' }, 'end_date'],
		['a year before 1970', { start_date: '1969-12-31', end_date: '1970-01-01' }, 'start_date'],
		['a year after 2199', { start_date: '2199-12-31', end_date: '2200-01-01' }, 'end_date'],
		['a time of day', { start_date: '2026-12-25T00:00:00Z', end_date: '2026-12-25' }, 'start_date'],
		['not a date', { start_date: 'Christmas', end_date: '2026-12-25' }, 'start_date'],
		['a day without its zero', { start_date: '2026-12-5', end_date: '2026-12-25' }, 'start_date'],
		['over 366 days', { start_date: '2026-01-01', end_date: '2027-01-02' }, 'end_date'],
		['a date as a number', { start_date: 20261225, end_date: '2026-12-25' }, 'start_date'],
		['no end', { start_date: '2026-12-25' }, 'end_date'],
		['no start', { end_date: '2026-12-25' }, 'start_date'],
	];
	for (const [what, dates, field] of bad) {
		it(`refuses ${what} (422 ${field})`, async () => {
			const list = await holidays(s.id);
			refused(await srv.api('POST', `${BASE}/${s.id}/holidays`, { holiday: { name: 'Bad', ...dates } }), 422, field);
			assert.deepEqual(await holidays(s.id), list);
		});
	}

	it('refuses a change that does not validate and keeps the holiday as it was', async () => {
		const h = (await holidays(s.id))[0];
		refused(await srv.api('PUT', `${BASE}/${s.id}/holidays/${h.id}`, { holiday: { end_date: '2026-04-30' } }), 422, 'end_date');
		refused(await srv.api('PUT', `${BASE}/${s.id}/holidays/${h.id}`, { holiday: { start_date: '2026-13-01' } }), 422, 'start_date');
		refused(await srv.api('PUT', `${BASE}/${s.id}/holidays/${h.id}`, { holiday: { name: '' } }), 422, 'name');
		refused(await srv.api('PUT', `${BASE}/${s.id}/holidays/${h.id}`, { holiday: { name: 'x'.repeat(256) } }), 422, 'name');
		refused(await srv.api('PUT', `${BASE}/${s.id}/holidays/${h.id}`, { name: 'No wrapper' }), 400);
		assert.deepEqual((await srv.api('GET', `${BASE}/${s.id}/holidays/${h.id}`)).json.holiday, h);
	});

	it('refuses a holiday without a name', async () => {
		const list = await holidays(s.id);
		refused(await srv.api('POST', `${BASE}/${s.id}/holidays`, { holiday: { start_date: '2026-01-01', end_date: '2026-01-01' } }), 422, 'name');
		assert.deepEqual(await holidays(s.id), list);
	});
});

describe('roles', () => {
	let s, h;
	before(async () => {
		s = await create({ name: 'Roles', time_zone: 'Europe/Warsaw' });
		h = (await srv.api('POST', `${BASE}/${s.id}/holidays`,
			{ holiday: { name: 'Wigilia', start_date: '2026-12-24', end_date: '2026-12-24' } })).json.holiday;
	});

	it('an agent reads every schedule and holiday', async () => {
		for (const path of [BASE, `${BASE}/${s.id}`, `${BASE}/${s.id}/holidays`, `${BASE}/${s.id}/holidays/${h.id}`]) {
			const r = await srv.api('GET', path, null, { auth: agent });
			assert.equal(r.status, 200, `${path}: ${r.text}`);
		}
	});

	const writes = () => [
		['POST', BASE, { schedule: { name: 'Mine', time_zone: 'UTC' } }],
		['PUT', `${BASE}/${s.id}`, { schedule: { name: 'Mine' } }],
		['PUT', `${BASE}/${s.id}/workweek`, { workweek: { intervals: [MON_AM] } }],
		['DELETE', `${BASE}/${s.id}`],
		['POST', `${BASE}/${s.id}/holidays`, { holiday: { name: 'Mine', start_date: '2026-01-01', end_date: '2026-01-01' } }],
		['PUT', `${BASE}/${s.id}/holidays/${h.id}`, { holiday: { name: 'Mine' } }],
		['DELETE', `${BASE}/${s.id}/holidays/${h.id}`],
	];

	it('an agent cannot write, and nothing changes', async () => {
		const count = (await srv.api('GET', BASE)).json.schedules.length;
		for (const [method, path, body] of writes()) {
			const r = await srv.api(method, path, body, { auth: agent });
			assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
		}
		assert.equal((await srv.api('GET', BASE)).json.schedules.length, count);
		assert.equal((await show(s.id)).name, 'Roles');
		assert.deepEqual(await holidays(s.id), [h]);
	});

	it('an end user can neither read nor write; anonymous is 401', async () => {
		const reads = [['GET', BASE], ['GET', `${BASE}/${s.id}`], ['GET', `${BASE}/${s.id}/holidays`],
			['GET', `${BASE}/${s.id}/holidays/${h.id}`]];
		for (const [method, path, body] of [...reads, ...writes()]) {
			const r = await srv.api(method, path, body, { auth: alice });
			assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
			const a = await srv.api(method, path, body, { auth: 'anonymous' });
			assert.equal(a.status, 401, `${method} ${path}: ${a.text}`);
		}
		assert.equal((await show(s.id)).name, 'Roles');
		assert.deepEqual(await holidays(s.id), [h]);
	});
});
