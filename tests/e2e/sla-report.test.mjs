// Reports → SLA in a real browser, in Lithuanian (issue 13): the admin opens
// Ataskaitos and reads, for the last 30 days, the compliance of the one
// policy — one ticket answered in time, one breached — as a bar that says
// "50 % (1 iš 2)" in words, the ticket no policy applied to, the times
// table; regroups by channel; follows the breached ticket from the list to
// its page; and downloads the CSV, whose subject that looks like a formula
// is made text.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';

import { sqlOn } from '../api/lib/server.mjs';
import { it, openDesk } from './lib/browser.mjs';

let desk, srv;

function sqlite(db, text) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-bail', db], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`sqlite3: ${err}`))));
		p.stdin.end(text);
	});
}
const sql = (text) => (srv.db ? sqlOn(srv.db, text) : sqlite(path.join(srv.dir, 'frontline.db'), text));

before(async () => {
	desk = await openDesk({ agents: ['rasa'], endUsers: ['jonas'] });
	srv = desk.srv;
});
after(async () => { await desk?.close(); });

async function ok(method, p, body, auth) {
	const r = await srv.api(method, p, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.text}`);
	return r.json;
}

it('the SLA report in Lithuanian: the bar in words, no promise, regrouped, the breached ticket and its CSV', async () => {
	const { rasa, jonas } = srv.users;
	const policy = (await ok('POST', '/api/v2/slas/policies', { sla_policy: { title: 'Auksinis pažadas',
		filter: { all: [{ field: 'tags', operator: 'includes', value: 'auksas' }] },
		policy_metrics: [{ priority: 'urgent', metric: 'first_reply_time', target: 60 }] } })).sla_policy;
	for (let i = 0; i < 100; i++) { // the recompute the new policy queued
		if (Number(String(await sql("SELECT COUNT(*) FROM jobs WHERE kind = 'sla-recompute' AND state IN (0, 1);")).trim()) === 0)
			break;
		await new Promise((r) => setTimeout(r, 200));
	}
	const mk = async (subject, tags) => (await ok('POST', '/api/v2/tickets', { ticket: { subject, tags, priority: 'urgent',
		comment: { body: 'Padėkite.' } } }, jonas)).ticket;
	const quick = await mk('Kur mano pinigai?', ['auksas']);
	const late = await mk('=1+1 neveikia', ['auksas']);
	await mk('Be pažado', []);
	await ok('PUT', `/api/v2/tickets/${quick.id}`, { ticket: { comment: { body: 'Jau tvarkome.', public: true } } }, rasa);
	// the late one ran out two hours after it was asked (an hour late)
	const asked = Math.floor(Date.parse(late.created_at) / 1000);
	await sql(`UPDATE ticket_sla_metrics SET stage = 'breached', breach_at = ${asked + 3600}, used = 7200, breaches = 1
		WHERE ticket_id = ${late.id} AND metric = 'first_reply_time';
		UPDATE ticket_slas SET next_event_at = NULL WHERE ticket_id = ${late.id};`);

	await desk.withTab({ locale: 'lt-LT' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'lt'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/queues/my-open');
		await page.getByRole('link', { name: 'Ataskaitos' }).click();
		await page.waitForSelector('[data-test=report-bar]');
		assert.equal(await page.textContent('h1'), 'SLA ataskaita');
		assert.equal(await page.getAttribute('a[href="/agent/reports/sla"]', 'aria-current'), 'page');

		// the bar says what its colour says
		const bar = page.locator(`[data-test=report-bar][data-key="${policy.id}"]`);
		assert.match(await bar.textContent(), /Auksinis pažadas · Pirmas atsakymas|Auksinis pažadas/);
		assert.match(await bar.textContent(), /50\s%\s\(1 iš 2\)/);
		assert.equal(await page.getAttribute('[data-test=report-chart]', 'aria-label'),
			'Laikymasis pagal: Politika — laiku įvykdytų išmatuotų metrikų dalis');
		assert.equal((await page.textContent('[data-test=report-no-promise]')).includes('1 užklausa, kuriai netaikoma jokia politika'), true);
		// the times: the quick one's first reply is the one measured
		const frt = page.locator('[data-test=report-time][data-metric=first_reply_time] td');
		assert.equal(await frt.nth(1).textContent(), '1');

		// by channel: the customer's tickets came by the API
		assert.equal(late.via.channel, 'api');
		await page.getByLabel('Grupavimas').selectOption('channel');
		await page.getByRole('button', { name: 'Rodyti' }).click();
		await page.waitForSelector('[data-test=report-bar][data-key=api]');
		assert.match(await page.textContent('[data-test=report-compliance] thead'), /Kanalas/);
		assert.match(await page.textContent('[data-test=report-row]'), /^API/);

		// the CSV the button downloads: the subject a formula is text
		const href = await page.getAttribute('[data-test=report-csv-breaches]', 'href');
		assert.match(href, /^\/api\/v2\/slas\/reports\/breaches\.csv\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);
		const csv = await page.evaluate((u) => fetch(u).then((r) => r.text()), href);
		assert.match(csv, new RegExp(`\\r\\n${late.id},'=1\\+1 neveikia,first_reply_time,`));

		// the breached ticket, from the list to its page
		const row = page.locator('[data-test=report-breach]');
		assert.equal(await row.count(), 1);
		await row.getByRole('link').click();
		await page.waitForURL(`**/agent/tickets/${late.id}`);
	});
});
