// Long non-ASCII subjects and names through real mail ingestion: mailers
// fold them into runs of RFC 2047 encoded words (tests/fixtures/mail/
// words-*.eml, made by tools/mail_fixtures.py), and GMime 3.2.13 lost every
// word after a padded one. The ticket, its requester and the people on Cc
// carry the whole text.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { runCli, startServer } from './lib/server.mjs';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');
const SUBJECT = 'Повернення коштів за замовлення номер 4411 — ґудзик відірвався, їжак і єнот у коробці';

let srv;

before(async () => { srv = await startServer(); });
after(async () => { await srv?.cleanup(); });

/** Delivers a fixture through the mailgate; resolves the ticket it made. */
async function deliver(name) {
	const r = await runCli(['mailgate', '--url', srv.base, '--token', srv.admin.token],
		{ input: await fs.readFile(path.join(FIX, `${name}.eml`)) });
	assert.equal(r.code, 0, `mailgate: ${r.stderr}`);
	const list = await srv.api('GET', '/api/v2/tickets?sort_by=updated_at&sort_order=desc&per_page=1');
	return list.json.tickets[0];
}

async function user(id) {
	return (await srv.api('GET', `/api/v2/users/${id}`)).json.user;
}

describe('encoded words', () => {
	it('a subject and names Python folded into padded utf-8 B words arrive whole', async () => {
		const t = await deliver('words-python');
		assert.equal(t.subject, SUBJECT);
		const requester = await user(t.requester_id);
		assert.equal(requester.name, 'Олександра Костянтинівна Шевченко-Григоренко');
		assert.equal(requester.email, 'oleksandra@example.test');
		const names = await Promise.all(t.collaborator_ids.map(async (id) => (await user(id)).name));
		assert.deepEqual(names.sort(), ['Анастасія Вікторівна Коваленко', 'Богдан'].sort());
	});

	it('utf-8 Q words cut inside characters arrive whole', async () => {
		const t = await deliver('words-q-split');
		assert.equal(t.subject, SUBJECT);
		assert.equal((await user(t.requester_id)).name, 'Тарас Шевчук');
	});

	it('Outlook\'s windows-1251 and koi8-r words arrive whole', async () => {
		const t = await deliver('words-outlook');
		assert.equal(t.subject, 'RE: Возврат денег за разбитую посылку, заказ номер 7302');
		assert.equal((await user(t.requester_id)).name, 'Дмитрий Соколов');
	});
});
