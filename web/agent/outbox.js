// Admin → Outgoing mail: what the desk writes to customers (GET
// /api/v2/outbox), and one message as its reader gets it. With no relay set
// up nothing leaves: a banner says so, and the messages — a customer's
// sign-in link among them — can be read and passed on from here.
import { html } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t, formatDate } from '../shared/i18n.js';
import { useRoute } from './router.js';
import { Ago, ErrorBanner, useLoad } from './ui.js';

// Mail leaves when both the relay and our address are set (mail/outbound.h).
function NoRelay() {
	const [res] = useLoad(() => get('/api/v2/mail/settings'), []);
	const s = res && res.mail_settings;
	if (!s || (s.smtp_url && s.from_address))
		return null;
	return html`<div class="banner info" role="status" data-test="no-relay">
		${t('outbox.no_relay')} <a href="/agent/admin/settings">${t('outbox.configure')}</a></div>`;
}

const URL_RE = /https?:\/\/[^\s<>"]+/g;

// Plain text with its web addresses as links that open in a new tab.
function Linked({ text }) {
	const out = [];
	let at = 0;
	for (const m of text.matchAll(URL_RE)) {
		const url = m[0].replace(/[.,;:!?)]+$/, '');
		out.push(text.slice(at, m.index));
		out.push(html`<a href=${url} target="_blank" rel="noopener noreferrer">${url}</a>`);
		at = m.index + url.length;
	}
	out.push(text.slice(at));
	return html`<div class="body" data-test="outbox-text">${out}</div>`;
}

function Reader({ id }) {
	const [res, error] = useLoad(() => get(`/api/v2/outbox/${id}`), [id]);
	const m = res && res.outbox_mail;
	if (!m)
		return html`<${ErrorBanner} error=${error} />`;
	const from = m.from_name ? `${m.from_name} <${m.from}>` : m.from;
	// sanitized by the server; in a frame without scripts, links in new tabs
	const doc = m.html && `<!doctype html><html class="mail"><meta charset="utf-8"><base target="_blank"><link rel="stylesheet" href="/assets/app.css"><body class="mail">${m.html}</body>`;
	return html`<article class="panel" aria-labelledby="outbox-subject" data-test="outbox-reader">
		<p><a href="/agent/admin/outbox">← ${t('outbox.back')}</a></p>
		<h2 id="outbox-subject">${m.subject}</h2>
		<dl class="props">
			<dt>${t('outbox.from')}</dt><dd>${from}</dd>
			<dt>${t('outbox.to')}</dt><dd data-test="outbox-to">${m.to.join(', ')}</dd>
			<dt>${t('outbox.date')}</dt><dd>${formatDate(m.created_at)}</dd>
			<dt>${t('outbox.state')}</dt><dd>${t(`outbox.state.${m.state}`)}${m.error ? ` — ${t('outbox.error', { error: m.error })}` : ''}</dd>
			<dt>${t('outbox.kind')}</dt><dd>${t(`outbox.kind.${m.kind}`)}${m.ticket_id
				? html` — <a href="/agent/tickets/${m.ticket_id}">${t('outbox.ticket', { id: m.ticket_id })}</a>` : ''}</dd>
		</dl>
		<div class="comment">${doc
			? html`<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc=${doc} height="400"
				title=${m.subject} data-test="outbox-html"></iframe>`
			: html`<${Linked} text=${m.text} />`}</div>
		<p><a href="/api/v2/outbox/${m.id}/raw" target="_blank" rel="noopener">${t('outbox.raw')}</a></p>
	</article>`;
}

function List() {
	const [res, error] = useLoad(() => get('/api/v2/outbox?page[size]=100'), []);
	const list = (res && res.outbox_mails) || [];
	return html`<${ErrorBanner} error=${error} />
		<p class="muted">${t('outbox.hint')}</p>
		${res && !list.length ? html`<p data-test="outbox-empty">${t('outbox.empty')}</p>` : html`
		<table class="list"><thead><tr><th>${t('outbox.to')}</th><th>${t('ticket.subject')}</th>
			<th>${t('outbox.kind')}</th><th>${t('outbox.state')}</th><th>${t('outbox.date')}</th></tr></thead>
		<tbody>${list.map((m) => html`<tr key=${m.id} data-test="outbox-row">
			<td>${m.to.join(', ')}</td><td><a href="/agent/admin/outbox/${m.id}">${m.subject}</a></td>
			<td>${t(`outbox.kind.${m.kind}`)}</td><td>${t(`outbox.state.${m.state}`)}</td>
			<td class="muted"><${Ago} at=${m.created_at} /></td></tr>`)}</tbody></table>`}`;
}

export function Outbox() {
	const id = useRoute().parts[2];
	return html`<${NoRelay} />${/^\d+$/.test(id || '') ? html`<${Reader} id=${Number(id)} />` : html`<${List} />`}`;
}
