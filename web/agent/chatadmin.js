// Admin → Chat: the widget's settings (GET/PUT /api/v2/chat/settings) —
// on or off, its colour, title and greeting in the four languages, which
// pre-chat fields it asks (required, optional or not at all), the topics a
// visitor picks from, the business hours it is open, the group its chats
// go to, how long an offer waits for an agent, the sites allowed to embed
// it — each agent's chat capacity (PUT /api/v2/chat/agents/{id}), and the
// snippet to paste into a site, made with this desk's public address.
// What the server refuses is said under the field it names (a 422's
// details); what names no field here, above the form.
import { html, useState } from '../shared/html.js';
import { get, put } from '../shared/api.js';
import { t, LOCALES, LOCALE_NAMES } from '../shared/i18n.js';
import { state } from './data.js';
import { Field, Problem } from './hours.js';
import { ErrorBanner, toast, useLoad } from './ui.js';
import './chatwords.js';

const SETTINGS = '/api/v2/chat/settings';
const PRECHAT = ['name', 'email', 'topic'];
const ASK = ['required', 'optional', 'off'];
const OFFER_MIN = 5, OFFER_MAX = 600; // seconds
// the settings' fields the form shows a refusal under
const SHOWN = ['enabled', 'color', 'title', 'greeting', 'prechat', 'topics', 'schedule_id', 'group_id', 'offer_seconds',
	'allowed_origins'];

const blank = () => Object.fromEntries(LOCALES.map((l) => [l, '']));

// The settings as the form edits them: every language present, the
// origins as lines of text.
function editable(s) {
	return {
		enabled: !!s.enabled,
		color: s.color || '#1f5fbf',
		title: { ...blank(), ...(s.title || {}) },
		greeting: { ...blank(), ...(s.greeting || {}) },
		prechat: { name: 'optional', email: 'optional', topic: 'off', ...(s.prechat || {}) },
		topics: (s.topics || []).map((x) => ({ key: x.key || '', label: { ...blank(), ...(x.label || {}) } })),
		schedule_id: s.schedule_id || 0,
		group_id: s.group_id || 0,
		offer_seconds: s.offer_seconds ?? 30,
		origins: (s.allowed_origins || []).join('\n'),
	};
}

// The form's values as the API takes them.
function asSettings(v) {
	return {
		enabled: v.enabled, color: v.color, title: v.title, greeting: v.greeting, prechat: v.prechat,
		topics: v.topics.map((x) => ({ key: x.key.trim(), label: x.label })),
		schedule_id: Number(v.schedule_id) || 0, group_id: Number(v.group_id) || 0,
		offer_seconds: Number(v.offer_seconds),
		allowed_origins: v.origins.split(/[\s,]+/).map((o) => o.trim()).filter(Boolean),
	};
}

// The server's details by field name, as said for the form: "title.uk",
// "topics[1].key" and "topics.1.key" are the same field.
const norm = (k) => String(k).replace(/\[(\d+)\]/g, '.$1').replace(/^settings\./, '');
function problems(err) {
	const out = new Map();
	if (!err || err.status !== 422)
		return out;
	for (const [k, list] of Object.entries(err.fields)) {
		const first = Array.isArray(list) ? list[0] : list;
		out.set(norm(k), { text: (first && first.description) || err.message });
	}
	return out;
}

export function ChatSettings() {
	const [res, error] = useLoad(() => get(SETTINGS), []);
	const [hours] = useLoad(() => get('/api/v2/business_hours/schedules').catch(() => ({ schedules: [] })), []);
	const [v, setV] = useState(null);
	const [err, setErr] = useState(null);
	const [busy, setBusy] = useState(false);
	const loaded = res && (res.settings || res);
	if (!loaded)
		return html`<${ErrorBanner} error=${error} /><p class="muted">${t('loading')}</p>`;
	const s = v || editable(loaded);
	const set = (patch) => setV({ ...s, ...patch });
	const said = problems(err);
	const under = (f, k) => f === k || f.startsWith(`${k}.`);
	const problem = (key) => {
		const k = norm(key);
		for (const [f, p] of said)
			if (under(f, k))
				return p;
		return null;
	};
	// what names none of the form's fields
	const rest = [...said].filter(([f]) => !SHOWN.some((k) => under(f, k)));

	async function save(e) {
		e.preventDefault();
		setBusy(true);
		try {
			await put(SETTINGS, { settings: asSettings(s) });
			setErr(null);
			toast(t('chat.admin.saved'));
		} catch (x) {
			setErr(x);
		} finally {
			setBusy(false);
		}
	}

	const langs = (field) => html`<div class="row chat-langs">${LOCALES.map((l) => html`<${Field} id="chat-${field}-${l}"
		label=${`${t(`chat.admin.${field}_h`)} (${LOCALE_NAMES[l]})`} problem=${problem(`${field}.${l}`)}>${(a) => (field === 'greeting'
		? html`<textarea ...${a} lang=${l} rows="2" maxlength="500" value=${s[field][l]} data-test="chat-${field}-${l}"
			onInput=${(e) => set({ [field]: { ...s[field], [l]: e.target.value } })}></textarea>`
		: html`<input ...${a} lang=${l} maxlength="100" value=${s[field][l]} data-test="chat-${field}-${l}"
			onInput=${(e) => set({ [field]: { ...s[field], [l]: e.target.value } })} />`)}</${Field}>`)}</div>`;
	const topic = (x, i) => html`<div class="chat-topic" data-test="chat-topic">
		<div class="row">
			<${Field} id="chat-topic-${i}-key" label=${t('chat.admin.topic_key')} problem=${problem(`topics.${i}.key`)}>${(a) => html`<input ...${a}
				value=${x.key} maxlength="40" data-test="chat-topic-key"
				onInput=${(e) => set({ topics: s.topics.map((y, j) => (j === i ? { ...y, key: e.target.value } : y)) })} />`}</${Field}>
			${LOCALES.map((l) => html`<${Field} id="chat-topic-${i}-${l}" label=${`${t('chat.admin.topic_label')} (${LOCALE_NAMES[l]})`}
				problem=${problem(`topics.${i}.label.${l}`)}>${(a) => html`<input ...${a} lang=${l} value=${x.label[l]} maxlength="100"
				data-test="chat-topic-${l}"
				onInput=${(e) => set({ topics: s.topics.map((y, j) => (j === i ? { ...y, label: { ...y.label, [l]: e.target.value } } : y)) })} />`}</${Field}>`)}
			<button type="button" class="danger" onClick=${() => set({ topics: s.topics.filter((y, j) => j !== i) })}
				data-test="chat-topic-remove">${t('admin.delete')}</button>
		</div></div>`;
	return html`<form class="panel" onSubmit=${save} aria-labelledby="chat-settings-title" data-test="chat-settings" noValidate>
		<h2 id="chat-settings-title">${t('chat.admin.title')}</h2>
		${err && err.status !== 422 && html`<${ErrorBanner} error=${err} />`}
		<label class="inline"><input type="checkbox" checked=${s.enabled} onChange=${(e) => set({ enabled: e.target.checked })}
			data-test="chat-enabled" /> ${t('chat.admin.enabled')}</label>
		<${Problem} id="chat-enabled-problem" problem=${problem('enabled')} />
		<${Field} id="chat-color" label=${t('chat.admin.color')} problem=${problem('color')}>${(a) => html`<div class="row">
			<input ...${a} type="text" value=${s.color} maxlength="7" style="width:7em" data-test="chat-color"
				onInput=${(e) => set({ color: e.target.value })} />
			<input type="color" class="chat-swatch" value=${/^#[0-9a-f]{6}$/i.test(s.color) ? s.color : '#1f5fbf'} aria-label=${t('chat.admin.color')}
				onInput=${(e) => set({ color: e.target.value })} /></div>`}</${Field}>
		<h3>${t('chat.admin.title_h')}</h3>${langs('title')}
		<h3>${t('chat.admin.greeting_h')}</h3>${langs('greeting')}
		<h3>${t('chat.admin.prechat')}</h3>
		<div class="row">${PRECHAT.map((f) => html`<${Field} id="chat-prechat-${f}" label=${t(`chat.admin.prechat.${f}`)}
			problem=${problem(`prechat.${f}`)}>${(a) => html`<select ...${a} value=${s.prechat[f]} data-test="chat-prechat-${f}"
			onChange=${(e) => set({ prechat: { ...s.prechat, [f]: e.target.value } })}>
			${ASK.map((x) => html`<option value=${x}>${t(`chat.admin.ask.${x}`)}</option>`)}</select>`}</${Field}>`)}</div>
		<h3>${t('chat.admin.topics')}</h3>
		<${Problem} id="chat-topics-problem" problem=${said.get('topics')} />
		${s.topics.map(topic)}
		<button type="button" onClick=${() => set({ topics: [...s.topics, { key: '', label: blank() }] })}
			data-test="chat-topic-add">${t('chat.admin.topic_add')}</button>
		<h3>${t('chat.admin.routing')}</h3>
		<div class="row">
			<${Field} id="chat-schedule" label=${t('chat.admin.schedule')} problem=${problem('schedule_id')}>${(a) => html`<select ...${a}
				value=${String(s.schedule_id)} onChange=${(e) => set({ schedule_id: Number(e.target.value) })} data-test="chat-schedule">
				<option value="0">${t('chat.admin.always')}</option>
				${((hours && hours.schedules) || []).map((x) => html`<option value=${String(x.id)}>${x.name}</option>`)}</select>`}</${Field}>
			<${Field} id="chat-group" label=${t('chat.admin.group')} problem=${problem('group_id')}>${(a) => html`<select ...${a}
				value=${String(s.group_id)} onChange=${(e) => set({ group_id: Number(e.target.value) })} data-test="chat-group">
				<option value="0">${t('chat.admin.no_group')}</option>
				${state.groups.map((g) => html`<option value=${String(g.id)}>${g.name}</option>`)}</select>`}</${Field}>
			<${Field} id="chat-offer" label=${t('chat.admin.offer_seconds')} problem=${problem('offer_seconds')}
				hint=${t('chat.admin.offer_hint', { min: OFFER_MIN, max: OFFER_MAX })}>${(a) => html`<input ...${a} type="number"
				value=${s.offer_seconds} style="width:7em" data-test="chat-offer-seconds"
				onInput=${(e) => set({ offer_seconds: e.target.value })} />`}</${Field}>
		</div>
		<${Field} id="chat-origins" label=${t('chat.admin.origins')} problem=${problem('allowed_origins')}
			hint=${t('chat.admin.origins_hint')}>${(a) => html`<textarea ...${a} rows="3" value=${s.origins}
			placeholder="https://shop.example" data-test="chat-origins" onInput=${(e) => set({ origins: e.target.value })}></textarea>`}</${Field}>
		${rest.length > 0 && html`<div class="banner error" role="alert" data-test="chat-settings-problems">
			${rest.map(([f, p]) => html`<div>${f}: ${p.text}</div>`)}</div>`}
		<button class="primary" type="submit" disabled=${busy} data-test="chat-settings-save">${t('save')}</button>
	</form>
	<${Snippet} />
	<${Capacities} />`;
}

// The script tag a company pastes into its site: our public address (Admin
// → Settings), else the address this page came from.
function Snippet() {
	const [res] = useLoad(() => get('/api/v2/account/settings').catch(() => null), []);
	const base = String((res && res.settings && res.settings.public_url) || location.origin).replace(/\/+$/, '');
	const code = `<script src="${base}/chat/widget.js" async></script>`;
	async function copy(e) {
		const area = e.currentTarget.closest('section').querySelector('textarea');
		try {
			await navigator.clipboard.writeText(code);
		} catch {
			area.select(); // the agent copies it themselves (no clipboard over plain http)
			return;
		}
		toast(t('chat.admin.copied'));
	}
	return html`<section class="panel" aria-labelledby="chat-embed-title" data-test="chat-embed">
		<h2 id="chat-embed-title">${t('chat.admin.embed')}</h2>
		<p class="hint" id="chat-embed-hint">${t('chat.admin.embed_hint')}</p>
		<label class="sr-only" for="chat-embed-code">${t('chat.admin.embed')}</label>
		<textarea id="chat-embed-code" class="chat-snippet" readonly aria-describedby="chat-embed-hint"
			onFocus=${(e) => e.target.select()} data-test="chat-snippet" value=${code}></textarea>
		<button type="button" onClick=${copy} data-test="chat-snippet-copy">${t('chat.admin.copy')}</button>
	</section>`;
}

// Each agent's chat capacity: how many chats at once (0: none).
function Capacities() {
	const agents = state.agents;
	const [res, error, reload] = useLoad(() => Promise.all(agents.map((a) => get(`/api/v2/chat/agents/${a.id}`)
		  .then((r) => [a.id, (r.agent || r).capacity], () => [a.id, null]))).then((l) => Object.fromEntries(l)), []);
	const [edits, setEdits] = useState({});
	const [err, setErr] = useState({});
	async function save(a) {
		try {
			await put(`/api/v2/chat/agents/${a.id}`, { capacity: Number(edits[a.id]) });
			setErr({ ...err, [a.id]: null });
			toast(t('ticket.saved'));
			reload();
		} catch (x) {
			setErr({ ...err, [a.id]: x });
		}
	}
	return html`<section class="panel" aria-labelledby="chat-capacity-title" data-test="chat-capacities">
		<h2 id="chat-capacity-title">${t('chat.admin.capacity')}</h2>
		<p class="hint">${t('chat.admin.capacity_hint')}</p>
		<${ErrorBanner} error=${error} />
		<table class="list"><tbody>${agents.map((a) => {
			const value = edits[a.id] ?? (res && res[a.id] != null ? String(res[a.id]) : '');
			const p = err[a.id] && { text: (problems(err[a.id]).get('capacity') || {}).text || err[a.id].message };
			return html`<tr key=${a.id} data-test="chat-capacity-row" data-agent=${a.id}><td>${a.name}</td>
				<td><form class="row" onSubmit=${(e) => { e.preventDefault(); save(a); }}>
					<label class="sr-only" for="chat-cap-${a.id}">${t('chat.capacity')}</label>
					<input id="chat-cap-${a.id}" type="number" min="0" max="20" style="width:5em" value=${value}
						aria-invalid=${p ? 'true' : undefined} aria-describedby=${p ? `chat-cap-${a.id}-problem` : undefined}
						onInput=${(e) => setEdits({ ...edits, [a.id]: e.target.value })} data-test="chat-capacity" />
					<button type="submit">${t('save')}</button>
					<${Problem} id="chat-cap-${a.id}-problem" problem=${p} /></form></td></tr>`;
		})}</tbody></table></section>`;
}
