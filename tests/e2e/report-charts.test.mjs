// The breakdowns as bar charts (web/agent/charts.js) in a real browser:
// with ratings, NPS answers, complaints and ideas seeded through the API
// (the NPS answers from the links in the mail the real SMTP server
// caught), each report's breakdown tables have a chart above them whose
// bars are the table's rows — the same names in the same order, each
// value written beside its bar as the table says it — an NPS below zero
// is drawn to the left of the zero axis, and a long idea title is cut
// short on the chart and whole in the bar's title.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { startSmtp } from '../api/lib/smtp.mjs';
import { it, openDesk } from './lib/browser.mjs';

const PRODUCT_FIELD = 7;
const LONG = 'Let customers change the delivery address after the order has shipped';

let desk, srv, smtp;

async function ok(method, path, body, auth) {
	const r = await srv.api(method, path, body, auth ? { auth } : {});
	assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.text}`);
	return r.json;
}

before(async () => {
	smtp = await startSmtp();
	desk = await openDesk({ agents: ['rasa', 'tomas'], endUsers: ['ann', 'ben', 'cid', 'dan'] });
	srv = desk.srv;
	const { rasa, tomas, ann, ben, cid, dan } = srv.users;
	await ok('PUT', '/api/v2/mail/settings', { mail_settings: {
		smtp_url: `smtp://127.0.0.1:${smtp.port}`, from_address: 'support@shop.test' } });
	await ok('PUT', '/api/v2/complaints/settings', { settings: { product_field_id: PRODUCT_FIELD } });
	const org = (await ok('POST', '/api/v2/organizations', { organization: { name: 'Kvitka Stores' } })).organization;
	const reasons = (await ok('GET', '/api/v2/complaint_reasons')).complaint_reasons;
	assert.ok(reasons.length >= 2, 'the default reasons');

	// each customer's request, served by rasa (ann, ben) or tomas (cid,
	// dan), solved and rated: rasa 2 good of 2, tomas 1 good of 2
	const seed = [[ann, rasa, 'good', reasons[0], 'Kettle', org.id], [ben, rasa, 'good', reasons[1], 'Kettle', null],
		[cid, tomas, 'good', reasons[1], 'Toaster', org.id], [dan, tomas, 'bad', null, null, null]];
	for (const [who, agent, rating, reason, product, organization] of seed) {
		const t = (await ok('POST', '/api/v2/tickets', { ticket: { subject: `Help ${who.name}`, requester_id: who.id,
			assignee_id: agent.id, organization_id: organization, comment: { body: 'It broke.' },
			custom_fields: product ? [{ id: PRODUCT_FIELD, value: product }] : [],
			...(reason ? { complaint: { reason_id: reason.id } } : {}) } }, agent)).ticket;
		await ok('PUT', `/api/v2/tickets/${t.id}`, { ticket: { status: 'solved', comment: { body: 'Fixed.', public: true } } }, agent);
		await ok('POST', `/api/v2/tickets/${t.id}/satisfaction_rating`, { satisfaction_rating: { score: rating } }, who);
	}

	// an NPS survey to them all; the promoters served by rasa, the detractors by tomas
	const s = (await ok('POST', '/api/v2/nps/surveys', { nps_survey: { name: 'Q4', audience: 'solved', audience_days: 30,
		cool_off_days: 0, on_detractor: 'none' } })).nps_survey;
	await ok('POST', `/api/v2/nps/surveys/${s.id}/send`);
	for (const [who, score] of [[ann, 10], [ben, 9], [cid, 3], [dan, 2]]) {
		const mail = await smtp.waitFor((m) => m.headers.to === who.email && /\/nps\//.test(m.text));
		const path = /https?:\/\/[^\s/]+(\/nps\/[0-9a-f-]+)\?score=/.exec(mail.text)[1];
		const r = await fetch(srv.base + path, { method: 'POST', body: new URLSearchParams({ score: String(score) }) });
		assert.equal(r.status, 200, await r.text());
	}

	// ideas: the long one has the most votes
	const ideas = [];
	for (const [title, author] of [[LONG, ann], ['Gift wrapping', ben], ['Dark mode in the portal', cid]])
		ideas.push((await ok('POST', '/api/v2/ideas', { idea: { title, author_id: author.id } }, rasa)).idea);
	for (const who of [ben, cid, dan])
		await ok('POST', `/api/v2/ideas/${ideas[0].id}/up`, null, who);
	await ok('POST', `/api/v2/ideas/${ideas[2].id}/up`, null, dan);
});
after(async () => {
	await desk?.close();
	await smtp?.cleanup();
});

// A chart's bars as [full name, name shown, value in words, value] and its
// table's rows as [name, the cell of the value].
function bars(page, chart) {
	return page.$$eval(`[data-test=bar-chart][data-chart="${chart}"] [data-test=bar]`, (gs) => gs.map((g) => [
		g.dataset.name, g.querySelector('[data-test=bar-name]').textContent,
		g.querySelector('[data-test=bar-label]').textContent, g.dataset.value]));
}
function rows(page, table, cell) {
	return page.$$eval(`[data-test=${table}] tbody tr`, (trs, c) => trs.map((tr) => [tr.cells[0].textContent.trim(),
		tr.cells[c].textContent.trim()]), cell);
}

/** The chart's bars are the table's rows: names in order, each value as the table writes it. */
async function sameAsTable(page, chart, table, cell) {
	const b = await bars(page, chart);
	const r = await rows(page, table, cell);
	assert.ok(r.length > 1, `${table}: more than one row to compare`);
	assert.deepEqual(b.map((x) => x[0]), r.map((x) => x[0]), `${chart}: the bars' names are the table's`);
	b.forEach((x, i) => assert.ok(x[2].startsWith(r[i][1]), `${chart} ${x[0]}: "${x[2]}" says the table's ${r[i][1]}`));
	const label = await page.getAttribute(`[data-test=bar-chart][data-chart="${chart}"]`, 'aria-label');
	assert.match(label, /a bar for each row \(the table below has the same figures\)$/);
	return b;
}

it('each report draws its breakdowns as bars that match its tables', async () => {
	await desk.withTab({ locale: 'en-US' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'en'));
		await tab.signIn(srv.admin);

		await tab.goto('/agent/reports/satisfaction');
		await page.waitForSelector('[data-test=bar-chart][data-chart=csat-agent]');
		const csat = await sameAsTable(page, 'csat-agent', 'csat-breakdown', 5);
		assert.deepEqual(csat.map((x) => [x[0], x[2]]).sort(), [['Agent rasa', '100 % (2 good of 2)'], ['Agent tomas', '50 % (1 good of 2)']]);
		await page.getByLabel('Broken down by').selectOption('channel');
		await page.getByRole('button', { name: 'Show' }).click();
		await page.waitForSelector('[data-test=csat-row][data-key=api]');
		assert.deepEqual((await bars(page, 'csat-channel')).map((x) => x[2]), ['75 % (3 good of 4)']);

		await tab.goto('/agent/reports/nps');
		await page.waitForSelector('[data-test=bar-chart][data-chart=nps-agent]');
		for (const b of ['tier', 'organization', 'channel', 'group', 'agent']) {
			const chart = `[data-test=bar-chart][data-chart="nps-${b}"]`;
			const n = await page.locator(`[data-test=nps-by-${b}] tbody tr`).count();
			assert.equal(await page.locator(`${chart} [data-test=bar]`).count(), n, `nps-${b}: a bar a row`);
		}
		const agents = await sameAsTable(page, 'nps-agent', 'nps-by-agent', 1);
		assert.deepEqual(agents.map((x) => [x[0], x[3]]).sort(), [['Agent rasa', '100'], ['Agent tomas', '-100']]);
		// −100 runs left from the zero axis, 100 right of it
		const zero = Number(await page.getAttribute('[data-chart=nps-agent] > line', 'x1'));
		const rect = async (name) => page.$eval(`[data-chart=nps-agent] [data-test=bar][data-name="${name}"] rect`,
			(r) => [Number(r.getAttribute('x')), Number(r.getAttribute('width'))]);
		const [tx, tw] = await rect('Agent tomas');
		const [rx, rw] = await rect('Agent rasa');
		assert.ok(tx < zero && Math.abs(tx + tw - zero) < 0.01, `tomas's bar ends at zero (${tx}+${tw}, ${zero})`);
		assert.ok(Math.abs(rx - zero) < 0.01 && rw > 100, `rasa's bar starts at zero (${rx}, ${zero})`);

		await tab.goto('/agent/reports/complaints');
		await page.waitForSelector('[data-test=bar-chart][data-chart=cr-orgs]');
		const reasons = await sameAsTable(page, 'cr-reasons', 'cr-reasons', 1);
		// every active reason has its row, the unused ones at 0
		assert.deepEqual(reasons.map((x) => x[3]).filter((v) => v !== '0').sort(), ['1', '2']);
		const products = await sameAsTable(page, 'cr-products', 'cr-products', 1);
		assert.deepEqual(products.map((x) => [x[0], x[3]]), [['Kettle', '2'], ['Toaster', '1']]);
		await sameAsTable(page, 'cr-orgs', 'cr-orgs', 1);

		await tab.goto('/agent/reports/suggestions');
		await page.waitForSelector('[data-test=bar-chart][data-chart=idr-top]');
		const top = await sameAsTable(page, 'idr-top', 'idr-top', 2);
		assert.deepEqual(top.map((x) => x[3]), ['4', '2', '1']);
		// the long title cut short on the chart, whole in its title
		assert.equal(top[0][0], LONG);
		assert.equal(top[0][1], `${LONG.slice(0, 27)}…`);
		assert.equal(await page.textContent('[data-chart=idr-top] [data-test=bar] title'), `${LONG}: 4`);
	});
});
