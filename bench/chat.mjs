#!/usr/bin/env node
// The measuring half of bench/chat.sh: live chat on one node — what an
// idle visitor's open stream costs the server, whether the streams stay
// open on heartbeats alone, and the message latency both ways while some
// chats talk.
//
//   node bench/chat.mjs --url http://127.0.0.1:PORT --token ADMIN_TOKEN --agents AGENTS.json
//        --pid SERVER_PID [--idle 1000] [--active 100] [--seconds 30] [--rate 1] [--hold 75]
//
// AGENTS.json: [{"id": N, "token": "…"}, …], agents enough for --active
// chats at --capacity (FL_CHAT_CAPACITY_MAX, 20) each.
//
// Every visitor speaks from a loopback address of its own (127.5.X.Y:
// Linux routes all of 127/8 to lo), as visitors on a company's site come
// from addresses of their own: the strangers' limits (8 new visitors a
// minute, 8 messages a second an address) and the connection guard's 128
// connections an address then count per visitor, as in production.
//
// 1. Chat on (pre-chat form: name optional, nothing else); each agent's
//    capacity set (PUT /api/v2/chat/agents/{id}, by the admin), each agent
//    online. ACTIVE visitors start a chat and an agent accepts each (the
//    one routing offered it to when it has room); then IDLE visitors start
//    one, which stays queued (the agents are full).
// 2. The server's VmRSS and open descriptors (/proc/PID) before and after
//    the IDLE visitors open GET /chat/api/stream: the difference over IDLE
//    is a connection's cost.
// 3. The ACTIVE visitors open their streams and every agent GET
//    /api/v2/events; GET /healthz is measured at 1 and 8 connections: the
//    ceiling.
// 4. For --seconds, each active chat, at its own phase, every 1/RATE s:
//    the visitor posts a message; the agent, hearing chat.message on their
//    events stream, fetches GET /api/v2/chats/{id}/messages?after=SEQ —
//    visitor → agent latency is from the POST sent to that fetch's answer
//    holding the text; the agent answers at once with a message of their
//    own, which the visitor hears on their stream and fetches from
//    /chat/api/chats/{id}/messages?after=SEQ — agent → visitor likewise.
//    Meanwhile GET /healthz every 50 ms: the ceiling under the load.
// 5. The idle streams are kept until they have been open --hold seconds
//    (past libmicrohttpd's 60 s idle timeout, so that only the 15 s
//    heartbeats keep them), then each is checked: still open, heartbeats
//    received.
//
// Prints one JSON object. Exit status 1 when any request failed (non-2xx,
// a socket error), a message was not delivered, or a stream closed.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';

const o = { url: null, token: null, agents: null, pid: 0, idle: 1000, active: 100, seconds: 30, rate: 1,
	hold: 75, capacity: 20 };
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i], v = () => process.argv[++i];
	if (a === '--url') o.url = v();
	else if (a === '--token') o.token = v();
	else if (a === '--agents') o.agents = v();
	else if (a === '--pid') o.pid = Number(v());
	else if (['--idle', '--active', '--seconds', '--rate', '--hold', '--capacity'].includes(a))
		o[a.slice(2)] = Number(v());
	else {
		process.stderr.write(`chat.mjs: unknown argument ${a}\n`);
		process.exit(2);
	}
}
const u = o.url && new URL(o.url);
if (!u || u.protocol !== 'http:' || u.hostname !== '127.0.0.1' || !o.token || !o.agents || !o.pid) {
	process.stderr.write('chat.mjs: --url http://127.0.0.1:PORT, --token, --agents and --pid are required\n');
	process.exit(2);
}
const agents = JSON.parse(readFileSync(o.agents, 'utf8'));
if (agents.length * o.capacity < o.active) {
	process.stderr.write(`chat.mjs: ${agents.length} agents of ${o.capacity} chats cannot take ${o.active}\n`);
	process.exit(2);
}
const log = (s) => process.stderr.write(`chat: ${s}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = 0;
const firstFailures = [];
const fail = (what) => {
	failures++;
	if (firstFailures.length < 8)
		firstFailures.push(what);
};
// nearest rank
const pct = (s, p) => (s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] : null);
const r2 = (x) => (x == null ? null : Number(x.toFixed(2)));
const summary = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return { n: s.length, p50_ms: r2(pct(s, 50)), p90_ms: r2(pct(s, 90)), p99_ms: r2(pct(s, 99)),
		max_ms: r2(s.at(-1)) };
};

// one keep-alive pool for the talk (node pools its sockets by host, port
// and local address, as a browser would keep its connections); the setup's
// requests close theirs, so that the memory before the streams is not
// counting 1,100 kept-alive connections
const pool = new http.Agent({ keepAlive: true, maxSockets: 4 });
const noKeep = new http.Agent({ keepAlive: false, maxSockets: Infinity });
let agentFor = noKeep;
let requests = 0;
const status429 = { count: 0 };

/** One request; resolves {status, json, text}; never rejects (a socket error is status 0). */
function request(method, path, body, { from, token, bearer, timeout = 30000 } = {}) {
	const headers = {};
	let payload = null;
	if (token)
		headers['x-chat-token'] = token;
	if (bearer)
		headers.authorization = `Bearer ${bearer}`;
	if (body != null) {
		payload = JSON.stringify(body);
		headers['content-type'] = 'application/json';
		headers['content-length'] = Buffer.byteLength(payload);
	}
	requests++;
	return new Promise((resolve) => {
		const req = http.request(u.origin + path, { method, headers, agent: agentFor, localAddress: from }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json = null;
				try { json = JSON.parse(text); } catch { /* not JSON */ }
				if (res.statusCode === 429)
					status429.count++;
				resolve({ status: res.statusCode, json, text });
			});
			res.on('error', (err) => resolve({ status: 0, text: err.message }));
		});
		req.setTimeout(timeout, () => req.destroy(new Error(`no answer in ${timeout} ms`)));
		req.on('error', (err) => resolve({ status: 0, text: err.message }));
		req.end(payload);
	});
}

/** request(), and a failure recorded unless the status is expected. */
async function must(what, method, path, body, opts, ok = [200, 201, 204]) {
	const r = await request(method, path, body, opts);
	if (!ok.includes(r.status))
		fail(`${what}: ${method} ${path}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
	return r;
}

/**
 * An event stream (Server-Sent Events) opened from address from: calls
 * onEvent({id, event, data}) per event; counts heartbeats (": ping").
 * Resolves the stream once its headers came: {status, pings, events,
 * open, closedAt, lastByteAt, close()}.
 */
function stream(path, { from, bearer, onEvent }) {
	return new Promise((resolve) => {
		const headers = bearer ? { authorization: `Bearer ${bearer}` } : {};
		const s = { status: 0, pings: 0, events: 0, open: false, closedAt: 0, lastByteAt: 0, error: null };
		// agent false: a socket of its own, outside the pool
		const req = http.request(u.origin + path, { headers, agent: false, localAddress: from }, (res) => {
			s.status = res.statusCode;
			s.open = res.statusCode === 200;
			s.openedAt = performance.now();
			s.close = () => {
				s.closing = true;
				req.destroy();
			};
			let buf = '';
			res.setEncoding('utf8');
			res.on('data', (d) => {
				s.lastByteAt = performance.now();
				buf += d;
				let i;
				while ((i = buf.indexOf('\n\n')) >= 0) {
					const block = buf.slice(0, i);
					buf = buf.slice(i + 2);
					if (block.startsWith(': ping')) {
						s.pings++;
						continue;
					}
					const ev = {};
					for (const line of block.split('\n')) {
						const m = /^(id|event|data): (.*)$/.exec(line);
						if (m)
							ev[m[1]] = m[2];
					}
					if (!ev.event)
						continue;
					s.events++;
					try { ev.data = JSON.parse(ev.data); } catch { ev.data = null; }
					onEvent?.(ev);
				}
			});
			const closed = (why) => {
				if (!s.open)
					return;
				s.open = false;
				s.closedAt = performance.now();
				s.error = why;
			};
			res.on('end', () => closed('ended by the server'));
			res.on('error', (err) => closed(err.message));
			res.on('close', () => closed('closed'));
			resolve(s);
		});
		req.on('error', (err) => {
			if (!s.status) {
				s.error = err.message;
				resolve(s);
			} else if (s.open) {
				s.open = false;
				s.closedAt = performance.now();
				s.error = err.message;
			}
		});
		req.end();
	});
}

/** The server's VmRSS (KiB) and open descriptors. */
function proc() {
	const st = readFileSync(`/proc/${o.pid}/status`, 'utf8');
	const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(st)?.[1] ?? NaN);
	let fds = null;
	try { fds = readdirSync(`/proc/${o.pid}/fd`).length; } catch { /* gone */ }
	return { rss_kb: kb('VmRSS'), hwm_kb: kb('VmHWM'), threads: kb('Threads'), fds };
}

/** The server's CPU seconds so far (user + system; the kernel counts in 1/100 s). */
function cpuSeconds() {
	const st = readFileSync(`/proc/${o.pid}/stat`, 'utf8');
	const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
	return (Number(f[11]) + Number(f[12])) / 100;
}

/** Runs fn over items with at most n in flight. */
async function each(items, n, fn) {
	let next = 0;
	await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			await fn(items[i], i);
		}
	}));
}

let addressN = 0;
/** A loopback address no other visitor of this run used (127.5.X.Y, Y 1..254). */
function newAddress() {
	const n = addressN++;
	return `127.5.${Math.floor(n / 254)}.${(n % 254) + 1}`;
}

/** The store's counters from /metrics: transactions' seconds, commits, writes. */
async function dbCounters() {
	const r = await request('GET', '/metrics', null, { from: '127.0.0.1' });
	const num = (k) => Number(new RegExp(`^${k} ([0-9.e+]+)$`, 'm').exec(r.text)?.[1] ?? NaN);
	return { seconds: num('frontline_db_seconds_total'), commits: num('frontline_db_commits_total'),
		writes: num('frontline_db_writes_total'), t: performance.now() };
}

async function healthz(samples, connections) {
	const times = [];
	let next = 0;
	const t0 = performance.now();
	await Promise.all(Array.from({ length: connections }, async () => {
		while (next++ < samples) {
			const a = performance.now();
			const r = await request('GET', '/healthz', null, { from: '127.0.0.1' });
			if (r.status !== 200)
				fail(`GET /healthz: HTTP ${r.status}`);
			times.push(performance.now() - a);
		}
	}));
	const secs = (performance.now() - t0) / 1000;
	return { connections, rps: Number((times.length / secs).toFixed(1)), ...summary(times) };
}

// ---- 1. chat on, agents online, the chats started -----------------------------------
const admin = { bearer: o.token, from: '127.0.0.1' };
await must('chat settings', 'PUT', '/api/v2/chat/settings', { settings: { enabled: true,
	prechat: { name: 'optional', email: 'off', topic: 'off' } } }, admin);
const agentOf = new Map(agents.map((a) => [a.id, { ...a, chats: new Set() }]));
for (const a of agents) {
	await must('capacity', 'PUT', `/api/v2/chat/agents/${a.id}`, { capacity: o.capacity }, admin);
	await must('online', 'PUT', '/api/v2/agent_availabilities/me', { agent_availability: { status: 'online' } },
		{ bearer: a.token, from: '127.0.0.1' });
}

let clientN = 0;
const clientId = (who) => `b${process.pid}-${who}-${++clientN}`;

/** A visitor with a started chat: {from, token, visitorId, chat}. */
async function visitorWithChat(label) {
	const from = newAddress();
	const v = await must('new visitor', 'POST', '/chat/api/visitors', { locale: 'en' }, { from }, [201]);
	if (v.status !== 201)
		return null;
	const token = v.json.token;
	const s = await must('start chat', 'POST', '/chat/api/chats', { name: `Bench ${label}`,
		message: { client_id: clientId('start'), body: `Hello, this is ${label}` } }, { from, token }, [201]);
	if (s.status !== 201)
		return null;
	return { from, token, visitorId: v.json.visitor_id, chat: s.json.chat, lastSeq: s.json.chat.last_seq };
}

const t0 = performance.now();
log(`starting ${o.active} chats that ${agents.length} agents accept`);
const active = [];
for (let i = 0; i < o.active; i++) {
	const v = await visitorWithChat(`active ${i + 1}`);
	if (!v)
		continue;
	// the agent routing offered it to, when there is one; else anyone with room
	const order = [...agentOf.values()].sort((a, b) => (b.id === v.chat.offered_to) - (a.id === v.chat.offered_to) ||
		a.chats.size - b.chats.size);
	let taken = null;
	for (const a of order) {
		if (a.chats.size >= o.capacity)
			continue;
		const r = await request('POST', `/api/v2/chats/${v.chat.id}/accept`, {}, { bearer: a.token, from: '127.0.0.1' });
		if (r.status === 200) {
			taken = a;
			break;
		}
	}
	if (!taken) {
		fail(`chat ${v.chat.id}: no agent could accept it`);
		continue;
	}
	taken.chats.add(v.chat.id);
	v.agent = taken;
	v.agentSeq = v.chat.last_seq;
	active.push(v);
}
log(`starting ${o.idle} chats that wait in the queue`);
const idle = [];
await each(Array.from({ length: o.idle }, (_, i) => i), 8, async (i) => {
	const v = await visitorWithChat(`idle ${i + 1}`);
	if (v)
		idle.push(v);
});
const setupSecs = (performance.now() - t0) / 1000;
log(`${active.length} active and ${idle.length} queued chats in ${setupSecs.toFixed(1)} s`);
const queue = await request('GET', '/api/v2/chat/status', null, { bearer: agents[0].token, from: '127.0.0.1' });

// ---- 2. the idle streams: memory and descriptors -------------------------------------
await sleep(3000); // the writes' afterglow (writer queue, WAL) settles
const before = proc();
log(`opening ${idle.length} idle streams (VmRSS ${before.rss_kb} KiB, ${before.fds} descriptors)`);
const tOpen = performance.now();
const idleStreams = [];
await each(idle, 32, async (v) => {
	const s = await stream(`/chat/api/stream?token=${encodeURIComponent(v.token)}&chat_id=${v.chat.id}`,
		{ from: v.from });
	if (s.status !== 200)
		fail(`idle stream of chat ${v.chat.id}: ${s.status ? `HTTP ${s.status}` : s.error}`);
	idleStreams.push(s);
});
const openSecs = (performance.now() - tOpen) / 1000;
const allOpenAt = performance.now();
await sleep(3000);
const after = proc();
const opened = idleStreams.filter((s) => s.open).length;
const perConn = (k) => (opened ? Number(((after[k] - before[k]) / opened).toFixed(2)) : null);
const memory = { streams: opened, open_seconds: Number(openSecs.toFixed(2)), before, after,
	rss_kb_per_stream: perConn('rss_kb'), fds_per_stream: perConn('fds') };
log(`${opened} idle streams open in ${openSecs.toFixed(1)} s: VmRSS ${after.rss_kb} KiB ` +
	`(${memory.rss_kb_per_stream} KiB a stream), ${after.fds} descriptors`);

// ---- 3. the talking chats' streams, the agents' streams, the ceiling ------------------
agentFor = pool;
const sent = new Map(); // client id -> {t: POST sent, posted: its answer came, measured, reply}
const heard = new Map(); // "chat:seq" -> when the reader's stream told of it
const latency = { visitor_to_agent: [], agent_to_visitor: [] };
// where the time goes: the POST's answer (the write committed) and the
// event on the reader's stream, each from the POST sent
const stages = { visitor_to_agent: { posted: [], heard: [] }, agent_to_visitor: { posted: [], heard: [] } };
let delivered = { visitor_to_agent: 0, agent_to_visitor: 0 };
let measuring = false;
const byChat = new Map(active.map((v) => [v.chat.id, v]));

/** Fetches what the reader (agent or visitor) has not read yet in v's chat; one fetch at a time a side. */
async function fetchNew(v, side) {
	const st = v[side] ?? (v[side] = { busy: false, again: false });
	if (st.busy) {
		st.again = true;
		return;
	}
	st.busy = true;
	do {
		st.again = false;
		const agentSide = side === 'agentFetch';
		const after = agentSide ? v.agentSeq : v.lastSeq;
		const r = agentSide
			? await must('agent fetch', 'GET', `/api/v2/chats/${v.chat.id}/messages?after=${after}`, null,
				{ bearer: v.agent.token, from: '127.0.0.1' })
			: await must('visitor fetch', 'GET', `/chat/api/chats/${v.chat.id}/messages?after=${after}`, null,
				{ token: v.token, from: v.from });
		const at = performance.now();
		for (const m of r.json?.messages ?? []) {
			if (agentSide)
				v.agentSeq = Math.max(v.agentSeq, m.seq);
			else
				v.lastSeq = Math.max(v.lastSeq, m.seq);
			const want = agentSide ? 'visitor' : 'agent';
			if (m.author !== want)
				continue;
			const s = sent.get(m.client_id);
			if (!s || s.got || !m.body.startsWith('bench '))
				continue;
			s.got = true;
			const dir = agentSide ? 'visitor_to_agent' : 'agent_to_visitor';
			delivered[dir]++;
			if (s.measured) {
				latency[dir].push(at - s.t);
				const h = heard.get(`${v.chat.id}:${m.seq}`);
				if (h)
					stages[dir].heard.push(h - s.t);
			}
			heard.delete(`${v.chat.id}:${m.seq}`);
			if (agentSide && s.reply)
				reply(v);
		}
	} while (st.again);
	st.busy = false;
}

/** The agent answers v's chat. */
async function reply(v) {
	const cid = clientId(`a${v.chat.id}`);
	const s = { t: performance.now(), measured: measuring };
	sent.set(cid, s);
	const r = await must('agent message', 'POST', `/api/v2/chats/${v.chat.id}/messages`,
		{ client_id: cid, body: `bench answer to chat ${v.chat.id}` }, { bearer: v.agent.token, from: '127.0.0.1' },
		[201]);
	s.posted = performance.now();
	if (s.measured)
		stages.agent_to_visitor.posted.push(s.posted - s.t);
	if (r.status !== 201)
		s.got = true; // not posted: nothing to wait for (counted as a failure)
}

log(`opening ${active.length} talking visitors' streams and ${agents.length} agents' streams`);
const talkStreams = [];
await each(active, 16, async (v) => {
	const s = await stream(`/chat/api/stream?token=${encodeURIComponent(v.token)}&chat_id=${v.chat.id}`, {
		from: v.from,
		onEvent: (ev) => {
			if (ev.event === 'chat.message' && ev.data?.author === 'agent') {
				heard.set(`${v.chat.id}:${ev.data.seq}`, performance.now());
				fetchNew(v, 'visitorFetch');
			}
			else if (ev.event === 'reset')
				fetchNew(v, 'visitorFetch');
		},
	});
	if (s.status !== 200)
		fail(`talking stream of chat ${v.chat.id}: ${s.status ? `HTTP ${s.status}` : s.error}`);
	talkStreams.push(s);
});
const agentStreams = [];
for (const a of agentOf.values()) {
	const s = await stream('/api/v2/events', {
		from: '127.0.0.1', bearer: a.token,
		onEvent: (ev) => {
			if (ev.event === 'reset') {
				for (const id of a.chats)
					fetchNew(byChat.get(id), 'agentFetch');
				return;
			}
			if (ev.event !== 'chat.message' || ev.data?.author !== 'visitor' || !a.chats.has(ev.data.chat_id))
				return;
			heard.set(`${ev.data.chat_id}:${ev.data.seq}`, performance.now());
			fetchNew(byChat.get(ev.data.chat_id), 'agentFetch');
		},
	});
	if (s.status !== 200)
		fail(`agent ${a.id}'s events: ${s.status ? `HTTP ${s.status}` : s.error}`);
	agentStreams.push(s);
}
await sleep(1000);
log('the ceiling: GET /healthz at 1 and 8 connections');
await healthz(100, 1);
const ceiling = { 1: await healthz(1000, 1), 8: await healthz(2000, 8) };

// ---- 4. the talk ------------------------------------------------------------------------
log(`${active.length} chats exchange a message every ${(1 / o.rate).toFixed(2)} s for ${o.seconds} s`);
const period = 1000 / o.rate;
const healthUnderLoad = [];
let stop = false;
const db0 = await dbCounters();
const cpu0 = cpuSeconds();
const me0 = process.cpuUsage();
const tLoad = performance.now();
const req0 = requests;
const talkers = active.map((v, i) => (async () => {
	await sleep((i * period) / active.length);
	for (let n = 1; !stop; n++) {
		const due = performance.now() + period;
		const cid = clientId(`v${v.chat.id}`);
		const s = { t: performance.now(), measured: true, reply: true };
		sent.set(cid, s);
		const r = await must('visitor message', 'POST', `/chat/api/chats/${v.chat.id}/messages`,
			{ client_id: cid, body: `bench message ${n} from chat ${v.chat.id}` }, { token: v.token, from: v.from },
			[201]);
		s.posted = performance.now();
		stages.visitor_to_agent.posted.push(s.posted - s.t);
		if (r.status !== 201)
			s.got = true; // not posted: nothing to wait for (counted as a failure)
		const rest = due - performance.now();
		if (rest > 0)
			await sleep(rest);
	}
})());
measuring = true;
const prober = (async () => {
	while (!stop) {
		const a = performance.now();
		const r = await request('GET', '/healthz', null, { from: '127.0.0.1' });
		if (r.status !== 200)
			fail(`GET /healthz under load: HTTP ${r.status}`);
		healthUnderLoad.push(performance.now() - a);
		await sleep(50);
	}
})();
const rssDuring = [];
const sampler = setInterval(() => rssDuring.push(proc().rss_kb), 1000);
await sleep(o.seconds * 1000);
stop = true;
await Promise.all(talkers);
const loadSecs = (performance.now() - tLoad) / 1000;
const loadRequests = requests - req0;
await prober;
const db1 = await dbCounters();
const cpu1 = cpuSeconds();
const me1 = process.cpuUsage(me0);
const dbSecs = (db1.t - db0.t) / 1000;
const store = { writes_per_s: Number(((db1.writes - db0.writes) / dbSecs).toFixed(1)),
	commits_per_s: Number(((db1.commits - db0.commits) / dbSecs).toFixed(1)),
	writes_per_commit: Number(((db1.writes - db0.writes) / Math.max(1, db1.commits - db0.commits)).toFixed(2)),
	tx_seconds_per_s: Number(((db1.seconds - db0.seconds) / dbSecs).toFixed(3)),
	server_cpu_per_s: Number(((cpu1 - cpu0) / dbSecs).toFixed(3)),
	client_cpu_per_s: Number(((me1.user + me1.system) / 1e6 / dbSecs).toFixed(3)) };
// what was sent arrives, or is lost
const drainUntil = performance.now() + 10000;
const pending = () => [...sent.values()].filter((s) => !s.got).length;
while (pending() && performance.now() < drainUntil)
	await sleep(100);
measuring = false;
clearInterval(sampler);
const lost = pending();
if (lost)
	fail(`${lost} messages not delivered within 10 s of the end`);

// ---- 5. the idle streams, held ------------------------------------------------------------
const holdLeft = o.hold * 1000 - (performance.now() - allOpenAt);
if (holdLeft > 0) {
	log(`holding the idle streams ${(holdLeft / 1000).toFixed(0)} s more (${o.hold} s in all)`);
	await sleep(holdLeft);
}
const heldSecs = (performance.now() - allOpenAt) / 1000;
const stillOpen = idleStreams.filter((s) => s.open).length;
const pings = idleStreams.filter((s) => s.status === 200).map((s) => s.pings).sort((a, b) => a - b);
const silentFor = idleStreams.filter((s) => s.open).map((s) => (performance.now() - s.lastByteAt) / 1000);
const closed = idleStreams.filter((s) => s.status === 200 && !s.open);
if (stillOpen < idle.length)
	fail(`${idle.length - stillOpen} idle streams closed within ${heldSecs.toFixed(0)} s: ` +
		`${[...new Set(closed.map((s) => s.error))].join(', ')}`);
for (const s of [...talkStreams, ...agentStreams])
	if (s.status === 200 && !s.open)
		fail(`a talking or agent stream closed: ${s.error}`);
const end = proc();
for (const s of [...idleStreams, ...talkStreams, ...agentStreams])
	s.close?.();
pool.destroy();
noKeep.destroy();

const msgs = delivered.visitor_to_agent + delivered.agent_to_visitor;
const ceilingLoad = summary(healthUnderLoad);
const v2a = summary(latency.visitor_to_agent), a2v = summary(latency.agent_to_visitor);
const out = {
	idle: o.idle, active: o.active, agents: agents.length, capacity: o.capacity, rate: o.rate,
	setup: { seconds: Number(setupSecs.toFixed(1)), chats_per_s: Number(((active.length + idle.length) / setupSecs).toFixed(1)),
		status: queue.json?.status ?? null },
	memory,
	held: { seconds: Number(heldSecs.toFixed(1)), streams: idleStreams.filter((s) => s.status === 200).length,
		still_open: stillOpen, pings_min: pings[0] ?? null, pings_max: pings.at(-1) ?? null,
		longest_silence_s: r2(Math.max(0, ...silentFor)) },
	ceiling,
	load: { seconds: Number(loadSecs.toFixed(1)), requests: loadRequests, requests_per_s: Number((loadRequests / loadSecs).toFixed(1)),
		messages: msgs, messages_per_s: Number((msgs / loadSecs).toFixed(1)),
		vs_ceiling_rps: Number((loadRequests / loadSecs / ceiling[8].rps).toFixed(4)),
		rss_kb_max: Math.max(...rssDuring), rss_kb_min: Math.min(...rssDuring) },
	visitor_to_agent: v2a, agent_to_visitor: a2v,
	stages: Object.fromEntries(Object.entries(stages).map(([k, x]) => [k, { posted: summary(x.posted),
		heard: summary(x.heard) }])),
	healthz_under_load: ceilingLoad,
	store,
	goal: { what: 'visitor → agent p99 < 50 ms', met: v2a.p99_ms != null && v2a.p99_ms < 50 },
	end,
	rate_limited: status429.count, lost, failures, first_failures: firstFailures,
};
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(failures ? 1 : 0);
