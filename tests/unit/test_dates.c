/*
** Tests of dates.c, the one calendar: the month rule (a day past the end of the target month
** becomes its last day) forwards and backwards, days across month and year ends, stored UTC
** times and their inverse, the same time of day some months back, the front page's "soon"
** horizon across a month end, and the one Danish way of writing a day.
*/
#include "unit_helpers.h"

static void month_rule(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		int months;
		const char *to;
	} v[] = {
		{"2024-08-31", 6, "2025-02-28"},   /* SQLite's date() said 2025-03-03 */
		{"2024-02-29", 12, "2025-02-28"},  /* SQLite's date() said 2025-03-01 */
		{"2024-01-31", 1, "2024-02-29"},   /* a leap year */
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-05-31", -3, "2025-02-28"},
		{"2025-03-31", -13, "2024-02-29"},
		{"2025-12-31", 2, "2026-02-28"},
		{"2025-10-31", 1, "2025-11-30"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2100-01-29", 1, "2100-02-28"},   /* not a leap year */
		{"2000-01-29", 1, "2000-02-29"},   /* a leap year */
	};
	char out[11];
	for (size_t i = 0; i < COUNT(v); i++) {
		assert_true(date_add_months(v[i].from, v[i].months, out));
		assert_string_equal(out, v[i].to);
	}
	assert_false(date_add_months("2025-02-29", 1, out));
	assert_false(date_add_months("31-01-2025", 1, out));
	assert_false(date_add_months("", 1, out));
	assert_int_equal(date_month_days(2024, 2), 29);
	assert_int_equal(date_month_days(2100, 2), 28);
	assert_int_equal(date_month_days(2025, 4), 30);
}

static void days(void **state)
{
	(void)state;
	char out[11];
	assert_true(date_add_days("2025-01-31", 1, out));
	assert_string_equal(out, "2025-02-01");
	assert_true(date_add_days("2025-03-01", -1, out));
	assert_string_equal(out, "2025-02-28");
	assert_true(date_add_days("2024-03-01", -1, out));
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(date_diff_days("2024-02-28", "2024-03-01"), 2);
	assert_int_equal(date_diff_days("2025-12-31", "2025-01-01"), -364);
	/* The front page's "soon" (ACTION_DUE_SOON_DAYS, and 14 days of meetings) over a month end:
	** the last day included is today + 14, whatever the month's length. */
	assert_int_equal(ACTION_DUE_SOON_DAYS, 14);
	static const char *const soon[][2] = {
		{"2025-01-31", "2025-02-14"}, {"2025-02-20", "2025-03-06"}, {"2024-02-20", "2024-03-05"},
		{"2025-12-25", "2026-01-08"}, {"2025-04-30", "2025-05-14"},
	};
	for (size_t i = 0; i < COUNT(soon); i++) {
		assert_true(date_add_days(soon[i][0], ACTION_DUE_SOON_DAYS, out));
		assert_string_equal(out, soon[i][1]);
	}
}

static void utc_times(void **state)
{
	(void)state;
	char out[32];
	time_t t;
	static const struct {
		time_t t;
		const char *iso;
	} v[] = {
		{0, "1970-01-01T00:00:00Z"},
		{1700000000, "2023-11-14T22:13:20Z"},
		{1709164800, "2024-02-29T00:00:00Z"},
		{1743415200, "2025-03-31T10:00:00Z"},
		{-1, "1969-12-31T23:59:59Z"},
	};
	for (size_t i = 0; i < COUNT(v); i++) {
		time_iso(out, v[i].t);
		assert_string_equal(out, v[i].iso);
		assert_true(time_parse_iso(v[i].iso, &t));
		assert_int_equal((long long)t, (long long)v[i].t);
	}
	/* Other text is no time. */
	assert_false(time_parse_iso("2025-02-29T10:00:00Z", &t));
	assert_false(time_parse_iso("2025-03-31T24:00:00Z", &t));
	assert_false(time_parse_iso("2025-03-31 10:00:00", &t));
	assert_false(time_parse_iso("2025-03-31T10:00:00Zx", &t));
	assert_false(time_parse_iso("2025-03-31", &t));
	assert_false(time_parse_iso(NULL, &t));
	/* Months back at the same time of day, by the month rule. */
	time_iso_add_months(out, 1743415200, -1);
	assert_string_equal(out, "2025-02-28T10:00:00Z");
	time_iso_add_months(out, 1743415200, -30);
	assert_string_equal(out, "2022-09-30T10:00:00Z");
	time_iso_add_months(out, 1709164800, 12);
	assert_string_equal(out, "2025-02-28T00:00:00Z");
}

static void danish(void **state)
{
	(void)state;
	char day[40], at[64];
	date_text("2024-02-29", day);
	assert_string_equal(day, "29. februar 2024");
	date_text("2025-02-29", day); /* no such day: the text as it is */
	assert_string_equal(day, "2025-02-29");
	date_text("2025-03-31T22:30:00Z", day); /* 00.30 on 1 April in Denmark (summer time) */
	assert_string_equal(day, "1. april 2025");
	date_danish("2025-12-31T23:30:00Z", day);
	assert_string_equal(day, "1. januar 2026");
	date_time_danish("2025-12-31T23:30:00Z", at);
	assert_string_equal(at, "1. januar 2026 kl. 00.30");
	date_time_danish("2025-06-30T10:05:00Z", at);
	assert_string_equal(at, "30. juni 2025 kl. 12.05");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(month_rule),
		cmocka_unit_test(days),
		cmocka_unit_test(utc_times),
		cmocka_unit_test(danish),
	};
	return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
