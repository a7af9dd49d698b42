// The portal's front page: what to do, and the customer's latest requests.
import { html } from '../shared/html.js';
import { t } from '../shared/i18n.js';
import { useTickets, RequestRows } from './requests.js';
import { useTitle } from './util.js';

export function Home({ user }) {
	useTitle(t('home.title'));
	
	return html`
	<div class="p-wide">
		<section class="p-hero" aria-labelledby="home-title">
			<h1 id="home-title" tabindex="-1">${user ? t('home.hello') : t('home.welcome')}</h1>
			<p>${t('home.lede')}</p>
			<div class="p-hero-actions">
				<a class="button p-hero-primary" href="/portal/requests/new" data-test="home-submit">${t('nav.submit')}</a>
				${user
					? html`<a class="button p-hero-secondary" href="/portal/requests" data-test="home-my-requests">${t('nav.myRequests')}</a>`
					: html`<a class="button p-hero-secondary" href="/portal/signin" data-test="home-signin">${t('nav.signin')}</a>`}
			</div>
		</section>
		${user && html`<${Recent} />`}
		${!user && html`<section class="p-steps" aria-labelledby="how-title">
			<h2 id="how-title">${t('home.how')}</h2>
			<ol>
				${[1, 2, 3].map((n) => html`<li class="card"><span class="p-step" aria-hidden="true">${n}</span>
					<h3>${t(`home.step${n}`)}</h3><p class="muted">${t(`home.step${n}Text`)}</p></li>`)}
			</ol>
		</section>`}
	</div>`;
}

function Recent() {
	const list = useTickets(3);
	if (list.error || !list.tickets.length)
		return null;
	return html`<section class="p-recent" aria-labelledby="recent-title">
		<div class="p-head">
			<h2 id="recent-title">${t('home.recent')}</h2>
			${list.count > list.tickets.length && html`<a href="/portal/requests">${t('home.all', { count: list.count })}</a>`}
		</div>
		<${RequestRows} tickets=${list.tickets} />
	</section>`;
}
