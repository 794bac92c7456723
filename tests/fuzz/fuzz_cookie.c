/*
** libFuzzer target for what tilsyn does with its cookies. libmicrohttpd parses the Cookie
** header and hands tilsyn each value as a C string (req_cookie in src/http.c); tilsyn has
** no cookie parser of its own. What it does with the values is fuzzed here:
**  - tilsyn_session: auth_session_lookup() (src/auth.c) hex-decodes the token, hashes it,
**    finds the session in the database, ends it when it has expired (idle 30 minutes,
**    12 hours in all, or a clock that went backwards) and otherwise refreshes last_seen at
**    most once a minute;
**  - tilsyn_login: csrf_ok() compares it with the form's token by auth_token_equal().
**
** One in-memory database with one user and one live session is kept across inputs. The
** first byte chooses how the cookie is made (the input as it is, or the real token edited
** as the rest of the input says: letters' case flipped, characters replaced, cut short,
** lengthened) and the second how far the clock has moved. Checked against a reference:
** the lookup succeeds exactly when the cookie is the token's 64 hex digits (in either case)
** and the session has not expired; an expired session is deleted, a live one's last_seen
** is moved on only after a minute, any other cookie changes nothing; auth_token_equal() is
** true exactly for two equal, non-empty strings.
*/
// fuzz-sources: util.c dates.c cpr.c buf.c arena.c db.c db_sqlite.c auth.c denial.c audit.c audit_key.c user.c fold.c embedded.c
#include "tilsyn.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_cookie: check failed at line %d: %s\n", __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

static Db *db;
static int64_t user_id;
static char token[TOKEN_HEX];
static int64_t session_id;
static const int64_t base = 1790000000; /* a fixed clock: inputs replay alike */

/* Clock moves around the limits the session rules turn on. */
static const int64_t moves[] = {0,    1,     59,    60,    61,    1799,  1800,   1801,    3600,
                                43199, 43200, 43201, -1,    -60,   -3600, 86400,  INT32_MAX};

static void setup(void)
{
	char *err = NULL;
	CHECK(auth_init() == 0);
	db = db_open(":memory:", &err);
	CHECK(db);
	CHECK(db_migrate(db, &err) == 0);
	Stmt q;
	db_prepare(&q, db, "INSERT INTO users (login, name, password_hash) VALUES ('anna', 'Anna', 'x') RETURNING id");
	CHECK(db_insert_id(&q, &user_id) == DB_OK);
	db_finalize(&q);
}

/* The session row as it is now; 0 when it is gone. */
static int session_row(int64_t *created, int64_t *last_seen)
{
	Stmt q;
	db_prepare(&q, db, "SELECT created, last_seen FROM session WHERE id = ?1");
	db_bind_int(&q, 1, session_id);
	int found = db_step(&q);
	if (found)
		*created = db_col_int(&q, 0), *last_seen = db_col_int(&q, 1);
	db_finalize(&q);
	return found;
}

static void new_session(void)
{
	Session s;
	CHECK(auth_session_create(db, user_id, base, "127.0.0.1", token, &s) == 0);
	session_id = s.id;
	CHECK(strlen(token) == 64);
}

/* The real token with edits: each input byte is one (position, what). */
static char *edited_token(const uint8_t *p, size_t n)
{
	char *s = malloc(64 + n + 1);
	CHECK(s);
	memcpy(s, token, 65);
	size_t len = 64;
	for (size_t i = 0; i + 1 < n; i += 2) {
		size_t at = p[i] % (len + 1);
		switch (p[i] >> 6) {
		case 0: /* flip the case */
			if (at < len)
				s[at] = (char)(isupper((unsigned char)s[at]) ? tolower((unsigned char)s[at]) : toupper((unsigned char)s[at]));
			break;
		case 1: /* replace */
			if (at < len && p[i + 1])
				s[at] = (char)p[i + 1];
			break;
		case 2: /* cut */
			len = at;
			s[len] = 0;
			break;
		default: /* lengthen */
			if (p[i + 1]) {
				s[len++] = (char)p[i + 1];
				s[len] = 0;
			}
		}
	}
	return s;
}

static int ref_is_token(const char *cookie)
{
	if (strlen(cookie) != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)cookie[i]) || tolower((unsigned char)cookie[i]) != token[i])
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db)
		setup();
	if (size < 2)
		return 0;
	int64_t created, last_seen;
	if (!session_row(&created, &last_seen)) {
		new_session();
		CHECK(session_row(&created, &last_seen));
	}
	int64_t now = last_seen + moves[data[1] % COUNT(moves)];
	char *cookie;
	if (data[0] & 1) {
		cookie = edited_token(data + 2, size - 2);
	} else {
		size_t n = strnlen((const char *)data + 2, size - 2); /* a C string, as libmicrohttpd gives it */
		cookie = malloc(n + 1);
		CHECK(cookie);
		memcpy(cookie, data + 2, n);
		cookie[n] = 0;
	}

	int matches = ref_is_token(cookie);
	int expired = now - last_seen >= SESSION_IDLE_SECONDS || now - created >= SESSION_ABSOLUTE_SECONDS || now < created;
	Session s;
	memset(&s, 0xA5, sizeof s);
	int found = auth_session_lookup(db, cookie, now, &s);
	int64_t c2 = 0, l2 = 0;
	int still = session_row(&c2, &l2);
	CHECK(found == (matches && !expired));
	if (found) {
		CHECK(s.id == session_id && s.user_id == user_id && s.created == created);
		CHECK(strlen(s.csrf) == 64);
		CHECK(still && c2 == created);
		CHECK(l2 == (now - last_seen >= 60 ? now : last_seen));
		CHECK(s.last_seen == l2);
	} else if (matches) {
		CHECK(!still); /* expired: ended */
	} else {
		CHECK(still && c2 == created && l2 == last_seen); /* someone else's cookie changes nothing */
	}

	/* The login form's CSRF check: the cookie against a token sent in the form. */
	const char *sent = data[0] & 2 ? cookie : data[0] & 4 ? NULL : token;
	int want = sent && *cookie && strlen(sent) == strlen(cookie) && memcmp(sent, cookie, strlen(cookie)) == 0;
	CHECK(auth_token_equal(sent, cookie) == want);
	CHECK(auth_token_equal(cookie, sent) == want);
	CHECK(auth_token_equal(NULL, cookie) == 0);
	free(cookie);
	return 0;
}
