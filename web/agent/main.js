// The agent workspace: sign-in, then the shell (top bar, queues, the page
// the path names), live updates and the keyboard.
import { html, render, useEffect, useRef, useState } from '../shared/html.js';
import { get, session, signOut, onExpired } from '../shared/api.js';
import { t, pickLocale, setLocale, LOCALES, LOCALE_NAMES } from '../shared/i18n.js';
import catalogs from './locales.js';
import { navigate, useRoute, linkClick } from './router.js';
import { state, loadBasics } from './data.js';
import { startLive, stopLive } from './live.js';
import { SignIn, PasswordDialog, ChoosePassword } from './signin.js';
import { QueueNav, TicketList, useCounts } from './queues.js';
import { TicketPage } from './ticket.js';
import { SearchPage } from './search.js';
import { People, Person, Organizations, Organization } from './people.js';
import { Expiring } from './contracts.js';
import { StatusSwitch } from './routing.js';
import { IdeaList, IdeaPage, IdeaReport } from './ideas.js';
import { ComplaintReport } from './complaints.js';
import { MyTasks, TaskNavCount, useTaskCount } from './tasks.js';
import { Dialog, Toasts } from './ui.js';
import { NotAvailable, VIEWER_HOME } from './viewer.js';
import { ReportTabs, REPORTS_HOME } from './reports.js';
import { ChatNav, ChatOffers } from './chatnav.js';

// A screen the first visit (sign-in, queues, a ticket) does not need, loaded
// the first time it is shown: esbuild puts each import() below, with what
// only it uses, in a chunk of its own (tools/web.py). load is that import(),
// name the component the module exports. While the chunk comes the screen
// says so, as every screen does while its data comes; if it cannot come
// (the network, or a deploy that replaced it), an error banner with a retry.
// Ideas and complaints are not among them: the ticket page uses them.
function lazy(load, name) {
	let Loaded = null; // once loaded, for every later visit to the screen
	return function Lazy(props) {
		const [, setLoaded] = useState(Loaded);
		const [failed, setFailed] = useState(false);
		useEffect(() => {
			if (Loaded || failed)
				return undefined;
			let live = true;
			load().then((m) => {
				Loaded = m[name];
				if (live)
					setLoaded(() => Loaded);
			}, () => live && setFailed(true));
			return () => { live = false; };
		}, [failed]);
		if (Loaded)
			return html`<${Loaded} ...${props} />`;
		if (failed)
			return html`<div class="banner error" role="alert" data-test="lazy-failed">${t('lazy.failed')}
				<button type="button" onClick=${() => setFailed(false)} data-test="lazy-retry">${t('lazy.retry')}</button></div>`;
		return html`<p class="muted">${t('loading')}</p>`;
	};
}

const Admin = lazy(() => import('./admin.js'), 'Admin');
const KnowledgeBase = lazy(() => import('./kb.js'), 'KnowledgeBase');
const SlaReport = lazy(() => import('./slareport.js'), 'SlaReport');
const KbReport = lazy(() => import('./kbreport.js'), 'KbReport');
const NpsReport = lazy(() => import('./nps.js'), 'NpsReport');
const CsatReport = lazy(() => import('./csat.js'), 'CsatReport');
const ChatConsole = lazy(() => import('./chat.js'), 'ChatConsole');
const ChatReport = lazy(() => import('./chatreport.js'), 'ChatReport');

// A report: the row of tabs over it (reports.js), the same on each.
function Report({ route }) {
	const b = route.parts[1];
	return html`<${ReportTabs} current=${b} /><div class="report"><${ReportPage} name=${b} /></div>`;
}

function ReportPage({ name }) {
	if (name === 'self-service')
		return html`<${KbReport} />`;
	if (name === 'suggestions')
		return html`<${IdeaReport} />`;
	if (name === 'nps')
		return html`<${NpsReport} />`;
	if (name === 'satisfaction')
		return html`<${CsatReport} />`;
	if (name === 'complaints')
		return html`<${ComplaintReport} />`;
	if (name === 'chat')
		return html`<${ChatReport} />`;
	return html`<${SlaReport} />`;
}

function Page({ route, views, viewer }) {
	const [a, b] = route.parts;
	// a viewer reads the reports, and the ideas they link to read-only
	// (ideas.js), and nothing else
	if (viewer && a !== 'reports' && a !== 'ideas')
		return html`<${NotAvailable} />`;
	if (a === 'reports')
		return html`<${Report} route=${route} />`;
	if (a === 'tickets' && /^\d+$/.test(b || ''))
		return html`<${TicketPage} id=${Number(b)} onMissing=${() => {}} />`;
	if (a === 'search')
		return html`<${SearchPage} query=${route.query.get('q') || ''} />`;
	if (a === 'customers')
		return b ? html`<${Person} id=${Number(b)} />` : html`<${People} />`;
	if (a === 'organizations')
		return b ? html`<${Organization} id=${Number(b)} />` : html`<${Organizations} />`;
	if (a === 'admin')
		return html`<${Admin} section=${b || 'agents'} />`;
	if (a === 'contracts')
		return html`<${Expiring} />`;
	if (a === 'ideas')
		return b ? html`<${IdeaPage} id=${Number(b)} key=${b} />` : html`<${IdeaList} query=${route.query} />`;
	if (a === 'kb')
		return html`<${KnowledgeBase} parts=${route.parts} query=${route.query} />`;
	if (a === 'tasks')
		return html`<${MyTasks} />`;
	if (a === 'chat')
		return html`<${ChatConsole} />`;
	return html`<${TicketList} queue=${a === 'queues' && b ? b : 'my-open'} views=${views} query=${route.query} />`;
}

function Help({ onClose }) {
	const groups = [
		['keys.in_list', [['j / k', 'keys.move'], ['Enter', 'keys.open'], ['x', 'keys.select']]],
		['keys.on_ticket', [['j / k', 'keys.walk'], ['r', 'keys.reply'], ['n', 'keys.note'], ['m', 'keys.macros'], ['a', 'keys.articles'], ['s', 'keys.submit_as'],
			['Ctrl+Enter', 'keys.submit'], ['Esc', 'keys.leave']]],
		['keys.anywhere', [['/', 'keys.search'], ['g q', 'keys.queues'], ['?', 'keys.help']]],
	];
	return html`<${Dialog} title=${t('keys.title')} onClose=${onClose}>
		${groups.map(([title, keys]) => html`<h3>${t(title)}</h3>
			<dl class="props" data-test="keys">${keys.map(([k, what]) => html`<dt><kbd>${k}</kbd></dt><dd>${t(what)}</dd>`)}</dl>`)}</${Dialog}>`;
}

function Shell({ me, onSignOut, onLocale }) {
	const route = useRoute();
	const [views, setViews] = useState(null);
	const [help, setHelp] = useState(false);
	const [password, setPassword] = useState(false);
	const [menu, setMenu] = useState(false);
	const [q, setQ] = useState(route.query.get('q') || '');
	const search = useRef(null);
	const viewer = me.role === 'viewer';
	const counts = useCounts(viewer ? null : views);
	const tasks = useTaskCount(viewer);

	useEffect(() => {
		if (viewer)
			return undefined;
		get('/api/v2/views/active').then((r) => setViews(r.views), () => setViews([]));
		startLive();
		return stopLive;
	}, []);
	useEffect(() => {
		if (viewer) // the keys are for queues and tickets
			return undefined;
		let g = false;
		const key = (e) => {
			if (e.target.closest('input, textarea, select, [contenteditable]') || e.ctrlKey || e.metaKey || e.altKey)
				return;
			if (e.key === '/') {
				search.current.focus();
			} else if (e.key === '?') {
				setHelp(true);
			} else if (g && e.key === 'q') {
				navigate('/agent/queues/my-open');
			} else {
				g = e.key === 'g';
				return;
			}
			g = false;
			e.preventDefault();
		};
		document.addEventListener('keydown', key);
		return () => document.removeEventListener('keydown', key);
	}, []);

	// on a phone the menu closes when it has taken the agent somewhere
	useEffect(() => { setMenu(false); }, [location.pathname, location.search]);

	const [a, b] = route.parts;
	const active = a === 'queues' ? b : !a ? 'my-open' : null;
	const section = (path, label) => (viewer && !path.startsWith('/agent/reports/') ? null : html`<a href=${path} aria-current=${location.pathname.startsWith(path) ? 'page' : undefined}><span>${label}</span></a>`);
	return html`<div onClick=${linkClick}>
		<a class="skip" href="#main">${t('skip')}</a>
		<header class=${menu ? 'top open' : 'top'}>
			<button type="button" class="menu" aria-expanded=${menu ? 'true' : 'false'} aria-controls="side"
				aria-label=${t('nav.menu')} onClick=${() => setMenu(!menu)} data-test="menu">☰</button>
			<a class="brand" href=${viewer ? VIEWER_HOME : '/agent/queues/my-open'}><img src="/assets/favicon.svg" alt="" /><span>Frontline</span></a>
			${!viewer && html`<form class="search" role="search" onSubmit=${(e) => { e.preventDefault(); navigate(`/agent/search?q=${encodeURIComponent(q)}`); }}>
				<label class="sr-only" for="top-search">${t('search.label')}</label>
				<input id="top-search" ref=${search} type="search" placeholder=${t('search.placeholder')} value=${q}
					onInput=${(e) => setQ(e.target.value)} data-test="top-search" />
			</form>`}
			<span class="spacer"></span>
			<div class="tools">
				<label class="sr-only" for="locale">${t('language')}</label>
				<select id="locale" class="locale" onChange=${(e) => onLocale(e.target.value)}>
					<option value="" selected=${!localStorage.getItem('fl.locale')}>${t('language.auto')}</option>
					${LOCALES.map((l) => html`<option value=${l} selected=${localStorage.getItem('fl.locale') === l}>${LOCALE_NAMES[l]}</option>`)}
				</select>
				${!viewer && html`<${StatusSwitch} />
				<button type="button" onClick=${() => setHelp(true)} aria-label=${t('keys.title')}>?</button>`}
				<button type="button" onClick=${() => setPassword(true)} title=${me.email}>${me.name}</button>
				<button type="button" onClick=${onSignOut} data-test="sign-out">${t('signout')}</button>
			</div>
		</header>
		<div class=${menu ? 'shell open' : 'shell'}>
			<div class="side" id="side">
				${!viewer && html`<${QueueNav} views=${views || []} counts=${counts} active=${active} />`}
				<nav aria-label=${viewer ? t('nav.reports') : t('nav.more')} data-test="side-nav">
					<h2>${viewer ? t('nav.reports') : t('nav.more')}</h2>
					${!viewer && html`<${ChatNav} current=${a === 'chat'} />`}
					${!viewer && html`<a href="/agent/tasks" aria-current=${location.pathname.startsWith('/agent/tasks') ? 'page' : undefined}
						data-test="nav-tasks"><span>${t('tasks.mine')}</span><${TaskNavCount} count=${tasks} /></a>`}
					${section('/agent/kb', t('nav.kb'))}
					${section('/agent/customers', t('nav.customers'))}
					${section('/agent/organizations', t('nav.organizations'))}
					${section('/agent/contracts', t('nav.contracts'))}
					<a href=${REPORTS_HOME} aria-current=${a === 'reports' ? 'page' : undefined}
						data-test="nav-reports"><span>${t('nav.reports')}</span></a>
					${section('/agent/ideas', t('nav.ideas'))}
					${me.role === 'admin' && section('/agent/admin', t('nav.admin'))}
				</nav>
			</div>
			<main id="main" tabindex="-1"><${Page} route=${route} views=${views || []} viewer=${viewer} /></main>
		</div>
		${help && html`<${Help} onClose=${() => setHelp(false)} />`}
		${password && html`<${PasswordDialog} me=${me} onClose=${() => setPassword(false)} />`}
		${!viewer && html`<${ChatOffers} />`}
		<${Toasts} />
	</div>`;
}

function App() {
	const [me, setMe] = useState(undefined);
	const [expired, setExpired] = useState(false);
	const [oneTime, setOneTime] = useState('');
	const [, setLang] = useState(0);

	function applyLocale(user) {
		setLocale(pickLocale(user && user.locale), catalogs);
		setLang((n) => n + 1);
	}
	async function enter(user, basics, password) {
		if (user && user.role !== 'end-user') {
			state.me = user;
			applyLocale(user);
			if (user.must_change_password) { // nothing else opens until it is changed
				setOneTime(password || '');
				setMe(user);
				return;
			}
			// the agent's own record carries the workspace preferences
			// a viewer may not list agents and groups, and needs none
			const [full] = await Promise.all([get('/api/v2/users/me').then((r) => r.user, () => user),
				user.role === 'viewer' ? null : basics || loadBasics().catch(() => null)]);
			state.me = full;
			setExpired(false);
			setMe(full);
			if (location.pathname === '/agent/' || location.pathname === '/agent')
				navigate(full.role === 'viewer' ? VIEWER_HOME : '/agent/queues/my-open', { replace: true });
		} else {
			setMe(null);
		}
	}
	useEffect(() => {
		applyLocale(null);
		// the agents and groups are asked for once the role is known (a
		// viewer may not list them), beside /users/me: no later than before
		session().then((u) => enter(u), () => setMe(null));
		return onExpired(() => {
			stopLive();
			setExpired(true);
			setMe(null);
		});
	}, []);

	if (me === undefined)
		return html`<p class="center muted">${t('loading')}</p>`;
	if (!me)
		return html`<${SignIn} expired=${expired} onSignedIn=${enter} />`;
	if (me.must_change_password)
		return html`<${ChoosePassword} me=${me} current=${oneTime}
			onChanged=${() => { setOneTime(''); enter({ ...me, must_change_password: false }); }}
			onSignOut=${async () => { await signOut(); setMe(null); }} />`;
	return html`<${Shell} me=${me}
		onLocale=${(l) => { if (l) localStorage.setItem('fl.locale', l); else localStorage.removeItem('fl.locale'); applyLocale(me); }}
		onSignOut=${async () => { stopLive(); await signOut(); setMe(null); }} />`;
}

render(html`<${App} />`, document.getElementById('app'));
