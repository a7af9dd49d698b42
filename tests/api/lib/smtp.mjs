// A real SMTP server for tests: Debian's aiosmtpd on a free loopback port,
// writing every message it accepts into a maildir that tests read.
//
//   const smtp = await startSmtp();
//   const m = await smtp.waitFor((msg) => msg.headers.subject.includes('#3'));
//   m.headers['in-reply-to'], m.text   // the text/plain part, decoded
//   await smtp.stop();
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { freePort, sleep } from './server.mjs';

const PYTHON = '/usr/bin/python3'; // Debian's, which has python3-aiosmtpd

function decodeQP(s) {
	const bytes = [];
	const t = s.replace(/=\r?\n/g, '');
	for (let i = 0; i < t.length; i++) {
		if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) {
			bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			bytes.push(...Buffer.from(t[i], 'utf8'));
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

/** Headers (lower-case names, unfolded) and the first text/plain part. */
export function parseMessage(raw) {
	const [head, ...rest] = raw.split(/\r?\n\r?\n/);
	const headers = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i > 0)
			headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
	}
	headers.subject = (headers.subject ?? '').replace(/=\?UTF-8\?B\?([^?]*)\?=/gi,
		(_, b) => Buffer.from(b, 'base64').toString('utf8')).replace(/\?=\s+=\?/g, '');
	let text = rest.join('\n\n');
	const b = /boundary="([^"]+)"/.exec(head);
	if (b) { // the text/plain part of a multipart message
		const part = raw.split(`--${b[1]}`).find((p) => /Content-Type: text\/plain/i.test(p));
		text = part ? part.split(/\r?\n\r?\n/).slice(1).join('\n\n').replace(/\r?\n$/, '') : '';
	}
	if (/quoted-printable/i.test(raw))
		text = decodeQP(text);
	return { raw, headers, text };
}

export async function startSmtp(port) {
	const top = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-smtp-'));
	const dir = path.join(top, 'maildir'); // aiosmtpd makes the maildir only when it is not there
	const s = { dir, port: port ?? await freePort(), proc: null };
	s.start = async () => {
		s.proc = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${s.port}`,
			'-c', 'aiosmtpd.handlers.Mailbox', dir], { stdio: 'ignore' });
		s.exited = new Promise((r) => s.proc.on('exit', r));
		for (let i = 0; i < 100; i++) { // until it listens
			const net = await import('node:net');
			const ok = await new Promise((r) => {
				const c = net.connect(s.port, '127.0.0.1', () => { c.end(); r(true); });
				c.on('error', () => r(false));
			});
			if (ok)
				return;
			await sleep(50);
		}
		throw new Error('aiosmtpd did not start');
	};
	s.stop = async () => {
		if (s.proc && s.proc.exitCode === null) {
			s.proc.kill('SIGTERM');
			await s.exited;
		}
		s.proc = null;
	};
	s.messages = async () => {
		const out = [];
		for (const sub of ['new', 'cur']) {
			let names = [];
			try { names = await fs.readdir(path.join(dir, sub)); } catch { /* none yet */ }
			for (const n of names.sort())
				out.push(parseMessage(await fs.readFile(path.join(dir, sub, n), 'utf8')));
		}
		return out;
	};
	s.waitFor = async (pred, ms = 15_000) => {
		const until = Date.now() + ms;
		for (;;) {
			const hit = (await s.messages()).find(pred);
			if (hit)
				return hit;
			if (Date.now() > until)
				throw new Error(`no such message in ${ms} ms; got ${JSON.stringify((await s.messages()).map((m) => m.headers.subject))}`);
			await sleep(100);
		}
	};
	s.cleanup = async () => {
		await s.stop();
		await fs.rm(top, { recursive: true, force: true });
	};
	await s.start();
	return s;
}
