/*
** Statistics that stay honest with 20-40 cases: the share fulfilled with Wilson's score
** interval, and the change against an earlier round with Newcombe's hybrid score interval
** for a difference of proportions (built from the two Wilson intervals). Only a change
** whose interval excludes 0 is called an improvement or a decline.
*/
#include "tilsyn.h"

#include <math.h>

#define Z95 1.959964

/* Wilson's 95 % score interval for k successes in n trials; n = 0 gives [0, 1]. */
void stats_wilson(int64_t k, int64_t n, double *low, double *high)
{
	if (n <= 0) {
		*low = 0, *high = 1;
		return;
	}
	double p = (double)k / (double)n, z2 = Z95 * Z95, nn = (double)n;
	double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
	double half = Z95 * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
	*low = centre - half;
	*high = centre + half;
	/* The bounds are exactly 0 at k = 0 and 1 at k = n; rounding must not leave 1e-17 or 0.9999999999999999. */
	if (*low < 0 || k <= 0)
		*low = 0;
	if (*high > 1 || k >= n)
		*high = 1;
}

/*
** Newcombe's hybrid score interval (method 10) for p1 - p2, where p1 = k1/n1 is the new
** round and p2 = k2/n2 the earlier one.
*/
void stats_newcombe(int64_t k1, int64_t n1, int64_t k2, int64_t n2, double *diff, double *low, double *high)
{
	double l1, u1, l2, u2;
	stats_wilson(k1, n1, &l1, &u1);
	stats_wilson(k2, n2, &l2, &u2);
	double p1 = n1 ? (double)k1 / (double)n1 : 0, p2 = n2 ? (double)k2 / (double)n2 : 0;
	*diff = p1 - p2;
	*low = *diff - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
	*high = *diff + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
}

const char *stats_verdict(double low, double high)
{
	if (low > 0)
		return "improved";
	if (high < 0)
		return "declined";
	return "no_clear_change";
}

/* A verdict code (stats_verdict's) in the words a person reads: the one source for pages,
** reports, spreadsheets and the CLI's text. JSON and CSV keep the code. */
const char *stats_verdict_word(const char *verdict)
{
	return str_eq(verdict, "improved")   ? _("forbedret")
	       : str_eq(verdict, "declined") ? _("forværret")
	                                     : _("ingen sikker ændring");
}

/* The verdict on an interval for the change in words. */
const char *stats_verdict_title(double low, double high)
{
	return stats_verdict_word(stats_verdict(low, high));
}

/*
** Cohen's kappa (unweighted) for two raters from a k×k table: table[i*k + j] counts the
** items rater 1 put in category i and rater 2 in category j. *agreement is the observed
** share p_o on the diagonal; kappa = (p_o - p_e) / (1 - p_e), with p_e the agreement
** expected by chance from the two raters' marginals. Returns 0 when kappa was computed,
** -1 when the table is empty (both outputs 0), -2 when p_e = 1 (both raters used one and
** the same category for every item: kappa is 0/0, undefined; *kappa is set to 0).
*/
int stats_kappa(const int64_t *table, int k, double *kappa, double *agreement)
{
	int64_t n = 0, diag = 0;
	double pe = 0;
	*kappa = 0;
	*agreement = 0;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++) {
			n += table[i * k + j];
			if (i == j)
				diag += table[i * k + j];
		}
	if (n <= 0)
		return -1;
	for (int c = 0; c < k; c++) {
		int64_t row = 0, col = 0;
		for (int x = 0; x < k; x++)
			row += table[c * k + x], col += table[x * k + c];
		pe += ((double)row / (double)n) * ((double)col / (double)n);
	}
	*agreement = (double)diag / (double)n;
	if (pe >= 1 - 1e-12)
		return -2;
	*kappa = (*agreement - pe) / (1 - pe);
	return 0;
}
