// The viewer's workspace (docs/security.md "Roles", docs/web.md): someone
// outside support who reads the reports. The shell (main.js) shows them
// the Reports in the navigation and their own name, language and sign-out;
// any other workspace address shows this page instead — said plainly,
// with the way back — for the API would refuse what that page asks anyway.
import { html } from '../shared/html.js';
import { t } from '../shared/i18n.js';

// Where a viewer lands: the first report.
export const VIEWER_HOME = '/agent/reports/sla';

export const NotAvailable = () => html`<section class="not-available" data-test="not-available">
	<h1>${t('viewer.not_available')}</h1>
	<p>${t('viewer.not_available_why')}</p>
	<p><a class="button" href=${VIEWER_HOME} data-test="to-reports">${t('viewer.to_reports')}</a></p>
</section>`;
