/* The arithmetic of Net Promoter Score, in plain C (no store, no HTTP):
 * what a score counts as, the score and its confidence interval, the
 * cool-off that keeps anyone from being asked twice too soon, and the
 * week or month an answer falls in. tests/unit/feedback/test_nps_score.c
 * holds it to the numbers. */
#ifndef FL_FEEDBACK_NPS_SCORE_H
#define FL_FEEDBACK_NPS_SCORE_H

#include <stdint.h>

#define FL_NPS_SCORE_MAX 10
#define FL_NPS_COOL_OFF_DEFAULT 90 /* days */
#define FL_NPS_COOL_OFF_MAX 3650

/* 0-6 a detractor, 7-8 passive, 9-10 a promoter; -1 for anything else. */
enum fl_nps_kind { FL_NPS_DETRACTOR, FL_NPS_PASSIVE, FL_NPS_PROMOTER };
int fl_nps_kind(int score);

/* Answers counted. */
struct fl_nps_tally {
	int64_t promoters, passives, detractors;
};
/* Adds one answer's score (0..10; others are not counted: 0 when counted). */
int fl_nps_tally_add(struct fl_nps_tally *t, int score);

/* The score of a tally: n answers; nps = 100 (p − d), p and d the shares
 * of promoters and detractors, from −100 to 100; the 95 % interval
 * nps ± 1.96 · 100 · sqrt((p + d − (p − d)²) / n) — the standard error
 * of a difference of two shares of one sample — cut to [−100, 100].
 * With no answers, has is 0 and the rest 0. */
struct fl_nps_result {
	int has;
	int64_t n;
	double nps, margin, low, high;
};
void fl_nps_score(const struct fl_nps_tally *t, struct fl_nps_result *out);

/* Whether someone last asked at last_asked (0: never) may be asked again
 * at now with a cool-off of days: when at least days × 86,400 seconds
 * have passed. A cool-off of 0 never holds anyone back; a last_asked in
 * the future (a clock set back) holds them back. */
int fl_nps_may_ask(int64_t last_asked, int64_t now, int days);

/* The start (UTC seconds) of the period t falls in: a week begins on
 * Monday 00:00 UTC, a month on its first day. */
enum fl_nps_period { FL_NPS_WEEK, FL_NPS_MONTH };
int64_t fl_nps_period_start(int64_t t, int period);
/* "week"/"month" → the enum; -1 otherwise. */
int fl_nps_period_parse(const char *z);

#endif
