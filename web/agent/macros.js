// Macros in the composer: a picker of the active macros the agent may use
// (their own and the shared ones), the most used first, filtered as they
// type; ↑/↓ move, Enter applies, Escape closes. Applying asks the server
// for the macro's result on this ticket (GET /api/v2/tickets/{id}/macros/
// {mid}/apply: the reply in the requester's language, rendered, and the
// fields it sets) and hands it to the composer — nothing is saved until
// the agent submits.
import { html, useEffect, useRef, useState } from '../shared/html.js';
import { get } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { Dialog } from './ui.js';

// Whether every word of q is in title, case ignored (any alphabet).
export function macroMatches(title, q) {
	const text = title.toLocaleLowerCase();
	return q.toLocaleLowerCase().split(/\s+/).filter(Boolean).every((w) => text.includes(w));
}

export function MacroPicker({ ticketId, onApply, onClose }) {
	const [list, setList] = useState(null);
	const [q, setQ] = useState('');
	const [at, setAt] = useState(0);
	const [error, setError] = useState('');
	const [busy, setBusy] = useState(false);
	const input = useRef(null);

	useEffect(() => {
		get('/api/v2/macros/active?sort_by=usage_count&sort_order=desc&per_page=100')
			.then((r) => setList(r.macros), (e) => setError(e.message));
		// after the dialog has put the focus on its first control
		const id = setTimeout(() => input.current && input.current.focus(), 0);
		return () => clearTimeout(id);
	}, []);

	const shown = (list || []).filter((m) => macroMatches(m.title, q));
	const current = shown[Math.min(at, shown.length - 1)];

	async function apply(m) {
		if (!m || busy)
			return;
		setBusy(true);
		setError('');
		try {
			const r = await get(`/api/v2/tickets/${ticketId}/macros/${m.id}/apply`);
			onApply(r.result, m);
		} catch (e) {
			setError(`${t('macros.failed')} ${e.message}`);
			setBusy(false);
		}
	}

	function key(e) {
		if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			const n = shown.length;
			if (n)
				setAt((Math.min(at, n - 1) + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
		} else if (e.key === 'Enter') {
			apply(current);
		} else {
			return;
		}
		e.preventDefault();
		e.stopPropagation();
	}

	return html`<${Dialog} title=${t('macros.title')} onClose=${onClose}>
		<div class="macro-picker" data-test="macro-picker">
			<label class="sr-only" for="macro-search">${t('macros.search')}</label>
			<input id="macro-search" ref=${input} value=${q} placeholder=${t('macros.search')} autocomplete="off"
				role="combobox" aria-expanded="true" aria-controls="macro-list"
				aria-activedescendant=${current ? `macro-${current.id}` : undefined}
				onInput=${(e) => { setQ(e.target.value); setAt(0); }} onKeyDown=${key} data-test="macro-search" />
			${error && html`<div class="banner error" role="alert" data-test="macro-error">${error}</div>`}
			${!list && !error && html`<p class="muted">${t('loading')}</p>`}
			${list && !shown.length && html`<p class="muted" data-test="macro-none">${t('macros.none')}</p>`}
			<ul id="macro-list" role="listbox" class="macro-list" aria-label=${t('macros.title')}>
				${shown.map((m) => html`<li id=${`macro-${m.id}`} role="option" aria-selected=${m === current ? 'true' : 'false'}
					class=${m === current ? 'current' : ''} data-test="macro-option" data-id=${m.id}
					onMouseDown=${(e) => { e.preventDefault(); apply(m); }}>
					<strong>${m.title}</strong>${m.restriction && m.restriction.type === 'User'
						? html` <span class="hint">${t('macros.personal')}</span>` : ''}
					${m.description && html`<div class="hint">${m.description}</div>`}</li>`)}
			</ul>
			<p class="hint">${t('macros.keys')}</p>
		</div>
	</${Dialog}>`;
}
