/*
** Tests of the statistics (stats.c) against worked examples published with the methods,
** to 4 decimals as printed there, plus the edges a round really meets: no cases (n = 0),
** none fulfilled (k = 0), all fulfilled (k = n), and the verdict's three answers.
**
** Sources:
**  [1] Newcombe R.G. (1998). Two-sided confidence intervals for the single proportion:
**      comparison of seven methods. Statistics in Medicine 17:857-872. Table I,
**      method 3 (score interval without continuity correction, i.e. Wilson's).
**  [2] Newcombe R.G. (1998). Interval estimation for the difference between independent
**      proportions: comparison of eleven methods. Statistics in Medicine 17:873-890.
**      Table II, method 10 (hybrid score interval without continuity correction).
** The papers use z = 1.96; stats.c uses 1.959964. The difference moves no example at the
** 4th decimal (checked when the examples were chosen).
*/
#include "unit_helpers.h"

#include <math.h>

#define EPS4 0.00005 /* half a unit in the 4th decimal: "equal as printed to 4 decimals" */

static void assert_near(double got, double want, double eps, const char *what)
{
	if (!(fabs(got - want) <= eps))
		fail_msg("%s: got %.6f, want %.6f (±%g)", what, got, want, eps);
}

typedef struct WilsonExample {
	int64_t k, n;
	double low, high;
} WilsonExample;

/* [1], Table I, method 3. */
static const WilsonExample wilson_examples[] = {
	{81, 263, 0.2553, 0.3662},
	{15, 148, 0.0624, 0.1605},
	{0, 20, 0.0000, 0.1611},
	{1, 29, 0.0061, 0.1718},
};

static void wilson_published_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(wilson_examples); i++) {
		const WilsonExample *e = &wilson_examples[i];
		double low = -9, high = -9;
		char what[64];
		stats_wilson(e->k, e->n, &low, &high);
		snprintf(what, sizeof what, "Wilson %lld/%lld low", (long long)e->k, (long long)e->n);
		assert_near(low, e->low, EPS4, what);
		snprintf(what, sizeof what, "Wilson %lld/%lld high", (long long)e->k, (long long)e->n);
		assert_near(high, e->high, EPS4, what);
	}
}

/* No cases: nothing is known, so the interval is all of [0, 1]. */
static void wilson_no_cases(void **state)
{
	(void)state;
	double low = -9, high = -9;
	stats_wilson(0, 0, &low, &high);
	assert_true(low == 0.0);
	assert_true(high == 1.0);
}

/* k = 0 starts exactly at 0 and k = n ends exactly at 1 (not at 1e-17 or 0.9999999999999999),
** and the interval always lies in [0, 1] around the observed share. */
static void wilson_edges_and_range(void **state)
{
	(void)state;
	for (int64_t n = 1; n <= 200; n++) {
		double low, high;
		stats_wilson(0, n, &low, &high);
		if (low != 0.0)
			fail_msg("Wilson 0/%lld: low %.17g, want exactly 0", (long long)n, low);
		assert_true(high > 0 && high < 1);
		stats_wilson(n, n, &low, &high);
		if (high != 1.0)
			fail_msg("Wilson %lld/%lld: high %.17g, want exactly 1", (long long)n, (long long)n, high);
		assert_true(low > 0 && low < 1);
		for (int64_t k = 0; k <= n; k++) {
			stats_wilson(k, n, &low, &high);
			double p = (double)k / (double)n;
			if (!(low >= 0 && low <= p && p <= high && high <= 1))
				fail_msg("Wilson %lld/%lld: [%.17g, %.17g] does not hold %.17g within [0, 1]", (long long)k,
				         (long long)n, low, high, p);
		}
	}
	/* Symmetry: the interval for k/n mirrors the one for (n-k)/n. */
	double l1, h1, l2, h2;
	stats_wilson(7, 30, &l1, &h1);
	stats_wilson(23, 30, &l2, &h2);
	assert_near(l1, 1 - h2, 1e-12, "symmetry low");
	assert_near(h1, 1 - l2, 1e-12, "symmetry high");
	/* A known value off the table, by the closed form: 1/1 gives [z²/(1+z²), 1]. */
	double z2 = 1.959964 * 1.959964;
	stats_wilson(1, 1, &l1, &h1);
	assert_near(l1, 1 / (1 + z2), 1e-12, "Wilson 1/1 low");
}

typedef struct NewcombeExample {
	int64_t k1, n1, k2, n2;
	double low, high;
} NewcombeExample;

/*
** [2], Table II, method 10, examples (a)-(f). For (c) 6/7 - 2/7 the paper prints
** 0.0582 to 0.8062; that is also what the method gives from the two Wilson intervals.
*/
static const NewcombeExample newcombe_examples[] = {
	{56, 70, 48, 80, 0.0524, 0.3339},
	{9, 10, 3, 10, 0.1705, 0.8090},
	{6, 7, 2, 7, 0.0582, 0.8062},
	{5, 56, 0, 29, -0.0381, 0.1926},
	{0, 10, 0, 20, -0.1611, 0.2775},
	{10, 10, 0, 20, 0.6791, 1.0000},
};

static void newcombe_published_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(newcombe_examples); i++) {
		const NewcombeExample *e = &newcombe_examples[i];
		double diff = -9, low = -9, high = -9;
		char what[96];
		stats_newcombe(e->k1, e->n1, e->k2, e->n2, &diff, &low, &high);
		snprintf(what, sizeof what, "Newcombe %lld/%lld - %lld/%lld diff", (long long)e->k1, (long long)e->n1,
		         (long long)e->k2, (long long)e->n2);
		assert_near(diff, (double)e->k1 / (double)e->n1 - (double)e->k2 / (double)e->n2, 1e-12, what);
		snprintf(what, sizeof what, "Newcombe %lld/%lld - %lld/%lld low", (long long)e->k1, (long long)e->n1,
		         (long long)e->k2, (long long)e->n2);
		assert_near(low, e->low, EPS4, what);
		snprintf(what, sizeof what, "Newcombe %lld/%lld - %lld/%lld high", (long long)e->k1, (long long)e->n1,
		         (long long)e->k2, (long long)e->n2);
		assert_near(high, e->high, EPS4, what);
	}
}

/* The hybrid interval is built from the two Wilson intervals exactly as Newcombe defines it. */
static void newcombe_from_wilson(void **state)
{
	(void)state;
	for (int64_t n1 = 1; n1 <= 25; n1 += 3)
		for (int64_t n2 = 1; n2 <= 25; n2 += 4)
			for (int64_t k1 = 0; k1 <= n1; k1++)
				for (int64_t k2 = 0; k2 <= n2; k2++) {
					double l1, u1, l2, u2, diff, low, high;
					stats_wilson(k1, n1, &l1, &u1);
					stats_wilson(k2, n2, &l2, &u2);
					stats_newcombe(k1, n1, k2, n2, &diff, &low, &high);
					double p1 = (double)k1 / (double)n1, p2 = (double)k2 / (double)n2, d = p1 - p2;
					double wl = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
					double wh = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
					if (fabs(diff - d) > 1e-12 || fabs(low - wl) > 1e-12 || fabs(high - wh) > 1e-12 ||
					    !(low >= -1 && low <= diff && diff <= high && high <= 1))
						fail_msg("Newcombe %lld/%lld - %lld/%lld: %.17g [%.17g, %.17g]", (long long)k1,
						         (long long)n1, (long long)k2, (long long)n2, diff, low, high);
				}
	/* Swapping the rounds mirrors the interval. */
	double d1, l1, h1, d2, l2, h2;
	stats_newcombe(56, 70, 48, 80, &d1, &l1, &h1);
	stats_newcombe(48, 80, 56, 70, &d2, &l2, &h2);
	assert_near(d1, -d2, 1e-12, "mirror diff");
	assert_near(l1, -h2, 1e-12, "mirror low");
	assert_near(h1, -l2, 1e-12, "mirror high");
}

/* A round with no cases behind the share claims no change, whatever the other round says. */
static void newcombe_empty_round(void **state)
{
	(void)state;
	static const int64_t others[][2] = {{0, 20}, {10, 20}, {20, 20}, {0, 1}, {1, 1}};
	for (size_t i = 0; i < COUNT(others); i++) {
		double diff, low, high;
		stats_newcombe(0, 0, others[i][0], others[i][1], &diff, &low, &high);
		assert_true(isfinite(diff) && isfinite(low) && isfinite(high));
		assert_true(low >= -1 && low <= high && high <= 1);
		assert_string_equal(stats_verdict(low, high), "no_clear_change");
		stats_newcombe(others[i][0], others[i][1], 0, 0, &diff, &low, &high);
		assert_true(isfinite(diff) && isfinite(low) && isfinite(high));
		assert_true(low >= -1 && low <= high && high <= 1);
		assert_string_equal(stats_verdict(low, high), "no_clear_change");
	}
}

static void verdict(void **state)
{
	(void)state;
	assert_string_equal(stats_verdict(0.0524, 0.3339), "improved");
	assert_string_equal(stats_verdict(-0.3339, -0.0524), "declined");
	assert_string_equal(stats_verdict(-0.1611, 0.2775), "no_clear_change");
	/* An interval that only touches 0 does not exclude it. */
	assert_string_equal(stats_verdict(0.0, 0.5), "no_clear_change");
	assert_string_equal(stats_verdict(-0.5, 0.0), "no_clear_change");
	assert_string_equal(stats_verdict(0.0, 0.0), "no_clear_change");
	assert_string_equal(stats_verdict(1e-9, 1.0), "improved");
	assert_string_equal(stats_verdict(-1.0, -1e-9), "declined");
	/* The words a person reads, one source for pages, reports and the command line's text. */
	assert_string_equal(stats_verdict_word("improved"), "forbedret");
	assert_string_equal(stats_verdict_word("declined"), "forværret");
	assert_string_equal(stats_verdict_word("no_clear_change"), "ingen sikker ændring");
	assert_string_equal(stats_verdict_title(0.0524, 0.3339), "forbedret");
	assert_string_equal(stats_verdict_title(-0.1611, 0.2775), "ingen sikker ændring");
	/* On the published examples: (a), (b), (c), (f) exclude 0; (d), (e) do not. */
	static const char *const want[] = {"improved", "improved", "improved", "no_clear_change", "no_clear_change",
	                                   "improved"};
	for (size_t i = 0; i < COUNT(newcombe_examples); i++) {
		const NewcombeExample *e = &newcombe_examples[i];
		double diff, low, high;
		stats_newcombe(e->k1, e->n1, e->k2, e->n2, &diff, &low, &high);
		assert_string_equal(stats_verdict(low, high), want[i]);
		stats_newcombe(e->k2, e->n2, e->k1, e->n1, &diff, &low, &high);
		assert_string_equal(stats_verdict(low, high), str_eq(want[i], "improved") ? "declined" : want[i]);
	}
	/* The same share twice is never a change. */
	double diff, low, high;
	stats_newcombe(12, 30, 12, 30, &diff, &low, &high);
	assert_true(diff == 0.0);
	assert_string_equal(stats_verdict(low, high), "no_clear_change");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wilson_published_examples),
		cmocka_unit_test(wilson_no_cases),
		cmocka_unit_test(wilson_edges_and_range),
		cmocka_unit_test(newcombe_published_examples),
		cmocka_unit_test(newcombe_from_wilson),
		cmocka_unit_test(newcombe_empty_round),
		cmocka_unit_test(verdict),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
