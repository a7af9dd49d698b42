// Admin → Automations in a real browser (issue 14): the editor shared with
// triggers (web/agent/rules.js) against /api/v2/automations. An admin sees
// the four default automations, changes the hours of "Close 4 days after
// solved" and the API has them; builds one on business hours since pending,
// is told beside the conditions that an automation needs a time condition
// and beside the actions that actions changing nothing the conditions check
// would act on every pass; switches one off and moves one up. And the same
// screen in Ukrainian: the time fields and their operators in words.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

const BASE = '/api/v2/automations';
const DEFAULTS = ['Remind the customer after 2 business days pending', 'Solve after 5 business days pending',
	'Close 4 days after solved', 'Escalate an unassigned urgent ticket after 30 minutes'];

let desk, srv, tier2;

before(async () => {
	desk = await openDesk();
	srv = desk.srv;
	const r = await srv.api('POST', '/api/v2/groups', { group: { name: 'Tier 2' } });
	assert.equal(r.status, 201, r.text);
	tier2 = r.json.group;
});
after(async () => { await desk?.close(); });

const REFUSALS = [/status of 422\b/];
const listed = async () => (await srv.api('GET', BASE)).json.automations;
const titles = (page) => page.locator('[data-test=rule-title-link]').allTextContents();

it('an admin sees the defaults and changes the hours of "Close 4 days after solved"', async () => {
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/automations');
		await page.waitForSelector('[data-test=rule-row] >> nth=3');
		assert.deepEqual(await titles(page), DEFAULTS);
		assert.deepEqual(await page.locator('[data-test=rule-switch]').evaluateAll((l) => l.map((x) => x.checked)), [true, true, true, true]);

		await page.locator('[data-test=rule-title-link]', { hasText: 'Close 4 days after solved' }).click();
		await page.waitForSelector('[data-test=rule-form]');
		assert.equal(await page.inputValue('[data-test=rule-title]'), 'Close 4 days after solved');
		const conds = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]');
		assert.equal(await conds.count(), 2);
		const clock = conds.nth(1);
		assert.equal(await clock.locator('[data-test=cond-field]').inputValue(), 'SOLVED');
		assert.equal(await clock.locator('[data-test=cond-field] option:checked').textContent(), 'Hours since solved');
		assert.equal(await clock.locator('[data-test=cond-operator]').inputValue(), 'greater_than');
		assert.equal(await clock.locator('[data-test=cond-value]').inputValue(), '96');
		const act = page.locator('[data-test=rule-action]');
		assert.equal(await act.count(), 1);
		assert.equal(await act.locator('[data-test=action-field]').inputValue(), 'status');
		assert.equal(await act.locator('[data-test=action-value]').inputValue(), 'closed');
		// an automation has no dry run on the server: the editor offers none
		assert.equal(await page.locator('[data-test=rule-dryrun]').count(), 0);

		await clock.locator('[data-test=cond-value]').fill('120');
		await page.click('[data-test=rule-save]');
		await page.waitForSelector('[data-test=rule-row]');
		const saved = (await listed()).find((a) => a.title === 'Close 4 days after solved');
		assert.deepEqual(saved.conditions.all.map((c) => [c.field, c.operator, String(c.value)]),
			[['status', 'is', 'solved'], ['SOLVED', 'greater_than', '120']]);
		assert.deepEqual(saved.actions, [{ field: 'status', value: 'closed' }]);
		assert.equal(saved.position, 3);
	});
});

it('the defaults keep what they do when saved untouched: a public comment, the ticket\'s own group', async () => {
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		const before_ = await listed();
		await tab.signIn(srv.admin);
		for (const title of ['Solve after 5 business days pending', 'Escalate an unassigned urgent ticket after 30 minutes']) {
			await tab.goto('/agent/admin/automations');
			await page.locator('[data-test=rule-title-link]', { hasText: title }).click();
			await page.waitForSelector('[data-test=rule-form]');
			const acts = page.locator('[data-test=rule-action]');
			if (title.startsWith('Solve')) {
				// whether the comment is public: a yes or no, not the word "true" to type
				const pub = acts.nth(2);
				assert.equal(await pub.locator('[data-test=action-field]').inputValue(), 'comment_mode_is_public');
				assert.equal(await pub.locator('[data-test=action-value] option:checked').textContent(), 'Yes');
			} else {
				// the group's mail goes to the ticket's own group, said so
				const mail = acts.nth(1);
				assert.equal(await mail.locator('[data-test=action-recipient] option:checked').textContent(), "The ticket's group");
				assert.equal(await mail.locator('[data-test=action-subject]').inputValue(), '{{dc.escalated_subject}}: {{ticket.title}}');
			}
			await page.click('[data-test=rule-save]');
			await page.waitForSelector('[data-test=rule-row]');
		}
		const after_ = await listed();
		for (const title of ['Solve after 5 business days pending', 'Escalate an unassigned urgent ticket after 30 minutes']) {
			const was = before_.find((a) => a.title === title), now = after_.find((a) => a.title === title);
			assert.deepEqual(now.conditions, was.conditions, title);
			assert.deepEqual(now.actions, was.actions, title);
		}
	});
});

it('an admin builds one on business hours since pending, refused beside the field until it can act once', async () => {
	await desk.withTab({ allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/automations');
		await page.waitForSelector('[data-test=rule-row] >> nth=3');
		await page.click('[data-test=rule-new]');
		await page.waitForSelector('[data-test=rule-form]');
		await page.fill('[data-test=rule-title]', 'Nudge after a business day pending');

		await page.click('[data-test=cond-add-all]');
		const status = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').nth(0);
		await status.locator('[data-test=cond-field]').selectOption('status');
		await status.locator('[data-test=cond-operator]').selectOption('is');
		await status.locator('[data-test=cond-value]').selectOption('pending');
		await page.click('[data-test=action-add]');
		const act = page.locator('[data-test=rule-action]').first();
		await act.locator('[data-test=action-field]').selectOption('priority');
		await act.locator('[data-test=action-value]').selectOption('high');

		// no time condition: it would act at once, a trigger's work
		await page.click('[data-test=rule-save]');
		const condProblem = page.locator('#rule-conditions-problem');
		await condProblem.waitFor();
		assert.match(await condProblem.textContent(), /time condition/i);
		assert.equal((await listed()).length, 4);

		await page.click('[data-test=cond-add-all]');
		const clock = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').nth(1);
		await clock.locator('[data-test=cond-field]').selectOption('PENDING');
		const ops = await clock.locator('[data-test=cond-operator] option').evaluateAll((l) => l.map((o) => o.value));
		assert.ok(ops.includes('greater_than_business_hours') && ops.includes('is_business_hours'), String(ops));
		await clock.locator('[data-test=cond-operator]').selectOption('greater_than_business_hours');
		// hours that are not a number: refused beside that condition
		await clock.locator('[data-test=cond-value]').fill('a day');
		await page.click('[data-test=rule-save]');
		await clock.locator('[data-test=problem]').waitFor();
		assert.equal(await status.locator('[data-test=problem]').count(), 0);
		assert.equal((await listed()).length, 4);
		await clock.locator('[data-test=cond-value]').fill('8');

		// a priority its conditions do not check: it would act on every pass
		await page.click('[data-test=rule-save]');
		const actProblem = page.locator('#rule-actions-problem');
		await actProblem.waitFor();
		assert.equal(await condProblem.count(), 0);
		assert.equal((await listed()).length, 4);

		await act.locator('[data-test=action-field]').selectOption('status');
		await act.locator('[data-test=action-value]').selectOption('open');
		await page.click('[data-test=action-add]');
		const tag = page.locator('[data-test=rule-action]').nth(1);
		await tag.locator('[data-test=action-field]').selectOption('current_tags');
		await tag.locator('[data-test=action-value]').fill('nudged');
		await page.click('[data-test=action-add]');
		const comment = page.locator('[data-test=rule-action]').nth(2);
		await comment.locator('[data-test=action-field]').selectOption('comment_value');
		await comment.locator('[data-test=action-value]').fill('Any news, {{ticket.requester.name}}?');
		await page.click('[data-test=action-add]');
		const pub = page.locator('[data-test=rule-action]').nth(3);
		await pub.locator('[data-test=action-field]').selectOption('comment_mode_is_public');
		await pub.locator('[data-test=action-value]').selectOption('false');
		await pub.locator('[data-test=action-value]').selectOption('true');
		await page.click('[data-test=action-add]');
		const mail = page.locator('[data-test=rule-action]').nth(4);
		await mail.locator('[data-test=action-field]').selectOption('notification_group');
		assert.equal(await mail.locator('[data-test=action-recipient]').inputValue(), 'group_id');
		await mail.locator('[data-test=action-recipient]').selectOption({ label: 'Tier 2' });
		await mail.locator('[data-test=action-subject]').fill('Waiting on #{{ticket.id}}');
		await mail.locator('[data-test=action-body]').fill('{{ticket.url}}');
		await page.click('[data-test=rule-save]');
		await page.waitForSelector('[data-test=rule-row] >> nth=4');
		assert.deepEqual(await titles(page), [...DEFAULTS, 'Nudge after a business day pending']);
		const made = (await listed()).find((a) => a.title === 'Nudge after a business day pending');
		assert.deepEqual(made.conditions.all.map((c) => [c.field, c.operator, String(c.value)]),
			[['status', 'is', 'pending'], ['PENDING', 'greater_than_business_hours', '8']]);
		assert.deepEqual(made.actions, [{ field: 'status', value: 'open' }, { field: 'current_tags', value: 'nudged' },
			{ field: 'comment_value', value: 'Any news, {{ticket.requester.name}}?' }, { field: 'comment_mode_is_public', value: true },
			{ field: 'notification_group', value: [tier2.id, 'Waiting on #{{ticket.id}}', '{{ticket.url}}'] }]);
		assert.equal(made.active, true);
		assert.equal(made.position, 5);
	});
});

it('an admin switches one off and moves one up', async () => {
	await desk.withTab({}, async (tab) => {
		const { page } = tab;
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/automations');
		await page.waitForSelector('[data-test=rule-row] >> nth=4');
		const remind = page.locator('[data-test=rule-row]').nth(0);
		await remind.locator('[data-test=rule-switch]').uncheck();
		await page.waitForFunction(() => !document.querySelector('[data-test=rule-switch]').checked);
		// the switch turns at once; the save lands a moment later
		let saved = await listed();
		for (let i = 0; i < 100 && saved[0].active; i++) {
			await new Promise((ok) => setTimeout(ok, 50));
			saved = await listed();
		}
		const ids = saved.map((a) => a.id);
		assert.deepEqual(saved.map((a) => a.active), [false, true, true, true, true]);

		await page.locator('[data-test=rule-row]').nth(4).locator('[data-test=rule-up]').click();
		await page.waitForFunction(() => document.querySelectorAll('[data-test=rule-title-link]')[3].textContent.startsWith('Nudge'));
		const now = await listed();
		assert.deepEqual(now.map((a) => [a.id, a.position]), [[ids[0], 1], [ids[1], 2], [ids[2], 3], [ids[4], 4], [ids[3], 5]]);
		assert.deepEqual(await page.locator('[data-test=rule-position]').allTextContents(), ['1', '2', '3', '4', '5']);
		// the one switched off stays off across the reorder
		assert.equal(now[0].active, false);
	});
});

it('in Ukrainian: the defaults, their time fields and operators in words, the raw names kept', async () => {
	await desk.withTab({ locale: 'uk-UA' }, async (tab) => {
		const { page } = tab;
		await page.addInitScript(() => localStorage.setItem('fl.locale', 'uk'));
		await tab.signIn(srv.admin);
		await tab.goto('/agent/admin/automations');
		await page.locator('[data-test=rule-title-link]', { hasText: 'Solve after 5 business days pending' }).click();
		await page.waitForSelector('[data-test=rule-form]');
		const clock = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').nth(1);
		assert.equal(await clock.locator('[data-test=cond-field] option:checked').textContent(), 'Годин в очікуванні');
		assert.equal(await clock.locator('[data-test=cond-operator] option:checked').textContent(), 'більше ніж (робочі години)');
		const status = page.locator('[data-test=rule-conditions-all] [data-test=rule-condition]').nth(0);
		assert.equal(await status.locator('[data-test=cond-value] option:checked').textContent(), 'В очікуванні');
		const fields = await status.locator('[data-test=cond-field] option').allTextContents();
		const defs = (await srv.api('GET', `${BASE}/definitions`)).json.definitions.conditions_all;
		assert.equal(fields.length, defs.length);
		for (const d of defs)
			assert.ok(!fields.includes(d.title), `${d.title} is shown raw`);
		for (const f of ['Статус', 'Годин після вирішення', 'Годин від створення', 'У робочий час'])
			assert.ok(fields.includes(f), `${f} in ${fields}`);
		const actions = await page.locator('[data-test=rule-action]').first().locator('[data-test=action-field] option').allTextContents();
		const adefs = (await srv.api('GET', `${BASE}/definitions`)).json.definitions.actions;
		for (const d of adefs)
			assert.ok(!actions.includes(d.title), `${d.title} is shown raw`);
	});
});
