// The loader a company pastes into its pages:
//
//   <script src="https://desk.example/chat/widget.js" data-locale="uk" async></script>
//
// It adds a launcher button and the chat itself, an iframe of /chat/frame
// from our origin, both inside a shadow root so the host page's CSS cannot
// reach them. The frame does all the talking to our API (same-origin there:
// no CORS, no cookies); this script makes no request of its own, so a host
// CSP needs only script-src and frame-src for our origin. Styles go through
// a constructed stylesheet and the CSSOM, which a strict style-src does not
// block. The frame tells us its colour, unread count and when to close by
// postMessage; we believe only messages from our origin and our frame.
// No innerHTML anywhere, so a page that enforces Trusted Types works too.
(() => {
	const me = document.currentScript;
	if (!me || window.__flChat)
		return; // pasted twice: one launcher
	window.__flChat = 1;
	const origin = new URL(me.src).origin;
	const WORDS = {
		en: ['Chat with us', 'Close chat', 'Chat'],
		uk: ['Напишіть нам', 'Закрити чат', 'Чат'],
		ru: ['Напишите нам', 'Закрыть чат', 'Чат'],
		lt: ['Parašykite mums', 'Uždaryti pokalbį', 'Pokalbis'],
	};
	// data-locale, else the page's language, else the browser's
	const locale = [me.dataset.locale, document.documentElement.lang, navigator.language]
		.map((l) => String(l || '').toLowerCase().split(/[-_]/)[0])
		.find((l) => WORDS[l]) || 'en';
	const [openLabel, closeLabel, frameTitle] = WORDS[locale];

	// On a phone the open chat fills the screen and closes by its own button.
	const CSS = `:host{all:initial}
.b{position:fixed;right:20px;bottom:20px;z-index:2147483647;width:56px;height:56px;border:0;border-radius:50%;
background:var(--c,#2563eb);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;padding:0}
.b:focus-visible{outline:3px solid #111;outline-offset:3px}
.b svg{width:28px;height:28px;fill:currentColor}
.n{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;
font:600 12px/20px system-ui,sans-serif;text-align:center;padding:0 5px;box-sizing:border-box}
.n[hidden],.f[hidden],.b[hidden]{display:none}
.f{position:fixed;right:20px;bottom:88px;z-index:2147483647;width:380px;height:600px;max-height:calc(100vh - 108px);
max-width:calc(100vw - 40px);border:0;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.3);background:#fff}
@media (max-width:480px){.f{right:0;bottom:0;width:100vw;height:100vh;max-width:none;max-height:none;border-radius:0}
.b[aria-expanded=true]{display:none}}`;
	const CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
	const CLOSE = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z';
	const SVG = 'http://www.w3.org/2000/svg';

	const host = document.createElement('div');
	host.setAttribute('data-frontline-chat', '');
	const root = host.attachShadow({ mode: 'open' });
	const sheet = new CSSStyleSheet();
	sheet.replaceSync(CSS);
	root.adoptedStyleSheets = [sheet];

	const frame = document.createElement('iframe');
	frame.className = 'f';
	frame.id = 'fl-chat-frame';
	frame.title = frameTitle;
	frame.hidden = true;
	frame.allow = 'clipboard-write';
	frame.src = `${origin}/chat/frame?locale=${locale}&origin=${encodeURIComponent(location.origin)}`;

	const button = document.createElement('button');
	button.type = 'button';
	button.className = 'b';
	button.setAttribute('aria-controls', frame.id);
	const icon = document.createElementNS(SVG, 'svg');
	icon.setAttribute('viewBox', '0 0 24 24');
	icon.setAttribute('aria-hidden', 'true');
	const path = document.createElementNS(SVG, 'path');
	icon.append(path);
	const badge = document.createElement('span');
	badge.className = 'n';
	badge.hidden = true;
	button.hidden = true; // until the frame is there to open, and says chat is on
	button.append(icon, badge);
	root.append(frame, button);

	// The frame's token and outbox, kept here when the browser gives a
	// third-party frame no storage of its own (see session.js).
	const KEY = 'fl.chat';
	function load() {
		try {
			const data = JSON.parse(localStorage.getItem(KEY) || '{}');
			return data && typeof data === 'object' && !Array.isArray(data) ? data : {};
		} catch (e) {
			return {};
		}
	}
	function save(data) {
		try {
			localStorage.setItem(KEY, JSON.stringify(data));
		} catch (e) { /* no storage here either: the chat lasts as long as the page */ }
	}

	let open = false;
	const post = (msg) => frame.contentWindow && frame.contentWindow.postMessage(msg, origin);
	function show(want, focus) {
		open = want;
		frame.hidden = !open;
		button.setAttribute('aria-expanded', String(open));
		button.setAttribute('aria-label', open ? closeLabel : openLabel);
		path.setAttribute('d', open ? CLOSE : CHAT);
		if (open)
			badge.hidden = true;
		post({ fl: 'chat', type: open ? 'open' : 'close' });
		if (open)
			frame.focus();
		else if (focus)
			button.focus();
	}
	button.addEventListener('click', () => show(!open, true));
	root.addEventListener('keydown', (e) => {
		if (e.key === 'Escape' && open)
			show(false, true);
	});
	window.addEventListener('message', (e) => {
		const d = e.data;
		if (e.origin !== origin || e.source !== frame.contentWindow || !d || d.fl !== 'chat')
			return;
		if (d.type === 'config') {
			if (/^#[0-9a-f]{3,8}$/i.test(d.color || ''))
				button.style.setProperty('--c', d.color);
			// chat turned off in the settings: no launcher at all
			button.hidden = !d.enabled;
			if (!d.enabled)
				show(false);
		} else if (d.type === 'unread') {
			const n = Math.max(0, Math.min(99, d.count | 0));
			badge.textContent = n ? String(n) : '';
			badge.hidden = !n || open;
		} else if (d.type === 'close')
			show(false, true);
		else if (d.type === 'open' && !open)
			show(true);
		else if (d.type === 'hello')
			post({ fl: 'chat', type: 'storage', data: load() });
		else if (d.type === 'store' && d.changes && typeof d.changes === 'object') {
			// applied to what is stored now: another tab's frame may have
			// stored its own messages meanwhile (one key each)
			const data = load();
			for (const k of Object.keys(d.changes)) {
				if (typeof d.changes[k] === 'string')
					data[k] = d.changes[k];
				else
					delete data[k];
			}
			save(data);
		} else if (d.type === 'store' && d.data && typeof d.data === 'object')
			save(d.data);
	});
	show(false);
	// a tag in <head> without async runs before there is a body
	if (document.body)
		document.body.append(host);
	else
		document.addEventListener('DOMContentLoaded', () => document.body.append(host));
})();
