// The customer portal: a welcome, the contact form, sign-in, "my requests"
// and each request's conversation. Talks only to the JSON API (and to the
// form's own POST /portal/requests).
import './portal.css';
import { html, render, useState, useEffect, useRef } from '../shared/html.js';
import { session, signOut, onExpired } from '../shared/api.js';
import { LOCALES, LOCALE_NAMES, pickLocale, setLocale, currentLocale, t } from '../shared/i18n.js';
import catalogs from './locales.js';
import { navigate, useLocation } from './router.js';
import { store, clearDrafts, DRAFT_REQUEST, useTitle, Icon } from './util.js';
import { Home } from './home.js';
import { NewRequest, FIELDS } from './request-form.js';
import { SignIn } from './signin.js';
import { MyRequests } from './requests.js';
import { RequestPage } from './request.js';
import { Ideas, IdeaPage, NewIdea } from './ideas.js';

// The language chosen in this browser's switcher ('fl.locale'), else the
// customer's own setting, else the browser's (shared/i18n.js decides).
const chooseLocale = (user) => pickLocale(user && user.locale);

function route(path) {
	const p = path.split('?')[0].replace(/\/+$/, '') || '/';
	if (p === '/portal')
		return { page: 'home' };
	if (p === '/portal/requests/new')
		return { page: 'new' };
	if (p === '/portal/signin')
		return { page: 'signin' };
	if (p === '/portal/requests')
		return { page: 'list', private: true };
	const m = /^\/portal\/requests\/(\d{1,18})$/.exec(p);
	if (m)
		return { page: 'request', id: m[1], private: true };
	// the suggestion box: anyone reads; a new idea needs sign-in
	if (p === '/portal/ideas')
		return { page: 'ideas' };
	if (p === '/portal/ideas/new')
		return { page: 'idea-new', private: true };
	const idea = /^\/portal\/ideas\/(\d{1,18})$/.exec(p);
	if (idea)
		return { page: 'idea', id: idea[1] };
	return { page: 'missing' };
}

function Header({ user, here, onLocale, onSignOut }) {
	const current = (p) => (here.split('?')[0].replace(/\/+$/, '') === p ? 'page' : undefined);
	return html`<header class="p-top">
		<div class="p-top-in">
			<a class="brand p-brand" href="/portal/">${Icon.logo()}<span>Frontline<span class="p-brand-sub"> ${t('brand.sub')}</span></span></a>
			<nav class="p-nav" aria-label=${t('nav.label')}>
				<a href="/portal/requests/new" aria-current=${current('/portal/requests/new')} data-test="nav-submit">${t('nav.submit')}</a>
				${user && html`<a href="/portal/requests" aria-current=${current('/portal/requests')} data-test="nav-my-requests">${t('nav.myRequests')}</a>`}
				<a href="/portal/ideas" aria-current=${current('/portal/ideas')} data-test="nav-ideas">${t('nav.ideas')}</a>
			</nav>
			<div class="p-tools">
				<label class="p-lang">
					${Icon.globe()}<span class="sr-only">${t('lang.label')}</span>
					<select data-test="locale" value=${currentLocale()} onChange=${(e) => onLocale(e.currentTarget.value)}>
						${LOCALES.map((l) => html`<option value=${l} lang=${l}>${LOCALE_NAMES[l]}</option>`)}
					</select>
				</label>
				${user
					? html`<span class="p-user" title=${user.email}>${user.name || user.email}</span>
						<button type="button" onClick=${onSignOut} data-test="signout">${t('nav.signout')}</button>`
					: html`<a class="button" href="/portal/signin" aria-current=${current('/portal/signin')} data-test="signin-link">${t('nav.signin')}</a>`}
			</div>
		</div>
	</header>`;
}

function Missing() {
	useTitle(t('missing.title'));
	return html`<div class="p-narrow">
		<h1 tabindex="-1">${t('missing.title')}</h1>
		<p>${t('missing.text')}</p>
		<a class="button primary" href="/portal/">${t('missing.home')}</a>
	</div>`;
}

function App({ initialUser, offline }) {
	const [user, setUser] = useState(initialUser);
	const [, setLoc] = useState(currentLocale());
	const [message, setMessage] = useState('');
	const here = useLocation();
	const r = route(here);
	const first = useRef(true);

	const changeLocale = (loc) => {
		setLocale(loc, catalogs);
		try {
			localStorage.setItem('fl.locale', loc);
		} catch {
			/* chosen for this visit only */
		}
		setLoc(loc);
	};
	const signedIn = (u) => {
		setUser(u);
		const loc = chooseLocale(u);
		setLocale(loc, catalogs);
		setLoc(loc);
	};
	const announce = (text) => {
		setMessage('');
		setTimeout(() => setMessage(text), 50);
	};

	// A session that ends while the customer works: to sign-in, then back.
	useEffect(() => onExpired(() => {
		setUser(null);
		const path = location.pathname;
		navigate(`/portal/signin?expired=1${path !== '/portal/signin' ? `&next=${encodeURIComponent(path)}` : ''}`);
	}), []);

	// A page that needs a signed-in customer sends others to sign in first.
	useEffect(() => {
		if (r.private && !user)
			navigate(`/portal/signin?next=${encodeURIComponent(location.pathname)}`, { replace: true });
	}, [here, user]);

	// On each new page, focus its heading so screen readers start there.
	useEffect(() => {
		if (first.current) {
			first.current = false;
			return;
		}
		setTimeout(() => {
			const h = document.querySelector('#main h1');
			if (h)
				h.focus({ preventScroll: true });
		}, 0);
	}, [here]);

	async function doSignOut() {
		try {
			await signOut();
		} catch {
			/* the session is gone either way for this page */
		}
		clearDrafts();
		setUser(null);
		navigate('/portal/');
		announce(t('nav.signedOut'));
	}

	let page;
	if (r.private && !user)
		page = null;
	else if (r.page === 'home')
		page = html`<${Home} user=${user} />`;
	else if (r.page === 'new')
		page = html`<${NewRequest} user=${user} />`;
	else if (r.page === 'signin')
		page = html`<${SignIn} user=${user} onSignedIn=${signedIn} key=${here} />`;
	else if (r.page === 'list')
		page = html`<${MyRequests} user=${user} />`;
	else if (r.page === 'request')
		page = html`<${RequestPage} id=${r.id} user=${user} announce=${announce} key=${r.id} />`;
	else if (r.page === 'ideas')
		page = html`<${Ideas} user=${user} key=${here} />`;
	else if (r.page === 'idea-new')
		page = html`<${NewIdea} user=${user} />`;
	else if (r.page === 'idea')
		page = html`<${IdeaPage} id=${r.id} user=${user} key=${r.id} />`;
	else
		page = html`<${Missing} />`;

	return html`
		<a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>${t('skip')}</a>
		<${Header} user=${user} here=${here} onLocale=${changeLocale} onSignOut=${doSignOut} />
		<main id="main" class="p-main" tabindex="-1">
			${offline && html`<div class="banner error" role="alert">${t('error.offline')}</div>`}
			${page}
		</main>
		<footer class="p-foot"><span>${t('foot.text')}</span></footer>
		<div class="sr-only" aria-live="polite" data-test="announcer">${message}</div>`;
}

async function main() {
	const root = document.getElementById('app');
	// What a visitor typed into the plain page before this script ran is kept.
	const early = root.querySelector('form');
	if (early) {
		const fd = new FormData(early), typed = {};
		for (const f of FIELDS)
			if (String(fd.get(f) || '').trim())
				typed[f] = String(fd.get(f));
		if (Object.keys(typed).length)
			store.set(DRAFT_REQUEST, { ...store.get(DRAFT_REQUEST, {}), ...typed });
	}
	if (route(location.pathname).page !== 'new')
		root.replaceChildren();
	let user = null, offline = false;
	try {
		user = await session();
	} catch (e) {
		offline = e.status === 0 || e.status >= 500;
	}
	setLocale(chooseLocale(user), catalogs);
	root.replaceChildren();
	render(html`<${App} initialUser=${user} offline=${offline} />`, root);
}

main();
