#include "core/time.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/err.h"

static _Atomic int64_t frozen;

void fl_time_freeze(int64_t t)
{
	frozen = t;
}

int64_t fl_now(void)
{
	int64_t f = frozen;
	return f ? f : (int64_t)time(NULL);
}

uint64_t fl_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void fl_time_iso(int64_t t, char out[21])
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
}

/* Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int digits(fl_str s, size_t at, size_t n, int *out)
{
	int v = 0;
	if (at + n > s.n)
		return -1;
	for (size_t i = at; i < at + n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	*out = v;
	return 0;
}

int fl_time_parse(fl_str s, int64_t *out)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	size_t i = 10;

	if (digits(s, 0, 4, &y) || s.n < 10 || s.p[4] != '-' || digits(s, 5, 2, &mo) ||
	    s.p[7] != '-' || digits(s, 8, 2, &d))
		return FL_EMALFORMED;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return FL_EMALFORMED;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return FL_EMALFORMED;
	if (s.n > 10) {
		if ((s.p[10] != 'T' && s.p[10] != 't' && s.p[10] != ' ') || digits(s, 11, 2, &h) ||
		    s.n < 16 || s.p[13] != ':' || digits(s, 14, 2, &mi))
			return FL_EMALFORMED;
		i = 16;
		if (i < s.n && s.p[i] == ':') {
			if (digits(s, 17, 2, &sec))
				return FL_EMALFORMED;
			i = 19;
			if (i < s.n && s.p[i] == '.') { /* fractions of a second are dropped */
				i++;
				while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
					i++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return FL_EMALFORMED;
		if (i < s.n && (s.p[i] == 'Z' || s.p[i] == 'z')) {
			i++;
		} else if (i < s.n && (s.p[i] == '+' || s.p[i] == '-')) {
			int oh, om;
			if (digits(s, i + 1, 2, &oh) || i + 3 >= s.n || s.p[i + 3] != ':' ||
			    digits(s, i + 4, 2, &om) || oh > 23 || om > 59)
				return FL_EMALFORMED;
			off = (oh * 60 + om) * 60 * (s.p[i] == '+' ? 1 : -1);
			i += 6;
		}
	}
	if (i != s.n)
		return FL_EMALFORMED;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

void fl_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) == -1)
		; /* interrupted by a signal: sleep the rest */
}
