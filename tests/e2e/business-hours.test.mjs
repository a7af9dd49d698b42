// Admin → Business hours in a real browser (issue 13): an admin makes a
// Kyiv schedule, Monday to Friday 09:00–18:00, shortens Friday, adds a
// holiday range, and finds all of it after a reload — and in the API as the
// right minutes from Sunday 00:00; an overlapping range is refused in the
// admin's words next to the day; the section works in Ukrainian and
// Lithuanian, at a phone's width and at 1366×768 without sideways scrolling.
// The week's conversion (web/agent/workweek.js) is checked here in Node too.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { it, openDesk } from './lib/browser.mjs';
import { toDays, toIntervals, summary } from '../../web/agent/workweek.js';

const BASE = '/api/v2/business_hours/schedules';
const DAY = 1440;
// minutes from Sunday 00:00 of a day's local time
const at = (day, hh, mm = 0) => day * DAY + hh * 60 + mm;

let desk, srv;

before(async () => {
	desk = await openDesk();
	srv = desk.srv;
});
after(async () => { await desk?.close(); });

// Signs tab in as the admin with the workspace in its locale's language
// (chosen on this browser, as the switcher keeps it), then opens path.
async function asAdmin(tab, path) {
	await tab.page.addInitScript((l) => localStorage.setItem('fl.locale', l), tab.locale.slice(0, 2));
	await tab.signIn(srv.admin);
	await tab.goto(path);
}

// A refused save is a 422 the browser logs; nothing else may go wrong.
const REFUSALS = [/status of 422\b/];

async function schedule(id) {
	const r = await srv.api('GET', `${BASE}/${id}`);
	assert.equal(r.status, 200, r.text);
	return r.json.schedule;
}

// The page is no wider than its window: nothing to scroll sideways to.
async function fits(page) {
	const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
	assert.ok(scroll <= client, `the page is ${scroll}px wide in a ${client}px window`);
}

const day = (page, n) => page.locator(`[data-test=day][data-day="${n}"]`);

it('the week in minutes: Monday first, a range past midnight, Saturday night into Sunday', () => {
	const week = [{ start_time: at(1, 9), end_time: at(1, 18) }, { start_time: at(4, 22), end_time: at(5, 2) },
		{ start_time: 0, end_time: at(0, 2) }, { start_time: at(6, 22), end_time: 7 * DAY }];
	const days = toDays(week);
	assert.deepEqual(days[1], [{ from: '09:00', to: '18:00' }]);
	assert.deepEqual(days[4], [{ from: '22:00', to: '02:00' }], 'Thursday night is one range on Thursday');
	assert.deepEqual(days[6], [{ from: '22:00', to: '02:00' }], 'the end of the week and its start are Saturday night');
	assert.deepEqual(days[0], [], 'Sunday has nothing of its own');
	assert.deepEqual(toIntervals(days).sort((a, b) => a.start_time - b.start_time),
		[...week].sort((a, b) => a.start_time - b.start_time));
	assert.deepEqual(toDays([{ start_time: 0, end_time: 7 * DAY }]).map((d) => d.length), [1, 1, 1, 1, 1, 1, 1]);
	assert.deepEqual(toIntervals([[], [], [], [], [], [{ from: '00:00', to: '00:00' }], []]),
		[{ start_time: at(5, 0), end_time: at(6, 0) }], '00:00–00:00 is the whole day');
	assert.throws(() => toIntervals([[], [{ from: '09:00', to: '' }], [], [], [], [], []]), (e) => e.day === 1 && e.index === 0);
	// runs of equal days, Monday first; Sunday after Saturday
	const open = toDays([1, 2, 3, 5, 6, 0].map((d) => ({ start_time: at(d, 9), end_time: at(d, 17) })));
	assert.deepEqual(summary(open).map((r) => [r.first, r.last]), [[1, 3], [5, 0]]);
});

it('an admin makes a Kyiv schedule, shortens Friday, adds holidays; all of it is kept (in Ukrainian)', async () => {
	await desk.withTab({ locale: 'uk-UA', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await asAdmin(tab, '/agent/admin/hours');
		await page.waitForSelector('text=Розкладів ще немає.');
		assert.equal(await page.locator('nav[aria-label="Адміністрування"] a[aria-current=page]').textContent(), 'Робочі години');

		await page.getByLabel('Назва', { exact: true }).fill('Київський офіс');
		await page.getByLabel('Часовий пояс', { exact: true }).fill('Europe/Kyiv');
		await page.getByRole('button', { name: 'Створити' }).click();
		await page.waitForSelector('[data-test=week]');
		const id = Number(/\/agent\/admin\/hours\/(\d+)$/.exec(page.url())[1]);
		assert.equal((await schedule(id)).time_zone, 'Europe/Kyiv');

		// a new schedule is Monday to Friday 09:00–17:00: make it 18:00, by the labels people hear
		assert.equal(await day(page, 6).locator('[data-test=day-open]').isChecked(), false);
		for (const n of [1, 2, 3, 4, 5])
			await day(page, n).locator('[data-test=to]').fill('18:00');
		await page.getByRole('button', { name: 'Зберегти тиждень' }).click();
		await page.waitForSelector('text=Збережено.');
		assert.deepEqual((await schedule(id)).intervals,
			[1, 2, 3, 4, 5].map((d) => ({ start_time: at(d, 9), end_time: at(d, 18) })));
		// the summary is drawn from the schedule read back after the save, a moment after "saved"
		await page.waitForFunction(() => /09:00–18:00$/.test(document.querySelector('[data-test=schedule-summary]').textContent));
		assert.match(await page.textContent('[data-test=schedule-summary]'), /^Europe\/Kyiv · [^;]+ 09:00–18:00$/);

		const friday = await day(page, 5).locator('legend').textContent();
		await page.getByLabel(`${friday}, проміжок 1: до`, { exact: true }).fill('16:00');
		await page.getByRole('button', { name: 'Зберегти тиждень' }).click();
		await page.waitForFunction(() => /09:00–16:00/.test(document.querySelector('[data-test=schedule-summary]').textContent));
		const week = [1, 2, 3, 4].map((d) => ({ start_time: at(d, 9), end_time: at(d, 18) }))
			.concat({ start_time: at(5, 9), end_time: at(5, 16) });
		assert.deepEqual((await schedule(id)).intervals, week);
		assert.match(await page.textContent('[data-test=schedule-summary]'), /09:00–18:00; \S+ 09:00–16:00$/);

		// a holiday range: New Year, three days; Christmas, left one day by leaving the last day empty
		const holidays = page.locator('[data-test=holidays]');
		await holidays.getByLabel('Свято', { exact: true }).fill('Новорічні свята');
		await holidays.getByLabel('Перший день', { exact: true }).fill('2026-12-31');
		await holidays.getByLabel('Останній день', { exact: true }).fill('2027-01-02');
		await holidays.getByRole('button', { name: 'Додати', exact: true }).click();
		await page.waitForSelector('[data-test=holiday-row]');
		await holidays.getByLabel('Свято', { exact: true }).fill('Різдво');
		await holidays.getByLabel('Перший день', { exact: true }).fill('2026-12-25');
		await holidays.getByRole('button', { name: 'Додати', exact: true }).click();
		await page.waitForFunction(() => document.querySelectorAll('[data-test=holiday-row]').length === 2);
		const r = await srv.api('GET', `${BASE}/${id}/holidays`);
		assert.deepEqual(r.json.holidays.map(({ name, start_date, end_date }) => [name, start_date, end_date]),
			[['Різдво', '2026-12-25', '2026-12-25'], ['Новорічні свята', '2026-12-31', '2027-01-02']]);

		// after a reload: the week, the holidays, dates in Ukrainian
		await page.reload();
		await page.waitForSelector('[data-test=holiday-row]');
		assert.equal(await day(page, 1).locator('[data-test=to]').inputValue(), '18:00');
		assert.equal(await day(page, 5).locator('[data-test=to]').inputValue(), '16:00');
		assert.equal(await day(page, 0).locator('[data-test=day-open]').isChecked(), false);
		const rows = page.locator('[data-test=holiday-row]');
		assert.equal(await rows.nth(0).locator('[data-test=holiday-name]').textContent(), 'Різдво');
		assert.match(await rows.nth(0).locator('[data-test=holiday-dates]').textContent(), /^25 груд\. 2026/);
		assert.match(await rows.nth(1).locator('[data-test=holiday-dates]').textContent(), /31 груд.*2 січ.*2027.*\(3 дні\)$/);

		// an overlapping range on Friday: refused, said next to Friday in Ukrainian, nothing written
		await day(page, 5).locator('[data-test=add-range]').click();
		await day(page, 5).locator('[data-test=from]').nth(1).fill('15:00');
		await day(page, 5).locator('[data-test=to]').nth(1).fill('17:00');
		await page.getByRole('button', { name: 'Зберегти тиждень' }).click();
		const problem = day(page, 5).locator('[data-test=problem]');
		await problem.waitFor();
		assert.match(await problem.textContent(), /^\S+ 15:00–17:00 перетинається з \S+ 09:00–16:00: проміжки можуть стикатися/);
		assert.match(await problem.locator('[data-test=problem-detail]').textContent(), new RegExp(`${at(5, 15)} to ${at(5, 17)} overlaps`));
		assert.equal(await day(page, 5).getAttribute('aria-describedby'), 'day-5-problem');
		assert.deepEqual((await schedule(id)).intervals, week);

		// the list: name, zone, the week in a line
		await page.getByRole('link', { name: 'Усі розклади' }).click();
		const row = page.locator('[data-test=schedule-row]');
		await row.waitFor();
		assert.equal(await row.locator('[data-test=schedule-zone]').textContent(), 'Europe/Kyiv');
		assert.match(await row.locator('[data-test=schedule-week]').textContent(), /^\S+–\S+ 09:00–18:00; \S+ 09:00–16:00$/);
	});
});

it('in Lithuanian: a range past midnight, an unknown zone and a backwards holiday refused in words, a holiday edited and deleted, a schedule deleted', async () => {
	const made = await srv.api('POST', BASE, { schedule: { name: 'Vilniaus biuras', time_zone: 'Europe/Vilnius' } });
	assert.equal(made.status, 201, made.text);
	const id = made.json.schedule.id;
	await desk.withTab({ locale: 'lt-LT', allow: REFUSALS }, async (tab) => {
		const { page } = tab;
		await asAdmin(tab, `/agent/admin/hours/${id}`);
		await page.waitForSelector('[data-test=week]');

		// Saturday night: 22:00–02:00 goes on into Sunday at the start of the week
		await day(page, 6).getByLabel('Dirba', { exact: true }).check();
		await day(page, 6).locator('[data-test=from]').fill('22:00');
		await day(page, 6).locator('[data-test=to]').fill('02:00');
		assert.match(await day(page, 6).textContent(), /kitą dieną/);
		await page.getByRole('button', { name: 'Išsaugoti savaitę' }).click();
		await page.waitForSelector('text=Išsaugota.');
		const intervals = (await schedule(id)).intervals;
		assert.deepEqual(intervals.slice(0, 1), [{ start_time: 0, end_time: 120 }]);
		assert.deepEqual(intervals.slice(-1), [{ start_time: at(6, 22), end_time: 7 * DAY }]);
		await page.reload();
		await page.waitForSelector('[data-test=week]');
		assert.equal(await day(page, 6).locator('[data-test=from]').inputValue(), '22:00');
		assert.equal(await day(page, 6).locator('[data-test=to]').inputValue(), '02:00');
		assert.equal(await day(page, 0).locator('[data-test=day-open]').isChecked(), false);

		// an unknown time zone: refused next to the field, the old one kept
		const details = page.locator('[data-test=schedule-details]');
		await details.getByLabel('Laiko juosta', { exact: true }).fill('Europe/Atlantis');
		await details.getByRole('button', { name: 'Išsaugoti' }).click();
		const zoneProblem = page.locator('#hours-zone-problem');
		await zoneProblem.waitFor();
		assert.match(await zoneProblem.textContent(), /^Tokios laiko juostos nėra tz duomenų bazėje/);
		assert.match(await zoneProblem.textContent(), /Europe\/Atlantis/, 'the server\'s own sentence is kept');
		assert.equal(await details.getByLabel('Laiko juosta', { exact: true }).getAttribute('aria-invalid'), 'true');
		assert.equal((await schedule(id)).time_zone, 'Europe/Vilnius');
		await details.getByLabel('Laiko juosta', { exact: true }).fill('Europe/Riga');
		await details.getByLabel('Pavadinimas', { exact: true }).fill('Rygos biuras');
		await details.getByRole('button', { name: 'Išsaugoti' }).click();
		await page.waitForFunction(() => document.querySelector('[data-test=schedule-title]').textContent === 'Rygos biuras');
		assert.equal((await schedule(id)).time_zone, 'Europe/Riga');
		assert.equal(await zoneProblem.count(), 0);

		// a holiday that ends before it starts: refused next to the last day
		const holidays = page.locator('[data-test=holidays]');
		await holidays.getByLabel('Šventė', { exact: true }).fill('Joninės');
		await holidays.getByLabel('Pirma diena', { exact: true }).fill('2027-06-24');
		await holidays.getByLabel('Paskutinė diena', { exact: true }).fill('2027-06-23');
		await holidays.getByRole('button', { name: 'Pridėti', exact: true }).click();
		const endProblem = page.locator('#holiday-new-end-problem');
		await endProblem.waitFor();
		assert.match(await endProblem.textContent(), /^Paskutinė diena yra ankstesnė už pirmą\./);
		assert.deepEqual((await srv.api('GET', `${BASE}/${id}/holidays`)).json.holidays, []);
		await holidays.getByLabel('Paskutinė diena', { exact: true }).fill('2027-06-24');
		await holidays.getByRole('button', { name: 'Pridėti', exact: true }).click();
		const row = page.locator('[data-test=holiday-row]');
		await row.waitFor();
		assert.match(await row.locator('[data-test=holiday-dates]').textContent(), /^2027-06-24$/, 'Lithuanian dates are written year first');

		// edited into a two-day holiday, in place
		await row.getByRole('button', { name: 'Keisti šventę Joninės' }).click();
		const edit = page.locator('form.holiday-edit');
		await edit.getByLabel('Paskutinė diena', { exact: true }).fill('2027-06-25');
		await edit.getByRole('button', { name: 'Išsaugoti' }).click();
		await page.waitForFunction(() => /2 dienos/.test(document.querySelector('[data-test=holiday-dates]')?.textContent || ''));
		const [h] = (await srv.api('GET', `${BASE}/${id}/holidays`)).json.holidays;
		assert.deepEqual([h.name, h.start_date, h.end_date], ['Joninės', '2027-06-24', '2027-06-25']);

		// a holiday's delete asks first: Escape takes the question back, "Ištrinti" deletes
		await row.getByRole('button', { name: 'Ištrinti šventę Joninės' }).click();
		await page.waitForFunction(() => document.activeElement?.dataset.test === 'holiday-delete-yes');
		await page.keyboard.press('Escape');
		await page.waitForFunction(() => document.activeElement?.dataset.test === 'holiday-delete');
		assert.equal((await srv.api('GET', `${BASE}/${id}/holidays`)).json.holidays.length, 1);
		await row.getByRole('button', { name: 'Ištrinti šventę Joninės' }).click();
		await page.click('[data-test=holiday-delete-yes]');
		await page.waitForSelector('text=Švenčių dar nėra.');
		assert.deepEqual((await srv.api('GET', `${BASE}/${id}/holidays`)).json.holidays, []);

		// deleted from the list, asked once more on the page
		await page.getByRole('link', { name: 'Visi grafikai' }).click();
		const mine = page.locator(`[data-test=schedule-row][data-id="${id}"]`);
		await mine.waitFor();
		await mine.getByRole('button', { name: 'Ištrinti grafiką Rygos biuras' }).click();
		assert.match(await mine.textContent(), /Ištrinti „Rygos biuras“ kartu su šventėmis\?/);
		await page.waitForFunction(() => document.activeElement?.dataset.test === 'schedule-delete-yes');
		await page.keyboard.press('Enter'); // the confirmation has the focus
		await mine.waitFor({ state: 'detached' });
		assert.equal((await srv.api('GET', `${BASE}/${id}`)).status, 404);
	});
});

it('fits a phone (in Ukrainian) and a 1366×768 screen (in Russian) without sideways scrolling; Tab walks the times', async () => {
	const made = await srv.api('POST', BASE, { schedule: { name: 'Служба підтримки — Київ, нічна зміна та вихідні', time_zone: 'America/Argentina/Buenos_Aires' } });
	assert.equal(made.status, 201, made.text);
	const id = made.json.schedule.id;
	const h = await srv.api('POST', `${BASE}/${id}/holidays`,
		{ holiday: { name: 'День Конституції України', start_date: '2027-06-28', end_date: '2027-06-29' } });
	assert.equal(h.status, 201, h.text);
	const screens = [[{ width: 375, height: 740 }, 'uk-UA', 'Робочі години'], [{ width: 1366, height: 768 }, 'ru-RU', 'Рабочие часы']];
	for (const [viewport, locale, title] of screens)
		await desk.withTab({ locale, viewport }, async (tab) => {
			await asAdmin(tab, '/agent/admin/hours');
			await tab.ready('[data-test=schedule-row]');
			assert.equal(await tab.page.textContent('a[aria-current=page][href="/agent/admin/hours"]'), title);
			await fits(tab.page);
			await tab.goto(`/agent/admin/hours/${id}`);
			await tab.ready('[data-test=holiday-row]');
			await fits(tab.page);
			// keyboard: Tab goes from a range's first time (through its hour,
			// minute … fields) to its second, nothing between
			await day(tab.page, 1).locator('[data-test=from]').focus();
			let at = 'from';
			for (let i = 0; i < 5 && at === 'from'; i++) {
				await tab.page.keyboard.press('Tab');
				at = await tab.page.evaluate(() => document.activeElement.dataset.test);
			}
			assert.equal(at, 'to');
			await tab.page.keyboard.type('1830');
			assert.equal(await day(tab.page, 1).locator('[data-test=to]').inputValue(), '18:30');
		});
});
