// Signing in: by a link sent to the customer's e-mail (no password to
// remember), or by password. An e-mailed link opens this page with
// #token=..., which signs in at once. A desk that cannot send mail yet keeps
// the link for its administrator (the answer's delivery: "outbox"): the
// page says so instead of promising a mail.
import { html, useState, useEffect, useRef } from '../shared/html.js';
import { post, signIn, signInWithLink } from '../shared/api.js';
import { t, currentLocale } from '../shared/i18n.js';
import { navigate, query, safeNext } from './router.js';
import { useTitle, say, tryLater } from './util.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function problem(e, fallback) {
	if (e.status === 0)
		return { key: 'error.offline' };
	if (e.status === 429)
		return tryLater(e.body && e.body.retry_after);
	return fallback || { key: 'error.generic', vars: { status: e.status } };
}

export function SignIn({ user, onSignedIn }) {
	useTitle(t('signin.title'));
	const [linkState, setLinkState] = useState(() => (/[#&]token=/.test(location.hash) ? 'checking' : null));
	const [linkError, setLinkError] = useState(null);
	const expired = query('expired') === '1';
	const next = safeNext(query('next'));
	const magicEmail = useRef();

	// The token of an e-mailed link: on opening the page, or when the link is
	// pasted into a tab that already shows it (only the fragment changes).
	useEffect(() => {
		const check = () => {
			const m = /[#&]token=([^&]+)/.exec(location.hash);
			if (!m)
				return;
			// forget the token at once: it works only once, and should not stay in the history
			history.replaceState(null, '', location.pathname + location.search);
			let token;
			try {
				token = decodeURIComponent(m[1]);
			} catch {
				token = m[1];
			}
			setLinkState('checking');
			setLinkError(null);
			signInWithLink(token).then((u) => {
				onSignedIn(u);
				navigate(next || '/portal/requests', { replace: true });
			}, (e) => {
				setLinkState(null);
				setLinkError([400, 401, 403, 404, 410, 422].includes(e.status) ? { key: 'signin.linkBad' } : problem(e));
				setTimeout(() => magicEmail.current && magicEmail.current.focus(), 0);
			});
		};
		check();
		addEventListener('hashchange', check);
		return () => removeEventListener('hashchange', check);
	}, []);

	if (linkState === 'checking')
		return html`<div class="p-narrow p-center-text">
			<h1 tabindex="-1">${t('signin.checking')}</h1>
			<p class="muted" role="status">${t('signin.checkingHint')}</p>
		</div>`;

	if (user)
		return html`<div class="p-narrow">
			<h1 tabindex="-1">${t('signin.title')}</h1>
			<div class="card">
				<p data-test="signed-in-as">${t('signin.already', { name: user.name || user.email })}</p>
				<a class="button primary" href=${next || '/portal/requests'}>${t('nav.myRequests')}</a>
			</div>
		</div>`;

	return html`
	<div class="p-narrow">
		<h1 tabindex="-1">${t('signin.title')}</h1>
		<p class="p-lede">${t('signin.lede')}</p>
		${expired && html`<div class="banner info" role="status" data-test="session-expired">${t('signin.expired')}</div>`}
		${linkError && html`<div class="banner error" role="alert" data-test="link-error">${say(linkError)}</div>`}
		<div class="p-signin">
			<${MagicLink} inputRef=${magicEmail} onSent=${() => setLinkError(null)} />
			<${Password} onSignedIn=${(u) => { onSignedIn(u); navigate(next || '/portal/requests', { replace: true }); }} />
		</div>
	</div>`;
}

function MagicLink({ inputRef, onSent }) {
	const [email, setEmail] = useState('');
	const [error, setError] = useState(null);
	const [sent, setSent] = useState(null); // {email, kept, demo}
	const [busy, setBusy] = useState(false);
	const sentRef = useRef();

	async function submit(e) {
		e.preventDefault();
		const addr = email.trim();
		if (!EMAIL.test(addr)) {
			setError({ key: addr ? 'err.email.invalid' : 'err.email.blank' });
			inputRef.current && inputRef.current.focus();
			return;
		}
		setError(null);
		setBusy(true);
		try {
			const r = await post('/api/v2/portal/magic_link', { email: addr, locale: currentLocale() });
			setSent({ email: addr, kept: r && r.delivery === 'outbox', demo: !!(r && r.demo) });
			onSent();
			setTimeout(() => sentRef.current && sentRef.current.focus(), 0);
		} catch (err) {
			setError(err.status === 422 ? { key: 'err.email.invalid' } : problem(err));
			inputRef.current && inputRef.current.focus();
		} finally {
			setBusy(false);
		}
	}

	if (sent && sent.kept)
		return html`<section class="card p-signin-card" aria-labelledby="magic-title">
			<h2 id="magic-title">${t('signin.keptTitle')}</h2>
			<div class="banner info" role="status" tabindex="-1" ref=${sentRef} data-test="magic-kept">
				${t('signin.kept', { email: sent.email })}
			</div>
			${sent.demo && html`<p data-test="magic-demo">${t('signin.keptDemo')}</p>`}
			<p class="hint">${t('signin.keptHint')}</p>
			<button type="button" class="link" onClick=${() => setSent(null)}>${t('signin.magicAgain')}</button>
		</section>`;

	if (sent)
		return html`<section class="card p-signin-card" aria-labelledby="magic-title">
			<h2 id="magic-title">${t('signin.magicTitle')}</h2>
			<div class="banner ok" role="status" tabindex="-1" ref=${sentRef} data-test="magic-sent">
				${t('signin.magicSent', { email: sent.email })}
			</div>
			<p class="hint">${t('signin.magicSentHint')}</p>
			<button type="button" class="link" onClick=${() => setSent(null)}>${t('signin.magicAgain')}</button>
		</section>`;

	return html`<section class="card p-signin-card" aria-labelledby="magic-title">
		<h2 id="magic-title">${t('signin.magicTitle')}</h2>
		<p class="muted">${t('signin.magicLede')}</p>
		<form onSubmit=${submit} novalidate data-test="magic-form">
			<div class=${`field${error ? ' invalid' : ''}`}>
				<label for="m-email">${t('field.email')}</label>
				<input id="m-email" type="email" autocomplete="email" spellcheck="false" ref=${inputRef} data-test="magic-email"
					value=${email} onInput=${(e) => setEmail(e.currentTarget.value)}
					aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'm-error' : undefined} />
				${error && html`<p class="p-err" id="m-error" role="alert">${say(error)}</p>`}
			</div>
			<button type="submit" class="primary" data-test="magic-submit" disabled=${busy}>${busy ? t('signin.sending') : t('signin.magicSend')}</button>
		</form>
	</section>`;
}

function Password({ onSignedIn }) {
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [remember, setRemember] = useState(false);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const errRef = useRef();

	async function submit(e) {
		e.preventDefault();
		if (!email.trim() || !password) {
			setError({ key: 'signin.fillBoth' });
			setTimeout(() => errRef.current && errRef.current.focus(), 0);
			return;
		}
		setBusy(true);
		setError(null);
		try {
			onSignedIn(await signIn(email.trim(), password, remember));
		} catch (err) {
			setBusy(false);
			setError([400, 401, 403, 422].includes(err.status) ? { key: 'signin.wrong' } : problem(err));
			setTimeout(() => errRef.current && errRef.current.focus(), 0);
		}
	}

	return html`<section class="card p-signin-card" aria-labelledby="pw-title">
		<h2 id="pw-title">${t('signin.passwordTitle')}</h2>
		<form onSubmit=${submit} novalidate data-test="password-form">
			${error && html`<div class="banner error" role="alert" tabindex="-1" ref=${errRef} id="pw-error" data-test="signin-error">${say(error)}</div>`}
			<div class="field">
				<label for="p-email">${t('field.email')}</label>
				<input id="p-email" type="email" autocomplete="username" spellcheck="false" data-test="signin-email"
					value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} aria-describedby=${error ? 'pw-error' : undefined} />
			</div>
			<div class="field">
				<label for="p-password">${t('field.password')}</label>
				<input id="p-password" type="password" autocomplete="current-password" data-test="signin-password"
					value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} aria-describedby=${error ? 'pw-error' : undefined} />
			</div>
			<label class="inline p-remember"><input type="checkbox" checked=${remember} onChange=${(e) => setRemember(e.currentTarget.checked)} data-test="signin-remember" /> ${t('signin.remember')}</label>
			<button type="submit" class="primary" data-test="signin-submit" disabled=${busy}>${busy ? t('signin.signingIn') : t('signin.submit')}</button>
		</form>
	</section>`;
}
