// The sign-in page, the password change dialog, and the page that asks for
// a password of one's own after signing in with a one-time one.
import { html, useState } from '../shared/html.js';
import { signIn, put } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { Dialog, toast } from './ui.js';

export function SignIn({ onSignedIn, expired }) {
	const [email, setEmail] = useState('');
	const [password, setPassword] = useState('');
	const [remember, setRemember] = useState(false);
	const [error, setError] = useState(expired ? t('signin.expired') : '');
	const [busy, setBusy] = useState(false);

	async function submit(e) {
		e.preventDefault();
		setBusy(true);
		setError('');
		try {
			const user = await signIn(email.trim(), password, remember);
			if (user.role === 'end-user') {
				setError(t('signin.not_agent'));
				return;
			}
			onSignedIn(user, undefined, password);
		} catch (err) {
			setError(err.status === 401 ? t('signin.wrong') : err.status === 429 ? t('signin.throttled') : err.message);
		} finally {
			setBusy(false);
		}
	}

	return html`<div class="center"><main class="card" aria-labelledby="signin-title">
		<a class="brand" href="/portal/"><img src="/assets/favicon.svg" alt="" />Frontline</a>
		<h1 id="signin-title">${t('signin.title')}</h1>
		${error && html`<div class="banner error" role="alert" data-test="signin-error">${error}</div>`}
		<form onSubmit=${submit}>
			<div class="field"><label for="email">${t('signin.email')}</label>
				<input id="email" type="email" autocomplete="username" required value=${email}
					onInput=${(e) => setEmail(e.target.value)} /></div>
			<div class="field"><label for="password">${t('signin.password')}</label>
				<input id="password" type="password" autocomplete="current-password" required value=${password}
					onInput=${(e) => setPassword(e.target.value)} /></div>
			<p><label class="inline"><input type="checkbox" checked=${remember}
				onChange=${(e) => setRemember(e.target.checked)} /> ${t('signin.remember')}</label></p>
			<button class="primary" type="submit" disabled=${busy}>${t('signin.submit')}</button>
		</form>
	</main></div>`;
}

// After a one-time password (the first admin's, an admin's reset) the
// server opens nothing else until it is changed: only this page shows.
// current: the password just signed in with, asked for when not known
// (the page was reloaded).
export function ChoosePassword({ me, current, onChanged, onSignOut }) {
	const [old, setOld] = useState(current || '');
	const [pw, setPw] = useState('');
	const [again, setAgain] = useState('');
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	async function submit(e) {
		e.preventDefault();
		if (pw !== again) {
			setError(t('firstpw.mismatch'));
			return;
		}
		setBusy(true);
		setError('');
		try {
			await put(`/api/v2/users/${me.id}/password`, { previous_password: old, password: pw });
			toast(t('password.changed'));
			onChanged();
		} catch (err) {
			setError(err.message);
			setBusy(false);
		}
	}
	return html`<div class="center"><main class="card" aria-labelledby="firstpw-title" data-test="choose-password">
		<span class="brand"><img src="/assets/favicon.svg" alt="" />Frontline</span>
		<h1 id="firstpw-title">${t('firstpw.title')}</h1>
		<p>${t('firstpw.intro')}</p>
		${error && html`<div class="banner error" role="alert" data-test="firstpw-error">${error}</div>`}
		<form onSubmit=${submit}>
			${!current && html`<div class="field"><label for="fp-old">${t('firstpw.current')}</label>
				<input id="fp-old" type="password" autocomplete="current-password" required value=${old} onInput=${(e) => setOld(e.target.value)} /></div>`}
			<div class="field"><label for="fp-new">${t('password.new')}</label>
				<input id="fp-new" type="password" autocomplete="new-password" required minlength="8" aria-describedby="fp-hint"
					value=${pw} onInput=${(e) => setPw(e.target.value)} /></div>
			<div class="field"><label for="fp-again">${t('firstpw.repeat')}</label>
				<input id="fp-again" type="password" autocomplete="new-password" required minlength="8"
					value=${again} onInput=${(e) => setAgain(e.target.value)} /></div>
			<p class="hint" id="fp-hint">${t('firstpw.hint')}</p>
			<button class="primary" type="submit" disabled=${busy}>${t('firstpw.submit')}</button>
			<button type="button" class="link" onClick=${onSignOut}>${t('signout')}</button>
		</form>
	</main></div>`;
}

export function PasswordDialog({ me, onClose }) {
	const [old, setOld] = useState('');
	const [pw, setPw] = useState('');
	const [error, setError] = useState('');
	async function submit(e) {
		e.preventDefault();
		try {
			await put(`/api/v2/users/${me.id}/password`, { previous_password: old, password: pw });
			toast(t('password.changed'));
			onClose();
		} catch (err) {
			setError(err.message);
		}
	}
	return html`<${Dialog} title=${t('password.title')} onClose=${onClose}>
		<form onSubmit=${submit}>
			${error && html`<div class="banner error" role="alert">${error}</div>`}
			<div class="field"><label for="pw-old">${t('password.old')}</label>
				<input id="pw-old" type="password" autocomplete="current-password" required value=${old} onInput=${(e) => setOld(e.target.value)} /></div>
			<div class="field"><label for="pw-new">${t('password.new')}</label>
				<input id="pw-new" type="password" autocomplete="new-password" required minlength="8" value=${pw} onInput=${(e) => setPw(e.target.value)} /></div>
			<p class="hint">${t('password.hint')}</p>
			<button class="primary" type="submit">${t('password.submit')}</button>
		</form></${Dialog}>`;
}
