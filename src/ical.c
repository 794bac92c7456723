/*
** The department's calendar as iCalendar (RFC 5545), for Outlook and other calendar
** programs to subscribe to: each planned tilsyn as an all-day span with its deadline (the
** planned end), each meeting, and each action's due date. Only dates and titles: no case
** numbers, no minutes, no participants, no caseworker names.
**
** Meetings with a time are written in local time with TZID=Europe/Copenhagen and the zone
** itself (VTIMEZONE) in the file. Floating times (no zone) would show 10:00 as 10:00
** wherever the reader is, but Outlook on the web and Google treat them as UTC or the
** calendar's zone, and Outlook needs a VTIMEZONE it can match to a Windows zone to move a
** meeting correctly across the summer-time change; a TZID with its VTIMEZONE is what
** Outlook itself publishes. Whole days use VALUE=DATE, DTEND the day after (exclusive).
**
** Every line ends in CRLF and is folded at 75 octets, never inside a UTF-8 sequence; TEXT
** values escape backslash, semicolon, comma and line breaks (RFC 5545, 3.1 and 3.3.11).
** UIDs are stable (round-12@tilsyn, round-12-end@tilsyn, meeting-7@tilsyn,
** action-3@tilsyn), so a calendar updates an event instead of adding a copy.
*/
#include "tilsyn.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define ICAL_ZONE "Europe/Copenhagen"

void ical_escape_text(Buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\\': buf_append(out, "\\\\", 2); break;
		case ';': buf_append(out, "\\;", 2); break;
		case ',': buf_append(out, "\\,", 2); break;
		case '\n': buf_append(out, "\\n", 2); break;
		case '\r':
			if (p[1] != '\n') /* CRLF is one line break, a lone CR another */
				buf_append(out, "\\n", 2);
			break;
		default:
			/* Control characters other than tab are not allowed in TEXT. */
			if ((*p >= 0x20 && *p != 0x7f) || *p == '\t')
				buf_putc(out, (char)*p);
			break;
		}
	}
}

/* Writes one content line: at most 75 octets per physical line, each continuation line
** starting with a space, a cut never inside a UTF-8 sequence; then CRLF. */
void ical_fold(Buf *out, const char *line, size_t n)
{
	size_t i = 0, room = ICAL_FOLD;
	while (n - i > room) {
		size_t cut = i + room;
		while (cut > i && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--; /* line[cut] continues a character: cut before the character */
		if (cut == i)
			cut = i + room; /* not UTF-8 at all: cut by octets */
		buf_append(out, line + i, cut - i);
		buf_append(out, "\r\n ", 3);
		i = cut;
		room = ICAL_FOLD - 1; /* the leading space counts */
	}
	buf_append(out, line + i, n - i);
	buf_append(out, "\r\n", 2);
}

/* NAME:VALUE with the value as given (dates, codes, already escaped text). */
void ical_property(Buf *out, const char *name, const char *value)
{
	Buf line;
	buf_init(&line, 0);
	buf_puts(&line, name);
	buf_putc(&line, ':');
	buf_puts(&line, value);
	ical_fold(out, line.data, line.len);
	buf_free(&line);
}

void ical_text_property(Buf *out, const char *name, const char *text)
{
	Buf line;
	buf_init(&line, 0);
	buf_puts(&line, name);
	buf_putc(&line, ':');
	ical_escape_text(&line, text);
	ical_fold(out, line.data, line.len);
	buf_free(&line);
}

/* yyyy-mm-dd as an iCalendar DATE (yyyymmdd); 0 when it is no valid date. */
static int ical_date(const char *iso, char out[9])
{
	if (!date_valid_iso(iso))
		return 0;
	snprintf(out, 9, "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
	return 1;
}

/* A stored UTC time (yyyy-mm-ddThh:mm:ssZ) as an iCalendar UTC DATE-TIME (yyyymmddThhmmssZ). */
static void ical_stamp(const char *iso, char out[20])
{
	size_t o = 0;
	for (const char *p = iso; *p && o < 19; p++)
		if (*p != '-' && *p != ':')
			out[o++] = *p;
	out[o] = 0;
}

static int valid_time(const char *t)
{
	return strlen(t) == 5 && t[2] == ':' && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' &&
	       t[3] >= '0' && t[3] <= '5' && t[4] >= '0' && t[4] <= '9' && (t[0] - '0') * 10 + (t[1] - '0') < 24;
}

/* DTSTART and DTEND of whole days from first to last (inclusive); 0 when a date is invalid. */
static int whole_days(Buf *out, const char *first, const char *last)
{
	char start[9], after[11], end[9];
	if (!ical_date(first, start) || !date_add_days(last, 1, after) || !ical_date(after, end) || strcmp(last, first) < 0)
		return 0;
	ical_property(out, "DTSTART;VALUE=DATE", start);
	ical_property(out, "DTEND;VALUE=DATE", end);
	return 1;
}

static void begin_event(Buf *out, const char *uid, const char *stamp)
{
	buf_puts(out, "BEGIN:VEVENT\r\n");
	ical_property(out, "UID", uid);
	ical_property(out, "DTSTAMP", stamp);
}

/* The Danish zone as RFC 5545 wants it: the EU rule since 1996, summer time from the last
** Sunday of March 02:00 to the last Sunday of October 03:00. */
static void timezone_component(Buf *out)
{
	buf_puts(out, "BEGIN:VTIMEZONE\r\n"
	              "TZID:" ICAL_ZONE "\r\n"
	              "X-LIC-LOCATION:" ICAL_ZONE "\r\n"
	              "BEGIN:DAYLIGHT\r\n"
	              "TZOFFSETFROM:+0100\r\n"
	              "TZOFFSETTO:+0200\r\n"
	              "TZNAME:CEST\r\n"
	              "DTSTART:19700329T020000\r\n"
	              "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
	              "END:DAYLIGHT\r\n"
	              "BEGIN:STANDARD\r\n"
	              "TZOFFSETFROM:+0200\r\n"
	              "TZOFFSETTO:+0100\r\n"
	              "TZNAME:CET\r\n"
	              "DTSTART:19701025T030000\r\n"
	              "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
	              "END:STANDARD\r\n"
	              "END:VTIMEZONE\r\n");
}

static void round_events(Db *db, const Department *d, const char *stamp, Buf *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, kind, title, phase, coalesce(planned_start, ''), coalesce(planned_end, '') FROM round"
	           " WHERE department_id = ?1 AND (planned_start IS NOT NULL OR planned_end IS NOT NULL) ORDER BY id");
	db_bind_int(&q, 1, d->id);
	char uid[64];
	while (db_step(&q)) {
		int64_t id = db_col_int(&q, 0);
		const char *title = db_col_text(&q, 2), *start = db_col_text(&q, 4), *end = db_col_text(&q, 5);
		const char *kind = round_kind_title(db_col_text(&q, 1)), *phase = phase_title(db_col_text(&q, 3));
		Buf text;
		buf_init(&text, 0);
		const char *last = date_valid_iso(end) && strcmp(end, start) >= 0 ? end : start;
		if (date_valid_iso(start)) {
			snprintf(uid, sizeof uid, "round-%lld@tilsyn", (long long)id);
			begin_event(out, uid, stamp);
			whole_days(out, start, last);
			buf_printf(&text, "Tilsyn: %s", title);
			ical_text_property(out, "SUMMARY", buf_cstr(&text));
			buf_reset(&text);
			buf_printf(&text, _("%s i %s, planlagt %s til %s. Fase: %s."), kind, d->name, start, last, phase);
			ical_text_property(out, "DESCRIPTION", buf_cstr(&text));
			buf_puts(out, "TRANSP:TRANSPARENT\r\nCATEGORIES:Tilsyn\r\nEND:VEVENT\r\n");
		}
		if (date_valid_iso(end)) {
			snprintf(uid, sizeof uid, "round-%lld-end@tilsyn", (long long)id);
			begin_event(out, uid, stamp);
			whole_days(out, end, end);
			buf_reset(&text);
			buf_printf(&text, _("Frist: %s afsluttes"), title);
			ical_text_property(out, "SUMMARY", buf_cstr(&text));
			buf_reset(&text);
			buf_printf(&text, _("Den planlagte afslutning af tilsynet (%s i %s)."), kind, d->name);
			ical_text_property(out, "DESCRIPTION", buf_cstr(&text));
			buf_puts(out, "TRANSP:TRANSPARENT\r\nCATEGORIES:Tilsyn\r\nEND:VEVENT\r\n");
		}
		buf_free(&text);
	}
	db_finalize(&q);
}

static void meeting_events(Db *db, const Department *d, const char *stamp, Buf *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT m.id, m.kind, m.date, coalesce(m.time, ''), m.status, coalesce(r.title, '') FROM meeting m"
	           " LEFT JOIN round r ON r.id = m.round_id WHERE m.department_id = ?1 ORDER BY m.date, m.id");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q)) {
		const char *date = db_col_text(&q, 2), *time = db_col_text(&q, 3), *status = db_col_text(&q, 4);
		const char *round_title = db_col_text(&q, 5);
		char day[9], uid[64];
		if (!ical_date(date, day))
			continue;
		snprintf(uid, sizeof uid, "meeting-%lld@tilsyn", (long long)db_col_int(&q, 0));
		begin_event(out, uid, stamp);
		if (valid_time(time)) {
			char at[40];
			snprintf(at, sizeof at, "%sT%.2s%.2s00", day, time, time + 3);
			ical_property(out, "DTSTART;TZID=" ICAL_ZONE, at);
			ical_property(out, "DURATION", "PT1H");
		} else {
			whole_days(out, date, date);
		}
		Buf text;
		buf_init(&text, 0);
		buf_puts(&text, meeting_kind_title(db_col_text(&q, 1)));
		if (*round_title)
			buf_printf(&text, ": %s", round_title);
		ical_text_property(out, "SUMMARY", buf_cstr(&text));
		buf_reset(&text);
		buf_printf(&text, _("Møde i %s (%s). Referatet findes i tilsyn."), d->name, meeting_status_title(status));
		ical_text_property(out, "DESCRIPTION", buf_cstr(&text));
		buf_free(&text);
		ical_property(out, "STATUS", str_eq(status, "aflyst") ? "CANCELLED" : "CONFIRMED");
		buf_puts(out, "CATEGORIES:Tilsyn\r\nEND:VEVENT\r\n");
	}
	db_finalize(&q);
}

static void action_events(Db *db, const Department *d, const char *stamp, Buf *out)
{
	Stmt q;
	db_prepare(&q, db,
	           "SELECT id, title, due, status FROM action_item WHERE department_id = ?1 AND due IS NOT NULL"
	           " ORDER BY due, id");
	db_bind_int(&q, 1, d->id);
	while (db_step(&q)) {
		const char *due = db_col_text(&q, 2), *status = db_col_text(&q, 3);
		char uid[64];
		if (!date_valid_iso(due))
			continue;
		snprintf(uid, sizeof uid, "action-%lld@tilsyn", (long long)db_col_int(&q, 0));
		begin_event(out, uid, stamp);
		whole_days(out, due, due);
		Buf text;
		buf_init(&text, 0);
		buf_printf(&text, _("Frist for tiltag: %s"), db_col_text(&q, 1));
		ical_text_property(out, "SUMMARY", buf_cstr(&text));
		buf_reset(&text);
		buf_printf(&text, _("Tiltag i %s, besluttet efter et tilsyn. Status: %s."), d->name, action_status_title(status));
		ical_text_property(out, "DESCRIPTION", buf_cstr(&text));
		buf_free(&text);
		if (str_eq(status, "opgivet"))
			ical_property(out, "STATUS", "CANCELLED");
		buf_puts(out, "TRANSP:TRANSPARENT\r\nCATEGORIES:Tilsyn\r\nEND:VEVENT\r\n");
	}
	db_finalize(&q);
}

void ical_department(Db *db, const Department *d, time_t now, Buf *out)
{
	char iso[32], stamp[20];
	time_iso(iso, now);
	ical_stamp(iso, stamp);
	buf_puts(out, "BEGIN:VCALENDAR\r\n"
	              "VERSION:2.0\r\n"
	              "PRODID:-//tilsyn//tilsyn " TILSYN_VERSION "//DA\r\n"
	              "CALSCALE:GREGORIAN\r\n"
	              "METHOD:PUBLISH\r\n");
	Buf name;
	buf_init(&name, 0);
	buf_printf(&name, _("Tilsyn – %s"), d->name);
	ical_text_property(out, "X-WR-CALNAME", buf_cstr(&name));
	buf_reset(&name);
	buf_printf(&name, _("Årshjulet for ledelsestilsyn i %s: tilsyn, frister, møder og tiltag."), d->name);
	ical_text_property(out, "X-WR-CALDESC", buf_cstr(&name));
	buf_free(&name);
	/* How often a subscriber should fetch again: Outlook reads X-PUBLISHED-TTL. */
	buf_puts(out, "X-WR-TIMEZONE:" ICAL_ZONE "\r\n"
	              "REFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n"
	              "X-PUBLISHED-TTL:PT4H\r\n");
	timezone_component(out);
	round_events(db, d, stamp, out);
	meeting_events(db, d, stamp, out);
	action_events(db, d, stamp, out);
	buf_puts(out, "END:VCALENDAR\r\n");
}

/* The stored form of a feed's secret: BLAKE2b-256 of its 32 bytes, in hex. The token is 64
** lowercase hex digits; anything else returns 0. */
int ical_token_hash(const char *token, char out[65])
{
	unsigned char raw[32], h[32];
	if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64 || !hex_decode(raw, sizeof raw, token))
		return 0;
	crypto_generichash(h, sizeof h, raw, sizeof raw, NULL, 0);
	hex_encode(out, h, sizeof h);
	return 1;
}
