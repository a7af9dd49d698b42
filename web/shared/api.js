// The JSON API, as the browser apps use it: the session cookie, the CSRF
// token the session hands out, errors as exceptions that say what failed.

let csrf = null;

export class ApiError extends Error {
	constructor(status, body) {
		super((body && (body.description || body.error)) || `HTTP ${status}`);
		this.status = status;
		this.body = body || {};
	}
	// "field: reason" pairs from a 422, for showing next to the inputs
	get fields() {
		return this.body.details || {};
	}
}

// Bidirectional overrides, embeddings and isolates (U+202A–U+202E,
// U+2066–U+2069) in a name or subject would turn the text around it on our
// pages — "invoice\u202Efdp.exe" shown as "invoiceexe.pdf", a customer named
// to pass for someone else. The desk keeps what was sent; the apps show
// names and subjects without them. Every answer and live event goes
// through here, so no screen can forget.
const OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;
const SHOWN = new Set(['name', 'subject', 'raw_subject']);
export function neutralize(v) {
	if (Array.isArray(v)) {
		v.forEach((x, i) => { v[i] = neutralize(x); });
	} else if (v && typeof v === 'object') {
		// an audit's change of a subject carries it as value and previous_value
		const change = SHOWN.has(v.field_name);
		for (const k of Object.keys(v))
			v[k] = typeof v[k] === 'string' && (SHOWN.has(k) || (change && k.endsWith('value')))
				? v[k].replace(OVERRIDES, '') : neutralize(v[k]);
	}
	return v;
}

// Listeners told when the session is gone (401 from a signed-in page).
const expired = new Set();
export function onExpired(fn) {
	expired.add(fn);
	return () => expired.delete(fn);
}

export async function api(method, path, body, { raw = false, type } = {}) {
	// X-Requested-With: a 401 then comes without a Basic challenge, which
	// would make the browser ask for a password in its own dialog
	const headers = { Accept: 'application/json', 'X-Requested-With': 'fetch' };
	let payload;
	if (body instanceof FormData) {
		payload = body; // the browser sets multipart/form-data with its boundary
	} else if (body instanceof Blob) {
		payload = body;
		headers['Content-Type'] = type || body.type || 'application/octet-stream';
	} else if (body !== undefined) {
		payload = JSON.stringify(body);
		headers['Content-Type'] = 'application/json';
	}
	if (method !== 'GET' && csrf)
		headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
	} catch (e) {
		throw new ApiError(0, { error: 'Network', description: e.message });
	}
	if (raw)
		return res;
	let data = null;
	if (res.status !== 204) {
		try {
			data = neutralize(await res.json());
		} catch {
			data = null;
		}
	}
	if (!res.ok) {
		if (res.status === 401 && csrf)
			for (const fn of expired) fn();
		throw new ApiError(res.status, data);
	}
	return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

// Who is signed in: the user, or null.
export async function session() {
	try {
		const s = await get('/api/v2/auth/session');
		csrf = s.csrf_token;
		return s.user;
	} catch (e) {
		if (e.status === 401 || e.status === 404) {
			csrf = null;
			return null;
		}
		throw e;
	}
}

export async function signIn(email, password, remember) {
	const s = await post('/api/v2/auth/session', { email, password, remember: !!remember });
	csrf = s.csrf_token;
	return s.user;
}

// Signs in with the token of an e-mailed link.
export async function signInWithLink(token) {
	const s = await post('/api/v2/auth/magic', { token });
	csrf = s.csrf_token;
	return s.user;
}

export async function signOut() {
	try {
		await del('/api/v2/auth/session');
	} finally {
		csrf = null;
	}
}

// Uploads one file; the token goes into a comment's "uploads".
export async function upload(file) {
	const r = await api('POST', `/api/v2/uploads?filename=${encodeURIComponent(file.name)}`, file);
	return r.upload;
}
