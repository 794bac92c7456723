/*
** The one calendar of the program: days (yyyy-mm-dd) and UTC times (yyyy-mm-ddThh:mm:ssZ)
** are computed here, in C, never by the database, so that every backend gives the same
** answer. One month rule: adding months keeps the day of the month, and a day past the end
** of the target month becomes its last day (2024-08-31 + 6 months = 2025-02-28). People
** read days and times in Danish, in Europe/Copenhagen time.
**
** Reading: dates as municipal case systems export them: dd-mm-yyyy, dd.mm.yyyy, dd/mm/yyyy,
** yyyy-mm-dd, and Excel serial numbers (days since 1899-12-30 in the 1900 system, the
** form an unformatted date cell takes). Everything is stored as yyyy-mm-dd.
*/
#include "tilsyn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The number of days of month m (1-12) of year y. */
int date_month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return days[m - 1] + (m == 2 && leap(y));
}

static int valid_ymd(int y, int m, int d)
{
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= date_month_days(y, m);
}

/* Reads 1..max digits; returns how many were read. */
static int digits(const char *s, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && isdigit((unsigned char)s[n]))
		v = v * 10 + (s[n++] - '0');
	*out = v;
	return n;
}

/* Writes y-m-d as yyyy-mm-dd, by hand rather than snprintf: this runs for every date of an
** imported case list. 0 when it is outside years 1-9999. */
static int format_ymd(char out[11], int y, int m, int d)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	const int v[8] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10, m % 10, d / 10, d % 10};
	static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
	for (int i = 0; i < 8; i++)
		out[at[i]] = (char)('0' + v[i]);
	out[4] = out[7] = '-';
	out[10] = 0;
	return 1;
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's well-known algorithm). */
void date_civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Parses s in one of the accepted forms into out (yyyy-mm-dd). Returns 0 if it is none. */
int date_parse(const char *s, char out[11])
{
	int y, m, d, n;
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len && s[len - 1] == ' ')
		len--;
	if (len == 0 || len > 19)
		return 0;
	char t[20];
	memcpy(t, s, len);
	t[len] = 0;

	if ((n = digits(t, 4, &y)) == 4 && t[4] == '-') {
		int nm = digits(t + 5, 2, &m);
		if (nm && t[5 + nm] == '-') {
			int nd = digits(t + 6 + nm, 2, &d);
			/* A time part ("2024-03-11 00:00:00" or "T...") is ignored. */
			char after = t[6 + nm + nd];
			if (nd && (after == 0 || after == ' ' || after == 'T') && valid_ymd(y, m, d))
				goto ok;
		}
		return 0;
	}
	if ((n = digits(t, 2, &d)) >= 1 && (t[n] == '-' || t[n] == '.' || t[n] == '/')) {
		char sep = t[n];
		int nm = digits(t + n + 1, 2, &m);
		if (nm && t[n + 1 + nm] == sep) {
			int ny = digits(t + n + 2 + nm, 4, &y);
			if (ny == 4 && t[n + 2 + nm + ny] == 0 && valid_ymd(y, m, d))
				goto ok;
		}
		return 0;
	}
	/* An Excel serial: whole days, maybe with a fraction for the time of day. */
	char *end;
	double serial = strtod(t, &end);
	if (*end == 0 && isdigit((unsigned char)t[0]) && serial >= 1 && serial < 110000) {
		long days = (long)serial;
		if (days == 60)
			return 0; /* 29 February 1900, which did not exist */
		if (days < 60)
			days++; /* Excel counts 1900 as a leap year */
		date_civil_from_days(days - 25569, &y, &m, &d);
		if (valid_ymd(y, m, d))
			goto ok;
	}
	return 0;
ok:
	return format_ymd(out, y, m, d);
}

int date_valid_iso(const char *s)
{
	char out[11];
	return s && strlen(s) == 10 && s[4] == '-' && date_parse(s, out) && strcmp(out, s) == 0;
}

/* The year, month and day of a valid yyyy-mm-dd; 0 for anything else. */
int date_ymd(const char *iso, int *y, int *m, int *d)
{
	return date_valid_iso(iso) && sscanf(iso, "%4d-%2d-%2d", y, m, d) == 3;
}

int date_add_days(const char *iso, long days, char out[11])
{
	int y, m, d;
	if (!date_ymd(iso, &y, &m, &d))
		return 0;
	date_civil_from_days(date_days_from_civil(y, m, d) + days, &y, &m, &d);
	return format_ymd(out, y, m, d);
}

/* The month `months` after (or, negative, before) year y month m, clamping the day d to the
** end of that month: the month rule. 0 outside years 1-9999. */
static int add_months(int *y, int *m, int *d, long months)
{
	long total = (long)*y * 12 + (*m - 1) + months;
	if (total < 12 || total > 9999L * 12 + 11)
		return 0;
	*y = (int)(total / 12);
	*m = (int)(total % 12 + 1);
	if (*d > date_month_days(*y, *m))
		*d = date_month_days(*y, *m);
	return 1;
}

/* The same day `months` calendar months later (earlier when negative); a day the target
** month does not have becomes its last day: 2024-01-31 + 1 month = 2024-02-29. */
int date_add_months(const char *iso, int months, char out[11])
{
	int y, m, d;
	return date_ymd(iso, &y, &m, &d) && add_months(&y, &m, &d, months) && format_ymd(out, y, m, d);
}

long date_diff_days(const char *from, const char *to)
{
	int y1, m1, d1, y2, m2, d2;
	if (!date_ymd(from, &y1, &m1, &d1) || !date_ymd(to, &y2, &m2, &d2))
		return 0;
	return date_days_from_civil(y2, m2, d2) - date_days_from_civil(y1, m1, d1);
}

/* Days since 1970-01-01 of a civil date (the inverse of civil_from_days). */
long date_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The day of the month of the last Sunday of month m in year y. */
static int last_sunday(int y, int m)
{
	int last = date_month_days(y, m);
	long z = date_days_from_civil(y, m, last);
	int weekday = (int)((z % 7 + 11) % 7); /* 0 = Sunday; 1970-01-01 was a Thursday */
	return last - weekday;
}

/* A UTC time (yyyy-mm-ddThh:mm:ssZ) in Danish time whatever the server's time zone (CET, and
** CEST from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, as in
** the EU). 0 when iso is no such time. */
int date_danish_parts(const char *iso, int *y, int *m, int *d, long *minute_of_day)
{
	int hh, mm;
	if (!iso || sscanf(iso, "%4d-%2d-%2dT%2d:%2d", y, m, d, &hh, &mm) != 5 || !valid_ymd(*y, *m, *d) || hh < 0 ||
	    hh > 23 || mm < 0 || mm > 59)
		return 0;
	long minutes = date_days_from_civil(*y, *m, *d) * 1440 + hh * 60 + mm;
	long summer_from = date_days_from_civil(*y, 3, last_sunday(*y, 3)) * 1440 + 60;
	long summer_to = date_days_from_civil(*y, 10, last_sunday(*y, 10)) * 1440 + 60;
	minutes += minutes >= summer_from && minutes < summer_to ? 120 : 60;
	date_civil_from_days(minutes / 1440, y, m, d);
	*minute_of_day = minutes % 1440;
	return 1;
}

static const char *const month_names[] = {"januar", "februar", "marts",     "april",   "maj",      "juni",
                                          "juli",   "august",  "september", "oktober", "november", "december"};

/* The one Danish way of writing a day: "6. december 2026". */
static void format_day_danish(char *out, size_t n, int y, int m, int d)
{
	snprintf(out, n, "%d. %s %d", d, month_names[m - 1], y);
}

/* A UTC time as Danes read it in Denmark: "6. december 2026 kl. 18.12". Other text is copied. */
void date_time_danish(const char *iso, char out[64])
{
	int y, m, d;
	long t;
	char day[40];
	if (!date_danish_parts(iso, &y, &m, &d, &t)) {
		snprintf(out, 64, "%s", iso ? iso : "");
		return;
	}
	format_day_danish(day, sizeof day, y, m, d);
	snprintf(out, 64, "%.39s kl. %02u.%02u", day, (unsigned)(t / 60) % 24u, (unsigned)(t % 60));
}

/* A date (yyyy-mm-dd) as people read it: "6. december 2026"; a stored UTC time gives its day
** in Danish time (date_danish). Other text is copied. */
void date_text(const char *ymd, char out[40])
{
	int y, m, d;
	if (ymd && strlen(ymd) > 10 && ymd[10] == 'T')
		date_danish(ymd, out);
	else if (date_ymd(ymd, &y, &m, &d))
		format_day_danish(out, 40, y, m, d);
	else
		snprintf(out, 40, "%s", ymd ? ymd : "");
}

/* The day of a UTC time in Danish time: "6. december 2026". Other text is copied. */
void date_danish(const char *iso, char out[40])
{
	int y, m, d;
	long t;
	if (!date_danish_parts(iso, &y, &m, &d, &t))
		snprintf(out, 40, "%s", iso ? iso : "");
	else
		format_day_danish(out, 40, y, m, d);
}

/* The day (yyyy-mm-dd) that instant t falls on in Denmark, whatever the server's time zone:
** a server on UTC would otherwise start the next day an hour or two late. */
void date_danish_day(time_t t, char out[11])
{
	char iso[32];
	int y, m, d;
	long minute;
	time_iso(iso, t);
	if (!date_danish_parts(iso, &y, &m, &d, &minute))
		fatal("date_danish_day: cannot read the time %s", iso);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* Today as a Dane reads the calendar. */
void date_today(char out[11])
{
	date_danish_day(time(NULL), out);
}

/* date_text and date_time_danish into the arena, for a page or a sentence being built. */
const char *date_text_in(Arena *a, const char *s)
{
	char out[40];
	date_text(s, out);
	return arena_strdup(a, out);
}

const char *date_time_in(Arena *a, const char *iso)
{
	char out[64];
	date_time_danish(iso, out);
	return arena_strdup(a, out);
}

/* A day and a wall-clock time in Denmark (a meeting's "2026-08-31" and "09:00") in the time
** stamp's format, "31. august 2026 kl. 09.00"; the day alone when there is no time. */
const char *date_local_in(Arena *a, const char *ymd, const char *hhmm)
{
	char day[40];
	date_text(ymd, day);
	if (!hhmm || strlen(hhmm) != 5 || hhmm[2] != ':')
		return arena_strdup(a, day);
	return arena_printf(a, "%s kl. %.2s.%.2s", day, hhmm, hhmm + 3);
}

/* A date's month for a chart's axis: "mar. 2025" (yyyy-mm-dd or a stored UTC time). */
const char *date_month_in(Arena *a, const char *s)
{
	static const char *const short_names[] = {"jan.", "feb.", "mar.", "apr.", "maj", "jun.",
	                                          "jul.", "aug.", "sep.", "okt.", "nov.", "dec."};
	int y, m;
	if (!s || sscanf(s, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
		return arena_strdup(a, s ? s : "");
	return arena_printf(a, "%s %d", short_names[m - 1], y);
}

/* ---- instants: UTC times as stored (yyyy-mm-ddThh:mm:ssZ) ---- */

/* Instant t as a stored UTC time, whatever the server's time zone. */
void time_iso(char out[32], time_t t)
{
	long long s = (long long)t, days = s / 86400, rest = s % 86400;
	if (rest < 0)
		days--, rest += 86400;
	int y, m, d;
	date_civil_from_days((long)days, &y, &m, &d);
	if (y < 0 || y > 9999)
		fatal("time_iso: the year of %lld is out of range", s);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m % 100, d % 100, (int)(rest / 3600),
	         (int)(rest / 60 % 60), (int)(rest % 60));
}

/* The instant of a stored UTC time (yyyy-mm-ddThh:mm:ssZ); 0 when s is no such time. */
int time_parse_iso(const char *s, time_t *t)
{
	int y, m, d, hh, mm, ss, used = 0;
	if (!s || strlen(s) != 20 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &m, &d, &hh, &mm, &ss, &used) != 6 ||
	    used != 20 || !valid_ymd(y, m, d) || hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
		return 0;
	*t = (time_t)((long long)date_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss);
	return 1;
}

/* The UTC time `months` calendar months after (before, when negative) instant t, at the same
** time of day, by the month rule: 2025-03-31T10:00:00Z - 1 month = 2025-02-28T10:00:00Z. */
void time_iso_add_months(char out[32], time_t t, long months)
{
	int y, m, d;
	time_iso(out, t);
	if (sscanf(out, "%4d-%2d-%2d", &y, &m, &d) != 3 || !add_months(&y, &m, &d, months) || !format_ymd(out, y, m, d))
		fatal("time_iso_add_months: %s %+ld months is out of range", out, months);
	out[10] = 'T'; /* format_ymd ended the day there; the time of day follows unchanged */
}
