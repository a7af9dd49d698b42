// Catalogs, plural forms and locale formatting for uk, ru, lt and en.
//
// A catalog maps a key to a string with {name} placeholders, or to plural
// forms keyed by Intl.PluralRules categories ({one, few, many, other}),
// chosen by the {count} the caller passes.

export const LOCALES = ['uk', 'ru', 'lt', 'en'];
export const LOCALE_NAMES = { uk: 'Українська', ru: 'Русский', lt: 'Lietuvių', en: 'English' };

let locale = 'en';
let catalog = {};
let fallback = {};
let plurals = new Intl.PluralRules('en');

// The language picked on this browser, else the user's own setting, else
// the browser's languages; English when none is one we have.
export function pickLocale(userLocale) {
	const wanted = [localStorage.getItem('fl.locale'), userLocale, ...(navigator.languages || [])];
	for (const w of wanted) {
		if (!w)
			continue;
		const base = String(w).toLowerCase().split(/[-_]/)[0];
		if (LOCALES.includes(base))
			return base;
	}
	return 'en';
}

export function setLocale(loc, catalogs) {
	locale = LOCALES.includes(loc) ? loc : 'en';
	catalog = catalogs[locale] || {};
	fallback = catalogs.en || {};
	plurals = new Intl.PluralRules(locale);
	document.documentElement.lang = locale;
}

export const currentLocale = () => locale;

export function t(key, vars = {}) {
	let s = catalog[key] ?? fallback[key] ?? key;
	if (typeof s === 'object') {
		const n = Number(vars.count ?? 0);
		s = s[plurals.select(n)] ?? s.other;
		vars = { ...vars, count: formatNumber(n) };
	}
	return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

export function formatNumber(n) {
	return new Intl.NumberFormat(locale).format(n);
}

export function formatDate(iso, opts = { dateStyle: 'medium', timeStyle: 'short' }) {
	if (!iso)
		return '';
	return new Intl.DateTimeFormat(locale, opts).format(new Date(iso));
}

// "5 minutes ago", "yesterday": for lists, with the full date as a title.
export function formatAgo(iso) {
	if (!iso)
		return '';
	const s = (new Date(iso).getTime() - Date.now()) / 1000;
	const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	const steps = [[60, 'second'], [3600, 'minute'], [86400, 'hour'], [604800, 'day']];
	let unit = 'week', div = 604800;
	for (let i = 0; i < steps.length; i++)
		if (Math.abs(s) < steps[i][0]) {
			[div, unit] = i ? [steps[i - 1][0], steps[i][1]] : [1, 'second'];
			break;
		}
	if (Math.abs(s) >= 2419200)
		return formatDate(iso, { dateStyle: 'medium' });
	return rtf.format(Math.round(s / div), unit);
}
