/*
** libmicrohttpd glue: receives requests on a thread pool, finds the route, and enforces
** what every route demands before its handler runs: a valid session, the role in the
** department the route names, and a CSRF token on every POST. Then it adds the security
** headers to whatever the handler answered. Handlers never see a request that failed these.
** A request with a body is judged on its headers before the body is read, so a client that
** would be refused costs no memory; uploads are spooled to disk (spool.c).
*/
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SESSION_COOKIE "tilsyn_session"
#define LOGIN_COOKIE "tilsyn_login"

/* Per-request state while the body arrives. A body is received only after the request was
** admitted on its headers (judge_headers): small ones in memory, large uploads in a spool
** file (spool.c) that is mapped when complete. */
typedef struct Conn {
	Buf body;
	size_t limit;
	size_t received;
	int too_large;
	int admitted;  /* the headers passed every check; the body is wanted */
	int64_t expired_user; /* a save whose session had expired: whose draft it is (flash.c) */
	int fd;        /* the spool file of a large upload, or -1 */
	int slot;      /* holds one of spool.c's upload slots, for slot_user */
	int64_t slot_user;
	double started;  /* when a large upload's body was admitted (monotonic seconds) */
	int spool_failed;
	char *map;     /* the spool file mapped once complete */
	struct MHD_Response *refusal; /* decided on the headers, sent once a small body is dropped */
	int early_status;             /* the status of the answer handle() made */
} Conn;

/* A refused request's body up to this size is read (and dropped) before the answer. */
#define REFUSED_BODY_DRAIN ((size_t)64 << 10)

/* Seconds a connection may be silent once its request's headers are in: a large upload on a
** slow line only has to keep sending something, and a slow page still gets its answer. */
#define REQUEST_IDLE_TIMEOUT 60

/* A large upload must arrive within upload_deadline seconds, and after the first UPLOAD_GRACE
** seconds at upload_min_rate bytes a second on average (--upload-deadline, --upload-min-rate):
** otherwise it is dropped with a 408, so slow senders cannot hold the few upload slots. */
#define UPLOAD_GRACE 5
static int upload_deadline = 300;
static int upload_min_rate = 8192;

static double mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the upload's body, with received bytes so far, arrives too slowly. */
static int upload_too_slow(const Conn *cc)
{
	double took = mono_seconds() - cc->started;
	if (upload_deadline > 0 && took > upload_deadline)
		return 1;
	return upload_min_rate > 0 && took > UPLOAD_GRACE && (double)cc->received < took * upload_min_rate;
}

/*
** The answer to an upload dropped for arriving too slowly. libmicrohttpd (0.9.75) cannot queue
** an answer while a body is being received, so this plain 408 is written on the socket itself
** before the connection is closed: over plain HTTP, as behind the recommended reverse proxy;
** over TLS the connection is only closed.
*/
static void answer_too_slow(struct MHD_Connection *conn)
{
	if (MHD_get_connection_info(conn, MHD_CONNECTION_INFO_PROTOCOL))
		return;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	char rate[80] = "", text[512], head[256];
	if (upload_min_rate > 0)
		snprintf(rate, sizeof rate, _(" og med mindst %d kB i sekundet"), upload_min_rate / 1024);
	int n = snprintf(text, sizeof text,
	                 _("Filen kom for langsomt frem og er ikke modtaget: en fil skal nå frem inden for %d sekunder%s. "
	                   "Prøv igen fra en hurtigere forbindelse, eller del filen op.\n"),
	                 upload_deadline, rate);
	int h = snprintf(head, sizeof head,
	                 "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
	                 "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n"
	                 "Content-Length: %d\r\n\r\n",
	                 n);
	int fd = ci->connect_fd;
	if (send(fd, head, (size_t)h, MSG_NOSIGNAL | MSG_DONTWAIT) == h)
		send(fd, text, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(fd, SHUT_WR);
}

/* Requests begun and not yet answered; shutdown waits for them. */
static atomic_int requests_in_flight;
/* Of those, the ones a worker thread is running a handler for right now. */
static atomic_int handlers_running;

/* The time limit of each request's statements (--statement-timeout; db.c's deadline). */
static double statement_timeout = 5;

/* On SIGTERM the statements that run long are stopped at once (their requests end with 503;
** a save or an import of short statements goes on and finishes), and the server is gone
** SHUTDOWN_DEADLINE seconds after the signal even if a handler is still busy. */
#define SHUTDOWN_DEADLINE 10

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const char *req_query(Req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A form field's value; never an uploaded file's contents (see req_file). */
const char *req_form(Req *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].name, name) == 0 && !r->form[i].filename)
			return r->form[i].value;
	return NULL;
}

const Param *req_file(Req *r, const char *name)
{
	for (int i = 0; i < r->nform; i++)
		if (strcmp(r->form[i].name, name) == 0 && r->form[i].filename)
			return &r->form[i];
	return NULL;
}

/* A checkbox: present and not empty. */
int req_form_checked(Req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v && *v;
}

const char *req_capture(Req *r, const char *name)
{
	for (int i = 0; i < r->ncaptures; i++)
		if (strcmp(r->captures[i].name, name) == 0)
			return r->captures[i].value;
	return NULL;
}

const char *req_cookie(Req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name) : NULL;
}

const char *req_header(Req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

void http_header(Req *r, const char *name, const char *value)
{
	if (r->nheaders >= (int)COUNT(r->headers))
		fatal("too many response headers");
	r->headers[r->nheaders++] = (Header){name, arena_strdup(r->arena, value)};
}

void http_set_cookie(Req *r, const char *name, const char *value, int max_age)
{
	char *c = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name, value,
	                       r->tls ? "; Secure" : "");
	if (max_age >= 0)
		c = arena_printf(r->arena, "%s; Max-Age=%d", c, max_age);
	http_header(r, MHD_HTTP_HEADER_SET_COOKIE, c);
}

/* Only paths on this site are followed after login, never another host. Control characters
** are refused anywhere: browsers drop tabs and newlines from a URL, so "/\t/evil.example"
** would become "//evil.example". */
int http_local_path(const char *path)
{
	if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return 0;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

void http_redirect(Req *r, const char *location)
{
	r->status = 303;
	http_header(r, MHD_HTTP_HEADER_LOCATION, location);
	buf_reset(&r->out);
}

void http_text(Req *r, int status, const char *text)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	buf_reset(&r->out);
	buf_puts(&r->out, text);
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return _("Forkert forespørgsel");
	case 401: return _("Log ind først");
	case 403: return _("Ingen adgang");
	case 404: return _("Siden findes ikke");
	case 405: return _("Metoden er ikke tilladt");
	case 413: return _("For store data");
	case 423: return _("Låst");
	case 500: return _("Der skete en fejl");
	case 503: return _("Tjenesten er ikke tilgængelig");
	}
	return _("Fejl");
}

/* A Danish error page; the message says what went wrong and what to do. */
void http_error(Req *r, int status, const char *message)
{
	buf_reset(&r->out);
	r->nheaders = 0;
	r->status = status;
	if (r->path && strncmp(r->path, "/api/", 5) == 0) {
		r->content_type = "application/json";
		html_fmt(&r->out, "{\"error\":{\"status\":%d,\"message\":\"", status);
		for (const char *p = message; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(&r->out, '\\');
			if ((unsigned char)*p < 0x20)
				buf_printf(&r->out, "\\u%04x", *p);
			else
				buf_putc(&r->out, *p);
		}
		html_lit(&r->out, "\"}}\n");
		return;
	}
	page_begin(r, status_title(status));
	html_fmt(&r->out, "<h1>%T</h1>\n<p class=\"lead\">%T</p>\n", status_title(status), message);
	html_lit(&r->out, "<p><a href=\"/\">Til forsiden</a></p>\n");
	page_end(r);
	r->status = status;
}

/* ---- routing ---- */

/* Matches path against pattern; fills captures. Returns 1 on a match. */
static int pattern_match(const char *pattern, const char *path, Param *caps, int *ncaps)
{
	*ncaps = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == ':') {
			const char *name_end = strchr(p, '/');
			size_t name_len = name_end ? (size_t)(name_end - p - 1) : strlen(p + 1);
			const char *seg_end = strchr(s, '/');
			size_t seg_len = seg_end ? (size_t)(seg_end - s) : strlen(s);
			if (seg_len == 0 || *ncaps >= 8)
				return 0;
			caps[*ncaps].name = p + 1; /* ends at the next '/': see captures_to_strings */
			caps[*ncaps].value = s;
			caps[*ncaps].len = seg_len;
			(*ncaps)++;
			p += 1 + name_len;
			s += seg_len;
			continue;
		}
		if (*p != *s)
			return 0;
		p++, s++;
	}
	return *p == 0 && *s == 0;
}

/*
** Finds the route for method and path. Captures point into the pattern (names, up to the
** next '/') and the path (values, caps[i].len bytes); captures_to_strings copies them.
** *path_known is set when some route has this path with another method (405, not 404).
*/
const Route *route_find(const char *method, const char *path, Param *caps, int *ncaps, int *path_known)
{
	*path_known = 0;
	int head = strcmp(method, "HEAD") == 0;
	for (size_t i = 0; i < route_count; i++) {
		const Route *rt = &routes[i];
		if (!pattern_match(rt->pattern, path, caps, ncaps))
			continue;
		if (strcmp(rt->method, method) == 0 || (head && strcmp(rt->method, "GET") == 0))
			return rt;
		*path_known = 1;
	}
	*ncaps = 0;
	return NULL;
}

/* The path has already been %-decoded by libmicrohttpd; decoding a capture again would let
** "/d/%2542HS" name the department BHS. */
static void captures_to_strings(Req *r)
{
	for (int i = 0; i < r->ncaptures; i++) {
		Param *c = &r->captures[i];
		const char *end = strchr(c->name, '/');
		c->name = end ? arena_strndup(r->arena, c->name, (size_t)(end - c->name)) : c->name;
		c->value = arena_strndup(r->arena, c->value, c->len);
	}
}

/* The methods the routes accept for this path, for the Allow header of a 405 ("" when none);
** GET implies HEAD. */
static const char *allowed_methods(Req *r)
{
	static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
	const char *allow = "";
	for (size_t m = 0; m < COUNT(methods); m++) {
		for (size_t i = 0; i < route_count; i++) {
			Param caps[8];
			int n;
			int same = !strcmp(routes[i].method, methods[m]) ||
			           (!strcmp(methods[m], "HEAD") && !strcmp(routes[i].method, "GET"));
			if (same && pattern_match(routes[i].pattern, r->path, caps, &n)) {
				allow = arena_printf(r->arena, "%s%s%s", allow, *allow ? ", " : "", methods[m]);
				break;
			}
		}
	}
	return allow;
}

static void method_not_allowed(Req *r)
{
	const char *allow = allowed_methods(r);
	http_error(r, 405, _("Siden kan ikke bruges på den måde (forkert HTTP-metode)."));
	if (*allow)
		http_header(r, "Allow", allow);
}

/* Whether a route's pattern has the capture ":name" as a whole segment. */
static int pattern_captures(const char *pattern, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(pattern, "/:"); p; p = strstr(p + 1, "/:"))
		if (strncmp(p + 2, name, n) == 0 && (p[2 + n] == 0 || p[2 + n] == '/'))
			return 1;
	return 0;
}

/*
** An external reviewer (role ekstern) sees the ekstern rounds they are invited to and
** nothing else (domain.md). On a route that names a round the router has already made the
** role ROLE_EKSTERN_INVITED when they are invited to it (dispatch): then the working
** group's powers apply there; not invited, nothing. Elsewhere in the department only the
** department's home and its list of tilsyn, which show them just their own rounds
** (page_external.c); every other department page is refused.
*/
static int ekstern_allows(const Route *route, Role dept_role)
{
	/* What is drawn and decided for the round (its sample, plan, phase, who is invited, and
	** editing, deleting or re-measuring it)
	** stays with the department's own working group: the outside reviewer reviews and reports. */
	static const char *const department_decides[] = {"/sample", "/replace", "/plan", "/phase", "/invite",
	                                                 "/remove", "/edit", "/delete", "/remeasure"};
	if (pattern_captures(route->pattern, "round")) {
		size_t n = strlen(route->pattern);
		for (size_t i = 0; i < COUNT(department_decides); i++) {
			size_t k = strlen(department_decides[i]);
			if (n > k && strcmp(route->pattern + n - k, department_decides[i]) == 0)
				return 0;
		}
		return dept_role == ROLE_EKSTERN_INVITED && auth_allows(route->perm, 0, dept_role);
	}
	return strcmp(route->method, "GET") == 0 &&
	       (strcmp(route->pattern, "/d/:dept") == 0 || strcmp(route->pattern, "/d/:dept/rounds") == 0);
}

int route_allows(const Route *route, const User *user, Role dept_role)
{
	if (route->perm == PERM_PUBLIC)
		return 1;
	if (!user)
		return 0;
	if (route->perm >= PERM_DEPT_MEMBER && (dept_role == ROLE_EKSTERN || dept_role == ROLE_EKSTERN_INVITED))
		return ekstern_allows(route, dept_role);
	return auth_allows(route->perm, user->is_admin, dept_role);
}

/* ---- the request pipeline ---- */

static enum MHD_Result check_arg_utf8(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	int *ok = cls;
	if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value))))
		*ok = 0;
	return MHD_YES;
}

/* Whether a Content-Type header names this media type (parameters such as charset allowed). */
static int media_type_is(const char *header, const char *type)
{
	size_t n = strlen(type);
	if (strncasecmp(header, type, n) != 0)
		return 0;
	return header[n] == 0 || header[n] == ';' || header[n] == ' ';
}

static void load_session(Req *r)
{
	const char *token = req_cookie(r, SESSION_COOKIE);
	if (!token)
		return;
	Session *s = arena_alloc(r->arena, sizeof *s);
	if (!auth_session_lookup(r->db, token, time(NULL), s)) {
		/* Whose draft a save sent now would be (flash.c). A POST is admitted twice (on its
		** headers, then whole); the first time ended the session, and the connection carries
		** its user to the second (judge_headers). */
		if (s->user_id)
			r->expired_user = s->user_id;
		return;
	}
	User *u = arena_alloc(r->arena, sizeof *u);
	if (!user_by_id(r->db, s->user_id, u) || !u->active)
		return;
	r->session = s;
	r->user = u;
}

static int csrf_ok(Req *r)
{
	const char *sent = req_form(r, "csrf");
	if (!sent)
		sent = req_header(r, "X-CSRF-Token");
	if (r->route->csrf == CSRF_LOGIN) /* the double submit, and made by this server */
		return auth_token_equal(sent, req_cookie(r, LOGIN_COOKIE)) && auth_login_token_valid(r->db, sent, time(NULL));
	return r->session && auth_token_equal(sent, r->session->csrf);
}

/* A login post whose form token is missing, forged or too old: 403, audited once per address and
** minute (denial.c counts the rest), so a flood of them writes almost nothing. */
static void login_refused(Req *r)
{
	int64_t now = time(NULL);
	if (denial_note(r->ip, DENIAL_CSRF, now))
		audit_log(r->db, &(AuditEntry){.action = "access_denied", .object = "POST /login", .ip = r->ip,
		                               .detail = "login-formularens nøgle mangler, er udløbet eller er ikke lavet her"});
	denial_flush(r->db, now, 0);
	http_error(r, 403, _("Formularen er udløbet eller kom ikke fra tilsyn. Gå tilbage, genindlæs siden, "
	                     "og prøv igen."));
}

static void deny(Req *r, const char *why)
{
	audit_log(r->db, &(AuditEntry){
		.user_id = r->user ? r->user->id : 0,
		.login = r->user ? r->user->login : NULL,
		.action = "access_denied",
		.department_id = r->dept ? r->dept->id : 0,
		.object = arena_printf(r->arena, "%s %s", r->method, r->path),
		.detail = why,
		.ip = r->ip,
	});
	http_error(r, 403, why);
}

/* The checks that need only the request line and headers: route, login, department, role.
** Returns 1 when the request may go on; otherwise r holds the answer. Run when the headers are
** complete (before a body is read) and again for the request as a whole. */
static int admit(Req *r)
{
	int ok = utf8_valid(r->path, strlen(r->path));
	if (ok)
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg_utf8, &ok);
	if (!ok) {
		http_error(r, 400, _("Adressen indeholder ugyldige tegn (ikke UTF-8)."));
		return 0;
	}

	int path_known;
	r->route = route_find(r->method, r->path, r->captures, &r->ncaptures, &path_known);
	if (!r->route) {
		if (path_known) {
			method_not_allowed(r);
		} else {
			http_error(r, 404, _("Siden findes ikke. Måske er adressen skrevet forkert, eller siden er flyttet."));
		}
		return 0;
	}
	captures_to_strings(r);

	if (r->route->perm != PERM_PUBLIC)
		load_session(r);
	/* The rest of a GET's reads see one snapshot, in one read transaction (db.c), after the
	** session's last_seen write; a write on the way ends it first. handle() closes it. */
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		db_read_begin(r->db);
	if (r->route->perm != PERM_PUBLIC && !r->user) {
		if (strncmp(r->path, "/api/", 5) == 0) {
			http_error(r, 401, _("Log ind eller brug et gyldigt API-nøgle."));
		} else if (strcmp(r->method, "POST") == 0) {
			r->draft = r->route->draft && r->route->draft->wanted(r); /* kept through a login */
			http_error(r, 401, _("Din session er udløbet. Log ind igen, og gentag handlingen."));
		} else {
			Buf next;
			buf_init(&next, 0);
			html_url(&next, r->path);
			http_redirect(r, arena_printf(r->arena, "/login?next=%s", buf_cstr(&next)));
			buf_free(&next);
		}
		return 0;
	}
	if (r->user && r->user->must_change_password && strcmp(r->path, "/account/password") != 0 &&
	    strcmp(r->path, "/logout") != 0 && strncmp(r->path, "/static/", 8) != 0) {
		http_redirect(r, "/account/password");
		return 0;
	}

	/* Routes that do not depend on a role in the department are decided first, so that
	** whether a department exists is told only to those allowed to ask. */
	int dept_perm = r->route->perm >= PERM_DEPT_MEMBER;
	const char *code = req_capture(r, "dept");
	if (!dept_perm && !route_allows(r->route, r->user, ROLE_NONE)) {
		deny(r, _("Du har ikke adgang til denne side med din rolle. Kontakt din leder eller "
		          "administrator, hvis du mener, det er en fejl."));
		return 0;
	}
	if (code) {
		Department *d = arena_alloc(r->arena, sizeof *d);
		if (!department_by_code(r->db, code, d)) {
			http_error(r, 404, _("Afdelingen findes ikke."));
			return 0;
		}
		r->dept = d;
		r->role = r->user ? user_role_in(r->db, r->user->id, d->id) : ROLE_NONE;
		/* An external reviewer invited to the ekstern round in the address works there as its
		** working group; route_allows decides the rest (see ekstern_allows). */
		int64_t round_id;
		if (r->role == ROLE_EKSTERN && parse_int64(req_capture(r, "round"), &round_id) &&
		    external_invited(r->db, d->id, round_id, r->user->id))
			r->role = ROLE_EKSTERN_INVITED;
	}
	if (!route_allows(r->route, r->user, r->role)) {
		deny(r, _("Du har ikke adgang til denne side med din rolle. Kontakt din leder eller "
		          "administrator, hvis du mener, det er en fejl."));
		return 0;
	}
	return 1;
}

static void dispatch(Req *r, char *body, size_t body_len)
{
	if (!admit(r)) {
		const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), *err = NULL;
		if (r->draft && ct && media_type_is(ct, "application/x-www-form-urlencoded") &&
		    form_parse(r->arena, body, body_len, &r->form, &r->nform, &err) == 0)
			r->route->draft->keep(r);
		return;
	}
	if (strcmp(r->method, "POST") == 0) {
		const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
		const char *err = NULL;
		/* Files are accepted only where a route allows more than a plain form's size. */
		if (ct && r->route->max_body > HTTP_FORM_LIMIT && media_type_is(ct, "multipart/form-data")) {
			/* In place: an upload's bytes are used where they lie (the spool file's mapping). */
			if (form_parse_multipart_in_place(r->arena, ct, body, body_len, &r->form, &r->nform, &err) != 0) {
				http_error(r, 400, err);
				return;
			}
		} else if (body_len && (!ct || !media_type_is(ct, "application/x-www-form-urlencoded"))) {
			http_error(r, 400, _("Formularen blev sendt i et ukendt format."));
			return;
		} else if (form_parse(r->arena, body, body_len, &r->form, &r->nform, &err) != 0) {
			http_error(r, 400, err);
			return;
		}
		if (r->route->csrf == CSRF_LOGIN && !csrf_ok(r)) {
			login_refused(r);
			return;
		}
		if (r->route->csrf != CSRF_NONE && !csrf_ok(r)) {
			deny(r, _("Formularen er udløbet eller kom ikke fra tilsyn. Gå tilbage, genindlæs siden, "
			          "og prøv igen."));
			return;
		}
	}
	r->route->handler(r);
}

static void add_security_headers(struct MHD_Response *resp, const Req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	if (r->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (!r->cacheable)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
}

/* A request that failed (400 or 5xx) after a write failed because the database cannot be
** written (db.c) says so: 503 with the Danish cause, as JSON where the handler answered JSON. */
static void write_failure_reply(Req *r)
{
	const char *text = db_write_error_text(db_write_failed());
	/* 429 too: a login whose guess could not be claimed is refused for the database's sake. */
	if (!text || (r->status != 400 && r->status != 429 && r->status < 500))
		return;
	if (strncmp(r->content_type, "application/json", 16) == 0 && strncmp(r->path, "/api/", 5) != 0) {
		buf_reset(&r->out);
		r->nheaders = 0;
		r->status = 503;
		html_fmt(&r->out, "{\"status\":\"error\",\"message\":\"%T\"}\n", text); /* text: no quote, no backslash */
		return;
	}
	r->content_type = "text/html; charset=utf-8";
	http_error(r, 503, text);
}

/* Every read of case data is logged; when the entry could not be written, the page that was
** about to be shown is withheld (fail closed) and the person told why. */
static void audit_failure_reply(Req *r)
{
	if (!audit_failed() || r->status < 200 || r->status > 299)
		return;
	const char *cause = db_write_error_text(db_write_failed());
	r->content_type = "text/html; charset=utf-8";
	http_error(r, 503, arena_printf(r->arena, _("Opslaget kunne ikke skrives i logbogen, så siden vises ikke. %s"),
	                                cause ? cause : _("Prøv igen om lidt, og kontakt administratoren, hvis det varer ved.")));
}

/* A request whose statements ran past --statement-timeout (or were stopped at shutdown):
** whatever it began is rolled back and it ends with 503, so one slow page cannot hold a
** worker thread for long. */
static void too_slow_reply(Req *r)
{
	db_rollback(r->db);
	fprintf(stderr, "tilsyn: %s %s stoppet efter %.3g s (--statement-timeout)\n", r->method, r->path,
	        statement_timeout);
	r->user = NULL; /* the error page needs nothing more from the database */
	r->session = NULL;
	r->content_type = "text/html; charset=utf-8";
	http_error(r, 503, _("Siden tog for lang tid at lave og blev stoppet, så serveren kan svare andre. Intet halvt "
	                     "færdigt er gemt. Prøv igen om lidt, og kontakt administratoren, hvis det sker igen."));
	http_header(r, "Retry-After", "5");
}

/* The size the client announced, or 0 (none, or chunked). */
static unsigned long long content_length(struct MHD_Connection *conn)
{
	const char *len = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return len ? strtoull(len, NULL, 10) : 0;
}

/*
** A request with a body, judged on its headers alone, before one byte of the body is read:
** unknown address (404), wrong method (405), no session (401), no role (403), no department
** (404), no CSRF cookie or session to check the form's token against (403), or more than the
** route takes (413). Returns 1 when r holds that answer. Otherwise the body is wanted: a large
** upload gets one of the few spool slots (else 503 with Retry-After) and a spool file.
*/
static int judge_headers(Req *r, Conn *cc)
{
	if (strcmp(r->method, "POST") != 0) {
		method_not_allowed(r);
		return 1;
	}
	if (!admit(r)) {
		if (!r->draft)
			return 1;
		cc->limit = HTTP_FORM_LIMIT; /* a plain form: read it, and dispatch keeps it */
		cc->admitted = 1;
		cc->expired_user = r->expired_user;
		return 0;
	}
	if (r->route->csrf == CSRF_LOGIN && !req_cookie(r, LOGIN_COOKIE)) {
		login_refused(r); /* anyone can send these: counted per address and minute (denial.c) */
		return 1;
	}
	if (r->route->csrf == CSRF_SESSION && !r->session) {
		deny(r, _("Formularen er udløbet eller kom ikke fra tilsyn. Gå tilbage, genindlæs siden, "
		          "og prøv igen."));
		return 1;
	}
	/* A route's larger limit is for files; anything else it is sent is a plain form. */
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	int upload = ct && r->route->max_body > HTTP_FORM_LIMIT && media_type_is(ct, "multipart/form-data");
	cc->limit = r->route->max_body ? r->route->max_body : HTTP_FORM_LIMIT;
	if (!upload && cc->limit > HTTP_FORM_LIMIT)
		cc->limit = HTTP_FORM_LIMIT;
	if (content_length(r->conn) > cc->limit) {
		http_error(r, 413, _("De sendte data er for store. Del filen op, eller kontakt administratoren."));
		return 1;
	}
	if (upload) {
		int64_t user_id = r->user ? r->user->id : 0;
		int slot = spool_slot_take(user_id);
		if (slot == SPOOL_USER_BUSY) {
			http_error(r, 429, _("Du er allerede ved at sende en fil. Vent, til den er modtaget, og send så den "
			                     "næste."));
			http_header(r, "Retry-After", "10");
			return 1;
		}
		if (slot != 1) {
			http_error(r, 503, _("Der bliver indlæst mange filer lige nu. Vent et øjeblik, og send filen igen."));
			http_header(r, "Retry-After", "10");
			return 1;
		}
		cc->slot = 1;
		cc->slot_user = user_id;
		cc->started = mono_seconds();
		cc->fd = spool_open();
		if (cc->fd < 0) {
			http_error(r, 503, _("Filen kan ikke modtages lige nu (ingen plads til midlertidige filer). "
			                     "Kontakt administratoren."));
			return 1;
		}
	}
	cc->admitted = 1;
	return 0;
}

/* The request as a whole, its body received. */
static void run_request(Req *r, Conn *cc)
{
	static char empty[1];
	if (!cc->admitted) /* GET and HEAD: judged here, their body (if any) was dropped */
		dispatch(r, empty, 0);
	else if (cc->too_large)
		http_error(r, 413, _("De sendte data er for store. Del filen op, eller kontakt administratoren."));
	else if (cc->spool_failed)
		http_error(r, 503, _("Filen kunne ikke modtages (ingen plads til midlertidige filer). Prøv igen senere, "
		                     "og kontakt administratoren, hvis det varer ved."));
	else if (cc->fd >= 0) {
		cc->map = spool_map(cc->fd, cc->received);
		if (cc->received && !cc->map)
			http_error(r, 503, _("Filen kunne ikke læses efter modtagelsen. Prøv igen om lidt."));
		else
			dispatch(r, cc->map ? cc->map : empty, cc->received);
	} else
		dispatch(r, cc->body.data ? cc->body.data : empty, cc->body.len);
	/* The file is received and handled: the slot goes back now, not when the answer has been
	** sent, so that the user's next file, sent as soon as this answer arrives, is not taken
	** for a second one at the same time. */
	if (cc->slot) {
		spool_slot_give(cc->slot_user);
		cc->slot = 0;
	}
}

/* Runs one stage of the request (on its headers, or whole); a bug found on the way (fatal())
** ends it with a Danish 500 page instead of taking the whole server down. Returns 1 when r
** holds the answer. */
static int run_guarded(Req *r, Conn *cc, int on_headers)
{
	jmp_buf recover;
	if (setjmp(recover) == 0) {
		fatal_recover_at(&recover);
		int answered = 1;
		if (on_headers)
			answered = judge_headers(r, cc);
		else
			run_request(r, cc);
		fatal_recover_at(NULL);
		if (answered) {
			write_failure_reply(r);
			audit_failure_reply(r);
		}
		return answered;
	}
	db_rollback(r->db);
	r->user = NULL; /* the error page needs nothing more from the database */
	r->session = NULL;
	http_error(r, 500, _("Der skete en fejl i tilsyn, og handlingen blev ikke gennemført. Prøv igen; sker det "
	                     "igen, så kontakt administratoren og fortæl, hvad du gjorde."));
	return 1;
}

/* Runs a stage of the request with a fresh Req; returns its answer, or NULL when the request
** goes on (its headers passed). */
static struct MHD_Response *handle(struct MHD_Connection *conn, const char *url, const char *method, Conn *cc,
                              int on_headers)
{
	Req r = {0};
	r.arena = arena_new(0);
	r.conn = conn;
	r.db = db_thread();
	r.method = method;
	r.path = url;
	r.status = 200;
	r.expired_user = cc->expired_user;
	r.content_type = "text/html; charset=utf-8";
	buf_init(&r.out, 0);
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
	}
	/* Behind a trusted reverse proxy the client is in X-Forwarded-For (proxy.c). */
	char client[INET6_ADDRSTRLEN];
	proxy_client_address(ip, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For"), client,
	                     sizeof client);
	r.ip = client;
	/* r.tls: the browser talks HTTPS, to us or to the proxy of an https:// public URL
	** (Secure cookies, HSTS). */
	const union MHD_ConnectionInfo *tls = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_PROTOCOL);
	r.tls = tls != NULL || proxy_public_https();

	db_write_failed_reset();
	audit_failed_reset();
	atomic_fetch_add(&handlers_running, 1);
	db_deadline_arm(statement_timeout);
	int answered = run_guarded(&r, cc, on_headers);
	if (db_deadline_disarm()) {
		too_slow_reply(&r);
		answered = 1;
	}
	atomic_fetch_sub(&handlers_running, 1);
	db_read_end(r.db);
	db_rollback(r.db); /* a handler that left a transaction open had a bug; never keep it */

	struct MHD_Response *resp = NULL;
	if (answered) {
		size_t len = r.out.len;
		resp = MHD_create_response_from_buffer(len, len ? buf_detach(&r.out) : (void *)"",
		                                       len ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type);
		for (int i = 0; i < r.nheaders; i++)
			MHD_add_response_header(resp, r.headers[i].name, r.headers[i].value);
		add_security_headers(resp, &r);
		cc->early_status = r.status;
	}
	buf_free(&r.out);
	arena_destroy(r.arena);
	return resp;
}

static enum MHD_Result queue(struct MHD_Connection *conn, int status, struct MHD_Response *resp)
{
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	Conn *cc = *con_cls;
	if (!cc) {
		/* The headers are complete. Until now the connection had the short header timeout;
		** from here it may stay silent longer (REQUEST_IDLE_TIMEOUT). */
		cc = xcalloc(1, sizeof *cc);
		cc->fd = -1;
		*con_cls = cc;
		atomic_fetch_add(&requests_in_flight, 1);
		MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)REQUEST_IDLE_TIMEOUT);
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
			return MHD_YES;
		struct MHD_Response *refusal = handle(conn, url, method, cc, 1);
		if (refusal) {
			/* A small body is read and dropped before the answer, since most clients cannot
			** read an answer while they are still sending; a larger one is not read at all:
			** the answer goes at once and the connection is closed after it. */
			if (content_length(conn) <= REFUSED_BODY_DRAIN)
				cc->refusal = refusal;
			else
				return queue(conn, cc->early_status, refusal);
		}
		buf_init(&cc->body, cc->limit + 1);
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (cc->refusal) {
			cc->received += n;
			/* A body sent in chunks, with no length announced, that turns out large. */
			return cc->received > REFUSED_BODY_DRAIN ? MHD_NO : MHD_YES;
		}
		if (!cc->admitted || cc->too_large || cc->spool_failed)
			return MHD_YES; /* GET's body, or past the limit: dropped */
		if (cc->received + n > cc->limit) {
			cc->too_large = 1;
			return MHD_YES;
		}
		if (cc->fd >= 0) {
			cc->received += n;
			if (upload_too_slow(cc)) {
				/* Dropped at once with its answer; the connection is closed after it. */
				fprintf(stderr, "tilsyn: %s %s: upload for langsom (%zu byte på %.0f s), afbrudt\n", method, url,
				        cc->received, mono_seconds() - cc->started);
				answer_too_slow(conn);
				return MHD_NO;
			}
			cc->received -= n;
			if (spool_write(cc->fd, upload, n) != 0)
				cc->spool_failed = 1;
		} else {
			buf_append(&cc->body, upload, n);
		}
		cc->received += n;
		return MHD_YES;
	}
	if (cc->refusal) {
		struct MHD_Response *refusal = cc->refusal;
		cc->refusal = NULL;
		return queue(conn, cc->early_status, refusal);
	}
	struct MHD_Response *resp = handle(conn, url, method, cc, 0);
	return resp ? queue(conn, cc->early_status, resp) : MHD_NO;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)conn;
	(void)code;
	Conn *cc = *con_cls;
	if (cc) {
		if (cc->refusal)
			MHD_destroy_response(cc->refusal);
		buf_free(&cc->body);
		spool_unmap(cc->map, cc->received);
		if (cc->fd >= 0)
			close(cc->fd);
		if (cc->slot)
			spool_slot_give(cc->slot_user);
		free(cc);
		*con_cls = NULL;
		atomic_fetch_sub(&requests_in_flight, 1);
	}
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("tilsyn: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	Buf b;
	buf_init(&b, 1 << 20);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	return buf_detach(&b);
}

/* Serves until SIGINT or SIGTERM, then lets running requests finish and returns 0. */
int http_serve(const ServeOptions *o)
{
	char host[256];
	const char *colon = strrchr(o->listen, ':');
	if (!colon || colon == o->listen || (size_t)(colon - o->listen) >= sizeof host) {
		fprintf(stderr, "tilsyn: --listen skal være VÆRT:PORT, fx 127.0.0.1:8080\n");
		return 2;
	}
	memcpy(host, o->listen, (size_t)(colon - o->listen));
	host[colon - o->listen] = 0;
	int64_t port;
	if (!parse_int64(colon + 1, &port) || port < 0 || port > 65535) {
		fprintf(stderr, "tilsyn: ugyldigt portnummer i --listen: %s\n", colon + 1);
		return 2;
	}
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		fprintf(stderr, "tilsyn: ugyldig IPv4-adresse i --listen: %s\n", host);
		return 2;
	}

	statement_timeout = o->statement_timeout;
	upload_deadline = o->upload_deadline;
	upload_min_rate = o->upload_min_rate;
	cases_upload_lifetime_set(o->upload_lifetime);
	proxy_reset();
	if (proxy_set_public_url(o->public_url) != 0) {
		fprintf(stderr, "tilsyn: --public-url skal begynde med https:// eller http://, fx https://tilsyn.kommune.dk\n");
		return 2;
	}
	for (int i = 0; i < o->ntrusted_proxies; i++)
		if (proxy_trust(o->trusted_proxies[i]) != 0) {
			fprintf(stderr, "tilsyn: --trusted-proxy skal være en IP-adresse (højst 16), ikke '%s'\n",
			        o->trusted_proxies[i]);
			return 2;
		}

	char *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (o->tls_cert || o->tls_key) {
		cert = o->tls_cert ? read_file(o->tls_cert) : NULL;
		key = o->tls_key ? read_file(o->tls_key) : NULL;
		if (!cert || !key) {
			fprintf(stderr, "tilsyn: TLS kræver både --tls-cert og --tls-key som læsbare PEM-filer\n");
			free(cert);
			free(key);
			return 2;
		}
		flags |= MHD_USE_TLS;
	}

	/* Signals are taken by this thread only, with sigwait, so no worker is interrupted. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (spool_init() != 0) {
		fprintf(stderr, "tilsyn: kunne ikke lave en mappe til modtagne filer i %s: %s\n",
		        getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(errno));
		free(cert);
		free(key);
		return 1;
	}
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, key},
		{MHD_OPTION_END, 0, NULL},
	};
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		/* Until its first request's headers are in a connection may be silent for header_timeout
		** seconds; from then on REQUEST_IDLE_TIMEOUT (on_request). One address holds
		** at most per_ip_connections, so nobody can take all 1000 with slow connections. */
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->header_timeout > 0 ? o->header_timeout : 10),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(o->per_ip_connections > 0 ? o->per_ip_connections : 32),
		MHD_OPTION_ARRAY, cert ? tls_opts : tls_opts + 2,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "tilsyn: kunne ikke lytte på %s (er porten optaget?)\n", o->listen);
		spool_cleanup();
		free(cert);
		free(key);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("tilsyn: lytter på %s://%s:%u/\n", cert ? "https" : "http", host, info ? info->port : (unsigned)port);
	fflush(stdout);

	/* While waiting for the signal: anchor the audit head outside the database (audit_head.c),
	** and write the counts of refused logins of each past minute (denial.c). */
	/* Unconfirmed uploads past their lifetime go too (each minute, or each lifetime when
	** that is shorter), whether or not anyone opens the import again. */
	int sig;
	struct timespec tick = {.tv_sec = 5};
	int purge_every = cases_upload_lifetime() < 60 ? cases_upload_lifetime() : 60;
	time_t purged = time(NULL);
	while ((sig = sigtimedwait(&sigs, NULL, &tick)) < 0) {
		time_t now = time(NULL);
		audit_head_syslog(db_thread(), now, 0);
		denial_flush(db_thread(), now, 0);
		if (now - purged >= purge_every) {
			cases_forget_uploads(db_thread(), now);
			purged = now;
		}
	}
	fprintf(stderr, "tilsyn: stopper (signal %d); afslutter igangværende forespørgsler\n", sig);
	/* Stop accepting, stop long statements (db.c) and let the requests in progress be
	** answered; after SHUTDOWN_DEADLINE the server stops regardless: MHD_stop_daemon would
	** wait for a handler that is still busy, so it is skipped then (the process ends; SQLite
	** rolls back what was not committed, as after a crash). */
	MHD_socket listener = MHD_quiesce_daemon(d);
	db_deadline_stop_all();
	struct timespec since;
	clock_gettime(CLOCK_MONOTONIC, &since);
	double waited = 0;
	while (atomic_load(&requests_in_flight) > 0 && waited < SHUTDOWN_DEADLINE) {
		usleep(10 * 1000);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (double)(now.tv_sec - since.tv_sec) + (double)(now.tv_nsec - since.tv_nsec) / 1e9;
	}
	if (atomic_load(&handlers_running) > 0)
		fprintf(stderr, "tilsyn: %d forespørgsler var ikke færdige efter %d s; stopper uden dem\n",
		        atomic_load(&handlers_running), SHUTDOWN_DEADLINE);
	else
		MHD_stop_daemon(d);
	denial_flush(db_thread(), time(NULL), 1);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	audit_head_syslog(db_thread(), time(NULL), 1);
	spool_cleanup();
	free(cert);
	free(key);
	return 0;
}
