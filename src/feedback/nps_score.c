/* The arithmetic of NPS (feedback/nps_score.h). */
#include "feedback/nps_score.h"

#include <math.h>
#include <string.h>

int fl_nps_kind(int score)
{
	if (score < 0 || score > FL_NPS_SCORE_MAX)
		return -1;
	return score <= 6 ? FL_NPS_DETRACTOR : score <= 8 ? FL_NPS_PASSIVE : FL_NPS_PROMOTER;
}

int fl_nps_tally_add(struct fl_nps_tally *t, int score)
{
	switch (fl_nps_kind(score)) {
	case FL_NPS_DETRACTOR: t->detractors++; return 0;
	case FL_NPS_PASSIVE: t->passives++; return 0;
	case FL_NPS_PROMOTER: t->promoters++; return 0;
	}
	return -1;
}

void fl_nps_score(const struct fl_nps_tally *t, struct fl_nps_result *out)
{
	int64_t n = t->promoters + t->passives + t->detractors;
	double p, d, var;

	memset(out, 0, sizeof *out);
	if (n <= 0)
		return;
	p = (double)t->promoters / (double)n;
	d = (double)t->detractors / (double)n;
	/* the variance of (promoter − detractor) as a −1/0/+1 variable */
	var = p + d - (p - d) * (p - d);
	if (var < 0) /* rounding, when everyone is on one side */
		var = 0;
	out->has = 1;
	out->n = n;
	out->nps = 100.0 * (p - d);
	out->margin = 1.96 * 100.0 * sqrt(var / (double)n);
	out->low = out->nps - out->margin < -100 ? -100 : out->nps - out->margin;
	out->high = out->nps + out->margin > 100 ? 100 : out->nps + out->margin;
}

int fl_nps_may_ask(int64_t last_asked, int64_t now, int days)
{
	if (last_asked <= 0 || days <= 0)
		return 1;
	return now - last_asked >= (int64_t)days * 86400;
}

int64_t fl_nps_period_start(int64_t t, int period)
{
	/* days since 1970-01-01 (a Thursday), floored for times before it */
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);

	if (period == FL_NPS_WEEK) {
		int64_t dow = ((day + 3) % 7 + 7) % 7; /* 0 = Monday */
		return (day - dow) * 86400;
	}
	/* the civil date of day (Howard Hinnant's days_from_civil, backwards) */
	int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, dom = doy - (153 * mp + 2) / 5 + 1;
	return (day - (dom - 1)) * 86400;
}

int fl_nps_period_parse(const char *z)
{
	if (z && !strcmp(z, "week"))
		return FL_NPS_WEEK;
	if (z && !strcmp(z, "month"))
		return FL_NPS_MONTH;
	return -1;
}
