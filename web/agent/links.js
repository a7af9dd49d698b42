// Tickets that belong together: merging a duplicate into another ticket,
// an incident's problem, and a problem's incidents. The ticket page shows
// these; the rules are the server's (POST /api/v2/tickets/{id}/merge,
// problem_id, GET /api/v2/tickets/{id}/incidents).
import { html, useState } from '../shared/html.js';
import { get, post, put } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { navigate } from './router.js';
import { Dialog, ErrorBanner, Picker, StatusBadge, toast, useLoad } from './ui.js';

const OPEN = (x) => x.status !== 'closed';
const label = (x) => html`#${x.id} ${x.subject} <${StatusBadge} status=${x.status} />`;

// Tickets by id (digits) or by words of their subject and comments,
// those not closed; more narrows the search ("ticket_type:problem").
async function findTickets(q, more = '') {
	if (/^#?\d+$/.test(q)) {
		try {
			return [(await get(`/api/v2/tickets/${q.replace('#', '')}`)).ticket];
		} catch (e) {
			if (e.status === 404)
				return [];
			throw e;
		}
	}
	const query = `type:ticket status<closed ${more} ${q}`;
	return (await get(`/api/v2/search?query=${encodeURIComponent(query)}&per_page=20`)).results;
}

// "Merge into another ticket": the button for the ticket page's header,
// and its dialog.
export function MergeAction({ ticket }) {
	const [open, setOpen] = useState(false);
	if (ticket.status === 'closed')
		return null;
	return html`<button type="button" onClick=${() => setOpen(true)} data-test="merge-open">${t('merge.open')}</button>
		${open && html`<${MergeDialog} ticket=${ticket} onClose=${() => setOpen(false)} />`}`;
}

// Chooses the ticket to merge this one into (the same customer's first,
// the commonest duplicate), says what will happen, and merges.
function MergeDialog({ ticket, onClose }) {
	const [target, setTarget] = useState(null);
	const usable = (list) => list.filter((x) => x.id !== ticket.id && OPEN(x));
	const sameCustomer = async () => usable((await get(
		`/api/v2/users/${ticket.requester_id}/tickets/requested?sort=-updated_at&per_page=25`)).tickets);
	return html`<${Dialog} title=${t('merge.title', { id: ticket.id })} onClose=${onClose}>
		${target
			? html`<${MergeConfirm} ticket=${ticket} target=${target} onBack=${() => setTarget(null)} onDone=${onClose} />`
			: html`<p class="hint">${t('merge.help')}</p>
				<${Picker} id="merge-q" label=${t('merge.find')} placeholder=${t('merge.find_hint')} testid="merge-find"
					initial=${sameCustomer} search=${async (q) => usable(await findTickets(q))}
					show=${label} onPick=${setTarget} />`}
	</${Dialog}>`;
}

function MergeConfirm({ ticket, target, onBack, onDone }) {
	const same = target.requester_id === ticket.requester_id;
	const [f, setF] = useState({ source: '', target: '', sourcePublic: true, targetPublic: same });
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	async function merge(e) {
		e.preventDefault();
		setBusy(true);
		const body = { ids: [ticket.id], source_comment_is_public: f.sourcePublic, target_comment_is_public: f.targetPublic };
		if (f.source.trim())
			body.source_comment = f.source;
		if (f.target.trim())
			body.target_comment = f.target;
		try {
			await post(`/api/v2/tickets/${target.id}/merge`, body);
			toast(t('merge.done', { id: target.id }));
			onDone();
			navigate(`/agent/tickets/${target.id}`);
		} catch (err) {
			setError(err);
			setBusy(false);
		}
	}
	const text = (k, id, name, hint) => html`<div class="field"><label for=${id}>${name}</label>
		<textarea id=${id} value=${f[k]} placeholder=${hint} onInput=${(e) => setF({ ...f, [k]: e.target.value })}
			data-test=${id}></textarea></div>`;
	const check = (k, id) => html`<label class="inline"><input type="checkbox" checked=${f[k]} data-test=${id}
		onChange=${(e) => setF({ ...f, [k]: e.target.checked })} /> ${t('merge.public')}</label>`;
	return html`<form class="merge" onSubmit=${merge} data-test="merge-confirm">
		<${ErrorBanner} error=${error} />
		<p>${t('merge.what_source', { id: ticket.id })}</p>
		${text('source', 'merge-source', t('merge.source_comment', { id: ticket.id }),
			t('merge.source_default', { id: target.id, subject: target.subject }))}
		${check('sourcePublic', 'merge-source-public')}
		<p>${t('merge.what_target', { id: target.id, subject: target.subject })}</p>
		${!same && html`<p class="hint">${t('merge.other_customer')}</p>`}
		${text('target', 'merge-target', t('merge.target_comment', { id: target.id }),
			t('merge.target_default', { id: ticket.id, subject: ticket.subject }))}
		${check('targetPublic', 'merge-target-public')}
		<p class="hint">${t('merge.default_hint')}</p>
		<div class="row"><button type="button" onClick=${onBack}>${t('merge.back')}</button><span class="spacer"></span>
			<button class="primary" type="submit" disabled=${busy} data-test="merge-submit">${t('merge.submit', { id: target.id })}</button></div>
	</form>`;
}

// An incident's problem: the one it has, and a searchable list of open
// problems to choose another from. onSave gets the ticket's change.
export function ProblemPicker({ ticket, onSave }) {
	const [res] = useLoad(() => (ticket.problem_id ? get(`/api/v2/tickets/${ticket.problem_id}`) : Promise.resolve(null)),
		[ticket.problem_id]);
	const [changing, setChanging] = useState(false);
	const problem = res && res.ticket;
	const problems = (list) => list.filter((x) => x.type === 'problem' && x.id !== ticket.id && OPEN(x));
	const pick = async (p) => {
		if (await onSave({ type: 'incident', problem_id: p.id }))
			setChanging(false);
	};
	return html`<div class="field problem" data-test="problem">
		${problem && html`<p>${t('problem.linked')} <a href="/agent/tickets/${problem.id}" data-test="problem-link">#${problem.id} ${problem.subject}</a>
			<button type="button" class="link" onClick=${() => setChanging(!changing)}>${changing ? t('org.cancel') : t('problem.change')}</button>
			<button type="button" class="link" onClick=${() => onSave({ problem_id: null })}>${t('problem.unlink')}</button></p>`}
		${(!ticket.problem_id || changing) && html`<${Picker} id="problem-q" label=${problem ? t('problem.change') : t('problem.choose')}
			placeholder=${t('problem.find_hint')} testid="problem-find"
			search=${async (q) => problems(await findTickets(q, 'ticket_type:problem'))}
			initial=${async () => problems(await findTickets('', 'ticket_type:problem'))}
			show=${label} onPick=${pick} />`}
	</div>`;
}

// A problem's incidents, with links; when the problem is solved, the
// offer to solve those still open with the problem's last public reply.
export function Incidents({ ticket }) {
	const [res, error, reload] = useLoad(() => get(`/api/v2/tickets/${ticket.id}/incidents?per_page=100`),
		[ticket.id, ticket.updated_stamp]);
	const [busy, setBusy] = useState(false);
	if (!res)
		return html`<${ErrorBanner} error=${error} />`;
	const open = res.tickets.filter((x) => x.status !== 'solved' && OPEN(x));
	async function solveAll() {
		setBusy(true);
		try {
			const replies = (await get(`/api/v2/tickets/${ticket.id}/comments?sort_order=desc`)).comments;
			const reply = replies.find((c) => c.public && c.author_id !== ticket.requester_id);
			const change = { status: 'solved' };
			if (reply)
				change.comment = { body: reply.body, public: true };
			for (const x of open)
				await put(`/api/v2/tickets/${x.id}`, { ticket: change });
			toast(t('incidents.solved', { count: open.length }));
		} catch (err) {
			toast(err.message, 'error');
		}
		setBusy(false);
		reload();
	}
	return html`<section class="panel" aria-labelledby="incidents-title" data-test="incidents">
		<h2 id="incidents-title">${t('incidents.title', { count: res.count ?? res.tickets.length })}</h2>
		<ul class="events">${res.tickets.map((x) => html`<li key=${x.id}>
			<a href="/agent/tickets/${x.id}" data-test="incident">#${x.id} ${x.subject}</a> <${StatusBadge} status=${x.status} /></li>`)}</ul>
		${ticket.status === 'solved' && open.length > 0 && html`<p><button type="button" disabled=${busy} onClick=${solveAll}
			data-test="incidents-solve">${t('incidents.solve', { count: open.length })}</button></p>`}
	</section>`;
}
