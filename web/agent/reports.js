// Reports as one place: the sidebar has one "Reports" entry, and every
// report page opens with this row of tabs — links, not ARIA tabs, so each
// report keeps its own address, the browser's back button and a link one
// can share; the current one carries aria-current="page". A viewer (who
// reads /agent/reports/* and nothing else) sees every tab too.
import { html } from '../shared/html.js';
import { t } from '../shared/i18n.js';

// In the order the tabs show; the first is where the sidebar's entry goes.
export const REPORTS = [
	['sla', 'reports.tab.sla'],
	['satisfaction', 'nav.satisfaction'],
	['nps', 'nav.nps'],
	['complaints', 'nav.complaints'],
	['suggestions', 'reports.tab.suggestions'],
	['self-service', 'nav.selfService'],
	['chat', 'reports.tab.chat'],
];
export const REPORTS_HOME = `/agent/reports/${REPORTS[0][0]}`;

// current: the report's part of the address (/agent/reports/<current>);
// /agent/reports alone is the SLA report.
export function ReportTabs({ current }) {
	const here = REPORTS.some(([k]) => k === current) ? current : REPORTS[0][0];
	return html`<nav class="report-tabs" aria-label=${t('nav.reports')} data-test="report-tabs">
		${REPORTS.map(([k, label]) => html`<a href="/agent/reports/${k}" aria-current=${k === here ? 'page' : undefined}
			data-test="report-tab-${k}">${t(label)}</a>`)}</nav>`;
}
