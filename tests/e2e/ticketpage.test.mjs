// The ticket page an agent works in all day (issue 12): one submit for the
// reply and the property edits, "take it", going on to the next ticket of
// the queue, a whole queue worked with the keyboard alone, panes that
// scroll on their own at 1366×768, a phone with no sideways scrolling, and
// the page in Ukrainian.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';

let desk, srv;

before(async () => {
	desk = await openDesk({ agents: ['agent', 'other'] });
	srv = desk.srv;
});
after(async () => { await desk?.close(); });

async function agentTab(opts = {}) {
	const tab = await desk.tab({ locale: 'en-US', ...opts });
	await tab.signInByForm(srv.users.agent);
	return tab;
}

const newTicket = (subject, fields = {}) => srv.ticket({ subject, body: `About: ${subject}`, ...fields });

// What the server has, polled until it says so (a write is answered when
// it is durable, the page may read it a moment later).
async function serverTicket(id, until = () => true) {
	let t;
	for (let i = 0; i < 100; i++) {
		t = (await srv.api('GET', `/api/v2/tickets/${id}`)).json.ticket;
		if (until(t))
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	return t;
}

async function openTicket(page, id) {
	await page.goto(`${srv.base}/agent/tickets/${id}`);
	await page.waitForSelector(`[data-test=ticket][data-id="${id}"] [data-test=comment]`);
}

it('a reply, a file and a property change go out in one submit, as one audit', async () => {
	const t = await newTicket('Broken hinge', { assignee_id: srv.users.agent.id });
	const tab = await agentTab();
	const { page } = tab;
	await openTicket(page, t.id);
	assert.match(await page.textContent('[data-test=submit]'), /Submit as Open/);
	assert.equal(await page.locator('[data-test=props-save]').count(), 0, 'no separate Update button');

	await page.fill('[data-test=composer-body]', 'A new hinge is on its way.');
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'e2e-'));
	await fs.writeFile(path.join(dir, 'label.txt'), 'return label\n');
	await fs.writeFile(path.join(dir, 'wrong.txt'), 'not this one\n');
	await page.setInputFiles('[data-test=composer-files]', [path.join(dir, 'label.txt'), path.join(dir, 'wrong.txt')]);
	assert.deepEqual(await page.locator('[data-test=composer-file]').allTextContents().then((a) => a.map((s) => s.replace(/×/, '').trim())),
		['label.txt', 'wrong.txt']);
	await page.click('[data-test=composer-file]:has-text("wrong.txt") button');
	assert.equal(await page.locator('[data-test=composer-file]').count(), 1);

	await page.selectOption('[data-test=prop-priority]', 'high');
	await page.waitForSelector('[data-test=properties] [data-test=edited]');
	assert.match(await page.textContent('[data-test=unsaved]'), /1 unsaved change/);

	await page.click('[data-test=submit-menu]');
	await page.click('[data-test=submit-as-pending]');
	await page.waitForSelector('[data-test=ticket-status][data-status=pending]');
	await page.waitForFunction(() => document.querySelector('[data-test=composer-body]').value === '');
	assert.equal(await page.locator('[data-test=properties] [data-test=edited]').count(), 0, 'nothing is left edited');

	const saved = await serverTicket(t.id, (x) => x.status === 'pending');
	assert.equal(saved.status, 'pending');
	assert.equal(saved.priority, 'high');
	const audits = (await srv.api('GET', `/api/v2/tickets/${t.id}/audits`)).json.audits;
	const last = audits[audits.length - 1];
	assert.equal(audits.length, 2, 'the creation and the one submit');
	assert.equal(last.author_id, srv.users.agent.id);
	assert.deepEqual(last.events.map((e) => e.type === 'Comment' ? 'comment' : `${e.field_name}=${e.value}`).sort(),
		['comment', 'priority=high', 'status=pending']);
	const comments = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
	assert.equal(comments.length, 2);
	assert.equal(comments[1].body, 'A new hinge is on its way.');
	assert.deepEqual(comments[1].attachments.map((a) => a.file_name), ['label.txt']);
	tab.assertClean();
	await tab.close();
});

it('files dropped on the composer go with the reply', async () => {
	const t = await newTicket('Dropped photo', { assignee_id: srv.users.agent.id });
	const tab = await agentTab();
	const { page } = tab;
	await openTicket(page, t.id);
	await page.$eval('[data-test=composer]', (form) => {
		const data = new DataTransfer();
		data.items.add(new File(['not really a photo'], 'photo.txt', { type: 'text/plain' }));
		form.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
		form.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
	});
	assert.match(await page.textContent('[data-test=composer-file]'), /photo\.txt/);
	await page.click('[data-test=submit]');
	// files go with a comment: the page asks for one and sends nothing
	assert.match(await page.textContent('[data-test=composer-error]'), /Write a few words to go with the files/);
	assert.equal((await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments.length, 1);
	await page.fill('[data-test=composer-body]', 'The photo you asked for.');
	await page.click('[data-test=submit]');
	await page.waitForFunction(() => document.querySelector('[data-test=composer-body]').value === '');
	const comments = (await srv.api('GET', `/api/v2/tickets/${t.id}/comments`)).json.comments;
	assert.deepEqual(comments[comments.length - 1].attachments.map((a) => a.file_name), ['photo.txt']);
	tab.assertClean();
	await tab.close();
});

it('"take it" assigns the ticket to me at once', async () => {
	const t = await newTicket('Nobody has this yet');
	const tab = await agentTab();
	const { page } = tab;
	await openTicket(page, t.id);
	await page.click('[data-test=take-it]');
	await page.waitForFunction((me) => document.querySelector('[data-test=prop-assignee]').value === String(me), srv.users.agent.id);
	assert.equal(await page.locator('[data-test=take-it]').count(), 0, 'mine now: no link');
	assert.equal((await serverTicket(t.id, (x) => x.assignee_id)).assignee_id, srv.users.agent.id);
	tab.assertClean();
	await tab.close();
});

it('with "then next ticket" on, a submit goes on to the next ticket of the queue', async () => {
	const tag = 'nextq';
	const a = await newTicket('Next one A', { tags: [tag] });
	const b = await newTicket('Next one B', { tags: [tag] });
	const tab = await agentTab();
	const { page } = tab;
	await page.goto(`${srv.base}/agent/queues/all-open?filter=tags:${tag}`);
	await page.waitForSelector(`[data-test=ticket-row][data-id="${a.id}"]`);
	await page.waitForSelector(`[data-test=ticket-row][data-id="${b.id}"]`);
	const order = (await page.locator('[data-test=ticket-row]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id))));
	await page.click(`[data-test=ticket-row][data-id="${order[0]}"] a`);
	await page.waitForSelector(`[data-test=ticket][data-id="${order[0]}"]`);

	await page.check('[data-test=after-next]');
	for (let i = 0; i < 100; i++) {
		const p = await srv.api('GET', '/api/v2/users/me/preferences', undefined, { auth: srv.users.agent });
		if (p.json.preferences.after_submit === 'next')
			break;
		assert.ok(i < 99, 'the choice was saved on the server');
		await new Promise((r) => setTimeout(r, 50));
	}
	await page.fill('[data-test=composer-body]', 'Done here.');
	await page.click('[data-test=submit]');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[1]}"]`);
	assert.equal(new URL(page.url()).pathname, `/agent/tickets/${order[1]}`);
	assert.equal((await srv.api('GET', `/api/v2/tickets/${order[0]}/comments`)).json.comments.length, 2);
	const off = await srv.api('PUT', '/api/v2/users/me/preferences', { preferences: { after_submit: 'stay' } }, { auth: srv.users.agent });
	assert.equal(off.status, 200, off.text);
	tab.assertClean();
	await tab.close();
});

it('a queue worked from its first ticket to its last with the keyboard alone', async () => {
	const tag = 'walkq';
	for (const s of ['Walk one', 'Walk two', 'Walk three'])
		await newTicket(s, { tags: [tag], assignee_id: srv.users.agent.id });
	const tab = await agentTab();
	const { page } = tab;
	await page.goto(`${srv.base}/agent/queues/my-open?filter=tags:${tag}`);
	await page.waitForFunction(() => document.querySelectorAll('[data-test=ticket-row]').length === 3);
	const order = await page.locator('[data-test=ticket-row]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
	const kb = page.keyboard;

	await kb.press('Enter');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[0]}"] [data-test=comment]`);
	assert.equal(await page.textContent('[data-test=walk-position]'), '1 / 3');
	await kb.press('r');
	await kb.type('First answer.');
	await kb.press('Control+Enter');
	await page.waitForFunction(() => document.querySelector('[data-test=composer-body]').value === '');

	await kb.press('j');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[1]}"] [data-test=comment]`);
	await kb.press('r');
	await kb.type('Second answer, and solved.');
	await kb.press('Escape'); // out of the text box: s is a key of the page again
	await kb.press('s');
	await page.waitForSelector('[data-test=submit-as-solved]:focus');
	await kb.press('Enter');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[1]}"] [data-test=ticket-status][data-status=solved]`);

	await kb.press('j');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[2]}"] [data-test=comment]`);
	await kb.press('k');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[1]}"]`);
	await kb.press('j');
	await page.waitForSelector(`[data-test=ticket][data-id="${order[2]}"] [data-test=comment]`);
	await kb.press('r');
	await kb.type('Third answer.');
	await kb.press('Control+Enter');
	await page.waitForFunction(() => document.querySelector('[data-test=composer-body]').value === '');
	await kb.press('j');
	await page.waitForSelector('.toast >> text=last ticket of the queue');
	assert.equal(new URL(page.url()).pathname, `/agent/tickets/${order[2]}`);

	const bodies = [];
	for (const id of order)
		bodies.push((await srv.api('GET', `/api/v2/tickets/${id}/comments`)).json.comments.map((c) => c.body).slice(1));
	assert.deepEqual(bodies, [['First answer.'], ['Second answer, and solved.'], ['Third answer.']]);
	assert.equal((await serverTicket(order[1])).status, 'solved');
	assert.equal((await serverTicket(order[0])).status, 'open');
	tab.assertClean();
	await tab.close();
});

it('past the last ticket the list showed, j reads the queue again for one that came in since', async () => {
	const tag = 'laterq';
	const first = await newTicket('Before the list', { tags: [tag] });
	const tab = await agentTab();
	const { page } = tab;
	await page.goto(`${srv.base}/agent/queues/unassigned?filter=tags:${tag}`);
	await page.waitForSelector(`[data-test=ticket-row][data-id="${first.id}"]`);
	await page.keyboard.press('Enter');
	await page.waitForSelector(`[data-test=ticket][data-id="${first.id}"] [data-test=comment]`);
	const later = await newTicket('After the list', { tags: [tag] });
	await page.keyboard.press('j');
	await page.waitForSelector(`[data-test=ticket][data-id="${later.id}"] [data-test=comment]`);
	assert.equal(await page.textContent('[data-test=walk-position]'), '2 / 2');
	await page.keyboard.press('k');
	await page.waitForSelector(`[data-test=ticket][data-id="${first.id}"]`);
	tab.assertClean();
	await tab.close();
});

// Boxes of the page's parts, in the viewport's coordinates.
const boxes = (page) => page.evaluate(() => {
	const box = (sel) => {
		const r = document.querySelector(sel).getBoundingClientRect();
		return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
	};
	const all = document.querySelectorAll('[data-test=comment]');
	const last = all[all.length - 1].getBoundingClientRect();
	return { conversation: box('[data-test=conversation]'), composer: box('[data-test=composer]'),
		side: box('.ticket-side'), last: { top: last.top, bottom: last.bottom }, height: innerHeight,
		scrollWidth: document.documentElement.scrollWidth, width: document.documentElement.clientWidth,
		pageScroll: document.documentElement.scrollHeight - innerHeight };
});

it('at 1366×768 the conversation scrolls on its own, the composer stays in view below it', async () => {
	const t = await newTicket('A long story', { assignee_id: srv.users.agent.id });
	for (let i = 1; i <= 14; i++) {
		const r = await srv.api('PUT', `/api/v2/tickets/${t.id}`, { ticket: { comment: { body: `Message ${i}\n${'More detail. '.repeat(20)}` } } });
		assert.equal(r.status, 200, r.text);
	}
	const tab = await agentTab({ viewport: { width: 1366, height: 768 } });
	const { page } = tab;
	await openTicket(page, t.id);
	await page.waitForFunction(() => document.querySelectorAll('[data-test=comment]').length === 15);
	let b = await boxes(page);
	assert.ok(b.conversation.bottom <= b.composer.top, `the composer covers the conversation: ${JSON.stringify(b)}`);
	assert.ok(b.composer.bottom <= b.height, 'the composer is in view');
	assert.ok(b.side.bottom <= b.height, 'the side panes end in the window (they scroll on their own)');
	assert.ok(b.pageScroll <= 1, 'the window itself does not scroll');
	assert.ok(b.last.bottom <= b.conversation.bottom + 1 && b.last.bottom > b.conversation.top, 'the newest comment is in view');
	assert.ok(await page.$eval('[data-test=conversation]', (el) => el.scrollHeight > el.clientHeight + 100), 'the conversation scrolls');

	await page.$eval('[data-test=conversation]', (el) => { el.scrollTop = 0; });
	await page.fill('[data-test=composer-body]', 'The last word.');
	await page.click('[data-test=submit]');
	await page.waitForFunction(() => [...document.querySelectorAll('[data-test=comment]')].pop().textContent.includes('The last word.'));
	await page.waitForFunction(() => {
		const c = document.querySelector('[data-test=conversation]').getBoundingClientRect();
		const l = [...document.querySelectorAll('[data-test=comment]')].pop().getBoundingClientRect();
		return l.bottom <= c.bottom + 1 && l.top >= c.top - 1;
	});
	b = await boxes(page);
	assert.ok(b.conversation.bottom <= b.composer.top);
	tab.assertClean();
	await tab.close();
});

it('on a phone the panes stack and nothing scrolls sideways', async () => {
	const t = await newTicket('Phone-sized trouble', { assignee_id: srv.users.agent.id, tags: ['a-rather-long-tag-name-that-could-overflow'] });
	const tab = await agentTab({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
	const { page } = tab;
	await openTicket(page, t.id);
	const b = await boxes(page);
	assert.ok(b.scrollWidth <= b.width, `scrolls sideways: ${b.scrollWidth} > ${b.width}`);
	assert.ok(b.side.top >= b.composer.bottom, 'the side panes come below the composer');
	assert.ok(b.conversation.bottom <= b.composer.top);
	tab.assertClean();
	await tab.close();
});

it('the ticket page speaks Ukrainian', async () => {
	const t = await newTicket('Українська сторінка');
	const tab = await agentTab({ locale: 'uk-UA' });
	const { page } = tab;
	await page.selectOption('#locale', 'uk'); // the agent's own setting is English
	await openTicket(page, t.id);
	assert.equal((await page.textContent('[data-test=submit]')).trim(), 'Надіслати як «Відкрито»');
	assert.match(await page.textContent('[data-test=composer]'), /Прикріпити файли/);
	assert.match(await page.textContent('[data-test=composer]'), /потім наступне звернення/);
	assert.equal((await page.textContent('[data-test=take-it]')).trim(), 'взяти собі');
	await page.keyboard.press('s');
	assert.equal((await page.textContent('[data-test=submit-as-solved]')).trim(), 'Надіслати як «Вирішено»');
	await page.keyboard.press('Escape');
	await page.waitForSelector('[data-test=submit-as-solved]', { state: 'detached' });
	tab.assertClean();
	await tab.close();
});
