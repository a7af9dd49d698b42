// A real IMAP server for tests: Debian's dovecot on a free loopback port,
// with one mailbox (support@shop.test / secret) kept as a maildir that
// tests deliver into as an MTA's local delivery would.
//
//   const imap = await startImap();
//   await imap.deliver(rawMessage);
//   imap.url                      // imap://127.0.0.1:PORT
//   await imap.flags()            // the maildir flags of each message
//   await imap.cleanup();
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { freePort, sleep } from './server.mjs';

export const IMAP_USER = 'support@shop.test';
export const IMAP_PASSWORD = 'secret';

function owner() {
	// root runs dovecot's mail processes as nobody; anyone else as themselves
	if (process.getuid() !== 0)
		return { uid: process.getuid(), gid: process.getgid(), name: os.userInfo().username,
			group: execFileSync('id', ['-gn']).toString().trim() };
	const id = (flag) => Number(execFileSync('id', [flag, 'nobody']).toString());
	return { uid: id('-u'), gid: id('-g'), name: 'nobody' };
}

export async function startImap() {
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'frontline-imap-'));
	const port = await freePort();
	const who = owner();
	const root = process.getuid() === 0;
	const box = path.join(dir, 'mail', IMAP_USER);
	for (const d of ['run', 'state', 'home', 'mail', path.join('mail', IMAP_USER), ...['new', 'cur', 'tmp'].map((x) => path.join('mail', IMAP_USER, x))])
		await fs.mkdir(path.join(dir, d), { recursive: true });
	await fs.chmod(dir, 0o755);
	await fs.writeFile(path.join(dir, 'passwd'), `${IMAP_USER}:{PLAIN}${IMAP_PASSWORD}\n`);
	const unprivileged = root ? '' : `default_internal_user = ${who.name}
default_internal_group = ${who.group}
default_login_user = ${who.name}
service imap-login {
  user = ${who.name}
  chroot =
}
service auth {
  user = ${who.name}
}
service anvil {
  user = ${who.name}
  chroot =
}
`;
	await fs.writeFile(path.join(dir, 'dovecot.conf'), `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${who.uid} gid=${who.gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
${unprivileged}`);
	if (root)
		for (const d of ['mail', 'home'])
			execFileSync('chown', ['-R', `${who.uid}:${who.gid}`, path.join(dir, d)]);
	const proc = spawn('/usr/sbin/dovecot', ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'ignore' });
	const exited = new Promise((r) => proc.on('exit', r));
	for (let i = 0; ; i++) {
		const ok = await new Promise((r) => {
			const c = net.connect(port, '127.0.0.1', () => { c.end(); r(true); });
			c.on('error', () => r(false));
		});
		if (ok)
			break;
		if (i > 100 || proc.exitCode !== null)
			throw new Error(`dovecot did not start: ${await fs.readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => '')}`);
		await sleep(50);
	}
	let n = 0;
	return {
		url: `imap://127.0.0.1:${port}`,
		/** Puts a message in INBOX as an MTA's local delivery does. */
		async deliver(raw) {
			const name = `${Date.now()}.${process.pid}_${n++}.frontline-test`;
			const tmp = path.join(box, 'tmp', name);
			await fs.writeFile(tmp, raw);
			if (root)
				await fs.chown(tmp, who.uid, who.gid);
			await fs.rename(tmp, path.join(box, 'new', name));
		},
		/** The flag letters of every message (maildir ":2,FLAGS"; "" when new). */
		async flags() {
			const out = [];
			for (const sub of ['new', 'cur'])
				for (const f of await fs.readdir(path.join(box, sub)))
					out.push(sub === 'new' ? '' : (f.split(':2,')[1] ?? ''));
			return out;
		},
		async keywords() {
			return (await fs.readFile(path.join(box, 'dovecot-keywords'), 'utf8').catch(() => ''));
		},
		async cleanup() {
			if (proc.exitCode === null) {
				proc.kill('SIGTERM');
				await exited;
			}
			await fs.rm(dir, { recursive: true, force: true });
		},
	};
}
