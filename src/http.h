/*
** The web side of tilsyn: a request as handlers see it, the route table's shape, and the
** response helpers. http.c glues this to libmicrohttpd; routes.c lists every route.
*/
#ifndef TILSYN_HTTP_H
#define TILSYN_HTTP_H

#include "tilsyn.h"

typedef struct Req Req;
typedef void (*Handler)(Req *r);

/* How a route's POST is protected against cross-site request forgery. */
typedef enum Csrf {
	CSRF_NONE = 0,   /* GET routes: they change nothing */
	CSRF_LOGIN,      /* the login form: token in a cookie and in the form must match */
	CSRF_SESSION     /* every other form: the session's token must be in the form */
} Csrf;

/* What a form post does when its session has expired: flash.c's draft keeps what was typed
** through a login. A table of functions, so the server core does not call up into a page. */
typedef struct Draft {
	int (*wanted)(Req *r); /* whether this post can be kept (room for one more) */
	void (*keep)(Req *r);  /* keep it, and answer with the way to log in and come back */
} Draft;

typedef struct Route {
	const char *method;  /* "GET" or "POST"; GET routes also answer HEAD */
	const char *pattern; /* segments; ":name" captures one, ":dept" also selects the department */
	Handler handler;
	Perm perm;
	Csrf csrf;
	size_t max_body;     /* 0: HTTP_FORM_LIMIT */
	const Draft *draft;  /* NULL: a post after the session expired is answered 401 and lost */
} Route;

extern const Route routes[];
extern const size_t route_count;

#define HTTP_FORM_LIMIT ((size_t)1 << 20)
#define HTTP_MAX_FIELDS 2000

typedef struct Param {
	const char *name;
	const char *value;
	size_t len;           /* value length: an uploaded file may hold any bytes */
	const char *filename; /* an uploaded file's name; NULL for other fields */
} Param;

typedef struct Header {
	const char *name;
	const char *value;
} Header;

struct Req {
	Arena *arena;
	Db *db;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *ip;
	int tls;
	const Route *route;
	Param captures[8];
	int ncaptures;
	Param *form;
	int nform;

	/* Who is asking: NULL when nobody is logged in. */
	User *user;
	Session *session;
	/* The department named by :dept in the route, and the user's role there. */
	Department *dept;
	Role role;

	/* A save whose session had expired: its form is kept through a login (flash.c), for the
	** user of that expired session only. */
	int draft;
	int64_t expired_user;

	/* The response. */
	int status;
	const char *content_type;
	Buf out;
	Header headers[16];
	int nheaders;
	int cacheable;
};

/* Request data; every value has been checked to be valid UTF-8. */
const char *req_query(Req *r, const char *name);
const char *req_form(Req *r, const char *name);
const char *req_capture(Req *r, const char *name);
const char *req_cookie(Req *r, const char *name);
const char *req_header(Req *r, const char *name);
int req_form_checked(Req *r, const char *name);

/* Responses. */
void http_header(Req *r, const char *name, const char *value);
void http_set_cookie(Req *r, const char *name, const char *value, int max_age);
void http_redirect(Req *r, const char *location);
void http_error(Req *r, int status, const char *message);
void http_text(Req *r, int status, const char *text);
int http_local_path(const char *path);

/* The server. */
typedef struct ServeOptions {
	const char *listen;  /* host:port; port 0 picks a free one */
	int threads;
	const char *tls_cert; /* PEM files; both or neither */
	const char *tls_key;
	int per_ip_connections; /* connections one address may hold open at once */
	int header_timeout;     /* seconds a connection may stay silent before its request's headers are in */
	const char *public_url;           /* as browsers reach tilsyn; https:// means Secure cookies, HSTS */
	const char *trusted_proxies[16];  /* peers whose X-Forwarded-For is believed (proxy.c) */
	int ntrusted_proxies;
	double statement_timeout;         /* seconds a request's statements may run; <= 0: no limit */
	int upload_lifetime;              /* seconds an unconfirmed case-list upload is kept */
	int upload_deadline;              /* seconds a large upload's body may take in all */
	int upload_min_rate;              /* bytes a second it must average after UPLOAD_GRACE s; 0: none */
} ServeOptions;
int http_serve(const ServeOptions *o);

/* proxy.c: behind a reverse proxy; configured once before serving. */
void proxy_reset(void);
int proxy_trust(const char *addr);          /* -1: not an IP address, or too many */
int proxy_set_public_url(const char *url);  /* -1: not http:// or https:// */
int proxy_public_https(void);
void proxy_client_address(const char *peer, const char *forwarded_for, char *out, size_t n);

/* spool.c: large uploads go to an unlinked temporary file, not memory (see http.c). */
#define SPOOL_SLOTS 4 /* large uploads received at once; more get 503 and Retry-After */
int spool_init(void);
void spool_cleanup(void);
#define SPOOL_ALL_TAKEN 0
#define SPOOL_USER_BUSY (-1)
int spool_slot_take(int64_t user_id); /* 1, SPOOL_ALL_TAKEN or SPOOL_USER_BUSY */
void spool_slot_give(int64_t user_id);
int spool_open(void);
int spool_write(int fd, const char *data, size_t n);
char *spool_map(int fd, size_t n);
void spool_unmap(char *p, size_t n);

/* Routing, exposed for the tests of the permission matrix. */
const Route *route_find(const char *method, const char *path, Param *caps, int *ncaps, int *path_known);
int route_allows(const Route *route, const User *user, Role dept_role);

/* form.c: application/x-www-form-urlencoded bodies. */
int form_parse(Arena *a, const char *body, size_t n, Param **out, int *count, const char **err);
int form_parse_multipart(Arena *a, const char *content_type, const char *body, size_t n, Param **out, int *count,
                         const char **err);
/* The same for a writable body that outlives the request's use of the form (a mapped upload):
** file values point into body, which gets NUL bytes after each file's contents. */
int form_parse_multipart_in_place(Arena *a, const char *content_type, char *body, size_t n, Param **out,
                                  int *count, const char **err);
const Param *req_file(Req *r, const char *name);
int url_decode(char *s, size_t *len);

/* flash.c: post/redirect/get after a validation error (how to use it: the file's first comment). */
typedef struct Flash Flash;
Flash *flash_begin(Req *r);
void flash_error(Flash *f, const char *field, const char *message);
void flash_note(Flash *f, const char *field, const char *kind, const char *message, const char *extra);
int flash_errors(const Flash *f);
void flash_redirect(Req *r, Flash *f, const char *location);
void flash_fail(Req *r, const char *location, const char *field, const char *message);
const Flash *flash_take(Req *r);
int flash_has(const Flash *f);
const char *flash_message(const Flash *f);
int flash_restore_form(Req *r, const Flash *f);
const char *flash_value(const Flash *f, const char *name, const char *fallback);
const char *flash_field_message(const Flash *f, const char *name);
const char *flash_field_kind(const Flash *f, const char *name);
const char *flash_field_extra(const Flash *f, const char *name);
void flash_summary(Req *r, const Flash *f);
void flash_field_error(Req *r, const Flash *f, const char *name);
void flash_field_attrs(Req *r, const Flash *f, const char *name);
extern const Draft flash_draft; /* the review page's save (routes.c) */
void page_draft_show(Req *r);

/* questionnaire.c: a case's questions with their answers, for the review and the second review. */
typedef struct Question {
	int64_t id, catalogue_id, section_id;
	const char *catalogue, *section, *code, *text, *guidance, *reference, *scale, *choices, *cond_code, *cond_answers;
	int parent;             /* index of the question the condition refers to, or -1 */
	/* What is stored. */
	const char *value, *comment, *by, *at;
	int material;
	int64_t revision;
	/* What the page shows (the stored answer, or what the person sent when it was not saved). */
	const char *show_value, *show_comment;
	int show_material;
	int64_t show_revision;
	char show_fp[33];
	int state;              /* RELEVANCE_* by the answers shown */
	const char *why;        /* why it does not count (relevance_reason), or "" */
	/* The first review, beside the second (ANSWER_SECOND). */
	const char *first_value, *first_comment;
	int first_material, first_state;
	const char *error;      /* why the person's answer was not saved */
	int conflict;           /* someone else saved first: `their` holds what they saved */
	AnswerState *their;
} Question;
Question *questionnaire_load(Req *r, int64_t round_id, int64_t case_id, int which, int *count);
void questionnaire_relevance(Req *r, int64_t round_id, Question *qs, int n);
int questionnaire_open(const Question *qs, int i);
const char *questionnaire_form_text(Req *r, const char *name);
void questionnaire_read(Req *r, const Question *x, AnswerInput *in);
void questionnaire_show_sent(Question *x, const AnswerInput *in);
void questionnaire_html(Req *r, const Question *qs, int n, int live, int mark_missing);
const char *questionnaire_answer_text(Arena *a, const char *value, int material, const char *comment);
void questionnaire_fingerprint(const char *value, int material, const char *comment, char out[33]);
const char *questionnaire_status_title(const char *s);
void questionnaire_status_tag(Buf *b, const char *s);

/* html.c: the escaping writer, the only way HTML is produced. */
void html_text(Buf *b, const char *s);
void html_attr(Buf *b, const char *s);
void html_url(Buf *b, const char *s);
#define html_lit(b, s) buf_append((b), "" s, sizeof(s) - 1)
#define html_fmt(b, fmt, ...) html_fmt_((b), "" fmt, ##__VA_ARGS__)
void html_fmt_(Buf *b, const char *fmt, ...);
void html_option(Buf *b, const char *value, const char *label, int selected);
void html_tag(Buf *b, const char *kind, const char *text);
/* page.c: the layout every page shares. */
void page_begin(Req *r, const char *title);
void page_end(Req *r);
void page_form_begin(Req *r, const char *action);
void page_message(Req *r, const char *kind, const char *text);

/* req.c: the audit entry from the request, the write transaction of a page, the round of :round. */
AuditEntry req_who(const Req *r); /* user id, login and client address */
ReviewBy req_by(const Req *r);    /* the same, for the review functions */
/* Audited as the request's user; req_audit names the department of the address, if any. */
int req_audit(Req *r, const char *action, const char *object, const char *detail);
int req_audit_in(Req *r, int64_t department_id, const char *action, const char *object, const char *detail);
int req_begin(Req *r);                      /* BEGIN IMMEDIATE; 0 after a Danish 503 page */
int req_commit(Req *r, const char *failed); /* COMMIT; 0 after a 500 page saying failed */
int page_round_from_capture(Req *r, Round *out); /* :round of :dept, else 404; every round page */

/* Pages (page_*.c), named by what they show. */
void page_home(Req *r);
void page_static(Req *r);
void page_health(Req *r);
void page_test_fault(Req *r);
void page_help(Req *r);
void page_login_form(Req *r);
void page_login_post(Req *r);
void page_logout(Req *r);
void page_account_password(Req *r);
void page_account_password_post(Req *r);
void page_account_sessions(Req *r);
void page_account_session_end(Req *r);
void page_user_session_end(Req *r);
void page_sessions_table(Req *r, int64_t user_id, const char *end_base);
void page_department_list(Req *r);
void page_department_add(Req *r);
void page_department_edit(Req *r);
void page_department_edit_post(Req *r);
void page_department_home(Req *r);
void page_user_list(Req *r);
void page_user_new(Req *r);
void page_user_add(Req *r);
void page_user_edit(Req *r);
void page_user_edit_post(Req *r);
void page_user_role_post(Req *r);
void page_user_reset_password(Req *r);
void page_cases_list(Req *r);
void page_alias_section(Req *r, const User *u, const Flash *f);  /* page_alias.c: names in the case system */
void page_alias_add(Req *r);
void page_alias_remove(Req *r);
void page_alias_unknown(Req *r);
void page_alias_link(Req *r);
void page_alias_import_notes(Req *r, const ImportResult *res);
void page_alias_cleared_notice(Req *r, const Round *rd);
/* page_cases.c: the case list's filters, read from the query string; shared with its download. */
typedef struct CaseFilter {
	const char *q, *advisor, *provision, *team, *target, *opened_from, *opened_to, *decided_from, *decided_to;
} CaseFilter;
int case_filter_read(Req *r, CaseFilter *f); /* 0, and a 400 page, when a date is not a date */
int case_filter_active(const CaseFilter *f);
void case_filter_bind(Req *r, Stmt *q, const CaseFilter *f); /* ?1 to ?10 of CASE_FILTER_WHERE */
const char *case_filter_query(Req *r, const CaseFilter *f);  /* "q=..&advisor=..", URL-encoded */
/* The current list only. The text filters match part of the text in any case (text_fold,
** fold.c, Æ Ø Å too) inside SQL, so that the list is counted and paged there. ?q= is part
** of a case number. */
#define CASE_FILTER_WHERE \
	" WHERE department_id = ?1 AND on_list = 1 AND (?2 IS NULL OR target = ?2)" \
	" AND (?3 IS NULL OR opened >= ?3) AND (?4 IS NULL OR opened <= ?4)" \
	" AND (?5 IS NULL OR decided >= ?5) AND (?6 IS NULL OR decided <= ?6)" \
	" AND (?7 IS NULL OR instr(text_fold(advisor), ?7) > 0)" \
	" AND (?8 IS NULL OR instr(text_fold(provision), ?8) > 0)" \
	" AND (?9 IS NULL OR instr(text_fold(team), ?9) > 0)" \
	" AND (?10 IS NULL OR instr(text_fold(case_no), ?10) > 0)"
void page_cases_upload(Req *r);
void page_cases_preview(Req *r);
void page_cases_confirm(Req *r);
void page_round_list(Req *r);
void page_round_create(Req *r);
void page_round_show(Req *r);
void page_round_sample(Req *r);
void page_round_replace(Req *r);
void page_round_plan(Req *r);
void page_round_phase(Req *r);
void protocol_html(Req *r, const Round *rd); /* protocol.c: the round's sampling protocol */
void page_round_theme_choices(Req *r, const char *const *checked, int nchecked, int disabled);
void page_round_edit(Req *r);       /* page_round_edit.c: edit, delete (with a confirmation step) */
void page_round_edit_post(Req *r);
void page_round_delete(Req *r);
void page_round_remeasure(Req *r);  /* page_round.c */
void page_workgroup_show(Req *r);
void page_workgroup_post(Req *r);
void page_round_sheet(Req *r);
void page_round_sheet_upload(Req *r);
void page_round_sheet_form(Req *r);
void page_sheet_section(Req *r, const Round *rd);
void page_sheet_form(Req *r, const Round *rd);
void page_review_progress(Req *r);
void page_review_assign(Req *r);
void page_review_assign_to(Req *r, const Round *rd, int second, const char *back, const char *done);
void page_review_finish_at(Req *r, const Round *rd, int64_t case_id, int second, const char *self);
int page_review_admit(Req *r, int64_t case_id, int found, int theirs, int json, const char *absent, const char *why,
                      const char *denied);
void page_review_case(Req *r);
void page_review_case_post(Req *r);
void page_review_answer(Req *r);
void page_review_finish(Req *r);
void page_review_acute(Req *r);
void page_review_consent(Req *r);
void page_report_show(Req *r);
void page_report_save(Req *r);
void page_report_download(Req *r);
void page_report_my_feedback(Req *r);
void retention_home_notice(Req *r);
void retention_round_notice(Req *r, const Round *rd);
void page_results_show(Req *r);
void page_results_mine(Req *r);
void page_results_trends(Req *r);
void page_audit_case(Req *r);
void page_plan_show(Req *r);
int page_plan_year(Req *r, char today[11], int *year); /* ?year=; 0 (and a 400 page) when no year */
void page_calendar_download(Req *r);
void page_calendar_feed_create(Req *r);
void page_calendar_public(Req *r);
void plan_home_warnings(Req *r);
void page_calibration_show(Req *r);
void page_calibration_choose(Req *r);
void page_calibration_assign(Req *r);
void page_calibration_case(Req *r);
void page_calibration_case_post(Req *r);
void page_calibration_finish(Req *r);
void page_external_rounds(Req *r);
void page_external_expectation(Req *r);
void page_external_expectation_post(Req *r);
void page_external_invite(Req *r);
void page_external_uninvite(Req *r);
void external_round_section(Req *r, const Round *rd);
int external_refuse_staff_view(Req *r, const Round *rd, const char *what);
void page_meeting_list(Req *r);
void page_meeting_new(Req *r);
void page_meeting_create(Req *r);
void page_meeting_show(Req *r);
void page_meeting_update(Req *r);
void page_feedback_show(Req *r);
void page_feedback_release(Req *r);
void page_action_list(Req *r);
void page_action_create(Req *r);
void page_action_show(Req *r);
void page_action_update(Req *r);

void page_export_cases(Req *r);   /* export.c: the lists as spreadsheets */
void page_export_sample(Req *r);
void page_export_review(Req *r);
void page_export_results(Req *r);
void page_export_actions(Req *r);
void page_export_plan(Req *r);

void page_catalogue_list(Req *r);
void page_catalogue_import(Req *r);
void page_catalogue_show(Req *r);
void page_catalogue_export(Req *r);
void page_catalogue_draft(Req *r);
void page_catalogue_meta(Req *r);
void page_catalogue_publish(Req *r);
void page_catalogue_delete(Req *r);
void page_catalogue_section(Req *r);
void page_catalogue_question_new(Req *r);
void page_catalogue_question_add(Req *r);
void page_catalogue_question_edit(Req *r);
void page_catalogue_question_update(Req *r);
void page_catalogue_question_delete(Req *r);
void page_catalogue_question_move(Req *r);

#endif
