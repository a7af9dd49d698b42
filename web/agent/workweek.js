// A business-hours week as people edit it and as the API keeps it
// (docs/api.md, "Business-hours schedules"). Pure functions, no page: the
// browser test runs them in Node too.
//
// The API keeps intervals {start_time, end_time} in minutes from Sunday
// 00:00 local time (Zendesk's week starts on Sunday), 0 ≤ start < end ≤
// 10080. People edit days, Monday first, each open or closed with ranges
// {from: "HH:MM", to: "HH:MM"}; a range whose end is at or before its start
// runs past midnight into the next day (22:00–02:00; 00:00–00:00 is the
// whole day), and Saturday's runs into Sunday at the start of the week.

export const DAY = 1440;
export const WEEK = 7 * DAY;
// The API's day numbers (0 is Sunday) in the order our users read a week.
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];

const pad = (n) => String(n).padStart(2, '0');

/** "HH:MM" (00:00 to 23:59) as minutes of the day; NaN for anything else. */
export function toMinutes(text) {
	const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(String(text || ''));
	return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/** Minutes (of the day or the week) as the "HH:MM" of its day. */
export const hhmm = (minutes) => `${pad(Math.floor((minutes % DAY) / 60))}:${pad(minutes % 60)}`;

/** The API's day (0 Sunday … 6 Saturday) a minute of the week falls on. */
export const dayOf = (minute) => Math.floor(minute / DAY) % 7;

/**
 * The API's intervals as days: an array indexed by the API's day number,
 * each [{from, to}] in order (empty: closed). An interval is cut into
 * ranges of at most a day, each on the day it starts; one that ends the
 * week and one that starts it, a day or less together, are one range on
 * Saturday. A new array; intervals is not changed.
 */
export function toDays(intervals) {
	const list = intervals.map((i) => [i.start_time, i.end_time]).sort((a, b) => a[0] - b[0]);
	const last = list[list.length - 1];
	if (list.length > 1 && list[0][0] === 0 && last[1] === WEEK && last[1] - last[0] + list[0][1] <= DAY) {
		last[1] = WEEK + list[0][1];
		list.shift();
	}
	const days = WEEKDAYS.map(() => []);
	for (let [s, e] of list) {
		while (s < e) {
			const len = Math.min(e - s, DAY);
			days[dayOf(s)].push({ from: hhmm(s), to: hhmm(s + len) });
			s += len;
		}
	}
	for (const d of days)
		d.sort((a, b) => toMinutes(a.from) - toMinutes(b.from));
	return days;
}

/**
 * Days (as toDays gives them) as the API's intervals, in order of the days
 * and their ranges; a range past the end of Saturday goes on from Sunday
 * 00:00. Throws {day, index} for the first range with a time that is not
 * "HH:MM". Overlaps are the server's to refuse.
 */
export function toIntervals(days) {
	const out = [];
	days.forEach((ranges, day) => ranges.forEach((r, index) => {
		const from = toMinutes(r.from), to = toMinutes(r.to);
		if (Number.isNaN(from) || Number.isNaN(to))
			throw { day, index };
		const start = day * DAY + from;
		const end = start + (to > from ? to - from : to - from + DAY);
		if (end > WEEK)
			out.push({ start_time: start, end_time: WEEK }, { start_time: 0, end_time: end - WEEK });
		else
			out.push({ start_time: start, end_time: end });
	}));
	return out;
}

/**
 * The week in a line: runs of days with the same hours, Monday first,
 * as [{first, last, hours: ["09:00–18:00", …]}] with the API's day
 * numbers (first === last for a single day); closed days are left out.
 */
export function summary(days) {
	const runs = [];
	let prev = null; // the run the day before is in, if it was open
	for (const day of WEEKDAYS) {
		const hours = days[day].map((r) => `${r.from}–${r.to}`);
		if (!hours.length) {
			prev = null;
		} else if (prev && prev.hours.join() === hours.join()) {
			prev.last = day;
		} else {
			prev = { first: day, last: day, hours };
			runs.push(prev);
		}
	}
	return runs;
}
