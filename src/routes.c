/*
** THE route table: every address tilsyn answers, with the permission it demands and how
** its POST is protected. http.c enforces both before the handler runs, so no page can
** forget them. Order matters only where a literal segment and a capture compete
** ("/admin/users/new" before "/admin/users/:id").
*/
#include "http.h"

#define KB(n) ((size_t)(n) << 10)
#define MB(n) ((size_t)(n) << 20)

const Route routes[] = {
	/* method  pattern                          handler                       permission           csrf, max body, draft */
	{"GET",  "/",                               page_home,                    PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"GET",  "/healthz",                        page_health,                  PERM_PUBLIC,         CSRF_NONE, 0, NULL},
	{"GET",  "/_test/fault",                    page_test_fault,              PERM_PUBLIC,         CSRF_NONE, 0, NULL},
	{"GET",  "/static/:file",                   page_static,                  PERM_PUBLIC,         CSRF_NONE, 0, NULL},
	/* Help: readable without login, it holds no data (page_help.c). */
	{"GET",  "/hjaelp",                         page_help,                    PERM_PUBLIC,         CSRF_NONE, 0, NULL},
	{"GET",  "/login",                          page_login_form,              PERM_PUBLIC,         CSRF_NONE, 0, NULL},
	{"POST", "/login",                          page_login_post,              PERM_PUBLIC,         CSRF_LOGIN, KB(8), NULL},
	{"POST", "/logout",                         page_logout,                  PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	/* A save sent after the session expired, kept through the login and offered again (flash.c). */
	{"GET",  "/kladde/:id",                     page_draft_show,              PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"GET",  "/account/password",               page_account_password,        PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"POST", "/account/password",               page_account_password_post,   PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	/* One's own sessions; page_session.c ends only the user's own (another's id: 404). */
	{"GET",  "/account/sessions",               page_account_sessions,        PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"POST", "/account/sessions/:sid/end",      page_account_session_end,     PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	{"GET",  "/d/:dept",                        page_department_home,         PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/cases",                  page_cases_list,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	/* The lists as spreadsheets (export.c), each with the permission of the page it exports. */
	{"GET",  "/d/:dept/cases/export.xlsx",      page_export_cases,            PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/cases/import",           page_cases_upload,            PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/cases/import",           page_cases_preview,           PERM_DEPT_WORKGROUP, CSRF_SESSION, MB(64), NULL},
	{"POST", "/d/:dept/cases/import/confirm",   page_cases_confirm,           PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/cases/link",             page_alias_link,              PERM_DEPT_LEDER,     CSRF_SESSION, KB(8), NULL},
	{"GET",  "/d/:dept/rounds",                 page_round_list,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds",                 page_round_create,            PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"GET",  "/d/:dept/rounds/:round",          page_round_show,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/rounds/:round/sample.xlsx", page_export_sample,       PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/sample",   page_round_sample,            PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/rounds/:round/replace",  page_round_replace,           PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	/* The planning answers and the phase of a round; moving on with work left asks for a reason. */
	{"POST", "/d/:dept/rounds/:round/plan",     page_round_plan,              PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(64), NULL},
	{"POST", "/d/:dept/rounds/:round/phase",    page_round_phase,             PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	/* Editing and deleting a round (deleting asks to confirm, and is refused once a case is
	** reviewed), and its re-measurement from the follow-up: as creating one, the working group. */
	{"GET",  "/d/:dept/rounds/:round/edit",     page_round_edit,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/edit",     page_round_edit_post,         PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/rounds/:round/delete",   page_round_delete,            PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/rounds/:round/remeasure", page_round_remeasure,        PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(8), NULL},
	/* The working group: any member but ekstern sees it (page_workgroup.c turns ekstern away);
	** leder and koordinator change it. */
	{"GET",  "/d/:dept/workgroup",              page_workgroup_show,          PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/workgroup",              page_workgroup_post,          PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"GET",  "/d/:dept/rounds/:round/sheet.xlsx", page_round_sheet,          PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/rounds/:round/sheet",    page_round_sheet_form,        PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/sheet",    page_round_sheet_upload,      PERM_DEPT_WORKGROUP, CSRF_SESSION, MB(16), NULL},
	/* The review: progress and assignment for the working group; a case's review page for the
	** working group and the case's reviewer (page_review.c checks the reviewer). */
	{"GET",  "/d/:dept/rounds/:round/review",   page_review_progress,         PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/rounds/:round/review.xlsx", page_export_review,       PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/assign",   page_review_assign,           PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"GET",  "/d/:dept/rounds/:round/cases/:case", page_review_case,          PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/cases/:case", page_review_case_post,     PERM_DEPT_MEMBER,    CSRF_SESSION, 0, &flash_draft},
	{"POST", "/d/:dept/rounds/:round/cases/:case/answer", page_review_answer, PERM_DEPT_MEMBER,    CSRF_SESSION, KB(64), NULL},
	{"POST", "/d/:dept/rounds/:round/cases/:case/finish", page_review_finish, PERM_DEPT_MEMBER,    CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/rounds/:round/cases/:case/acute",  page_review_acute,  PERM_DEPT_MEMBER,    CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/rounds/:round/cases/:case/consent", page_review_consent, PERM_DEPT_MEMBER,  CSRF_SESSION, KB(16), NULL},
	/* The report: its text and downloads for the working group; page_report.c lets any other
	** member download only their own individual feedback. */
	{"GET",  "/d/:dept/rounds/:round/report",   page_report_show,             PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/report",   page_report_save,             PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(128), NULL},
	{"GET",  "/d/:dept/rounds/:round/report/download", page_report_download,  PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	/* Results: the working group sees the whole round and each caseworker's figures; any member may
	** ask for their own (page_results.c lets in rådgivere and the working group, not ekstern). */
	{"GET",  "/d/:dept/rounds/:round/results",  page_results_show,            PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/rounds/:round/results.xlsx", page_export_results,     PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/rounds/:round/results/mine", page_results_mine,       PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	/* Individual feedback reaches a caseworker once released: the working group sees per caseworker
	** whether it is (page_feedback.c turns an outside reviewer away); only the leder releases it. */
	{"GET",  "/d/:dept/rounds/:round/feedback", page_feedback_show,           PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/feedback/release", page_feedback_release, PERM_DEPT_LEDER,   CSRF_SESSION, KB(8), NULL},
	{"GET",  "/d/:dept/trends",                 page_results_trends,          PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	/* The annual plan (årshjul) and the calendar: the working group reads them; the leder makes the
	** secret address a calendar program subscribes to, which page_plan.c checks against the stored
	** hash (no login: calendar programs cannot log in; an unknown address is a 404). */
	{"GET",  "/d/:dept/plan",                   page_plan_show,               PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/plan.xlsx",              page_export_plan,             PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/calendar.ics",           page_calendar_download,       PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/calendar/feed",          page_calendar_feed_create,    PERM_DEPT_LEDER,     CSRF_SESSION, KB(8), NULL},
	{"GET",  "/calendar/:token",                page_calendar_public,         PERM_PUBLIC,         CSRF_NONE, 0, NULL},
	/* A case's audit log (who looked at or changed it): the leader only; page_audit.c. */
	{"GET",  "/d/:dept/audit",                  page_audit_case,              PERM_DEPT_LEDER,     CSRF_NONE, 0, NULL},
	/* Calibration: a blind second review of some cases. The overview, choosing and assigning for
	** the working group; a case's second review for any member, where page_calibration.c lets in
	** only the working group and the case's second reviewer. Literal segments before :case. */
	{"GET",  "/d/:dept/rounds/:round/calibration", page_calibration_show,    PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/calibration/choose", page_calibration_choose, PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"POST", "/d/:dept/rounds/:round/calibration/assign", page_calibration_assign, PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16), NULL},
	{"GET",  "/d/:dept/rounds/:round/calibration/:case", page_calibration_case, PERM_DEPT_MEMBER, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/calibration/:case", page_calibration_case_post, PERM_DEPT_MEMBER, CSRF_SESSION, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/calibration/:case/finish", page_calibration_finish, PERM_DEPT_MEMBER, CSRF_SESSION, KB(16), NULL},
	/* The external review: the expectation alignment for the working group and the invited
	** reviewers; invitations by the department's leder and koordinator (page_external.c turns
	** an invited reviewer away). An ekstern reviewer's access: route_allows in http.c. */
	{"GET",  "/d/:dept/rounds/:round/expectation", page_external_expectation, PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/rounds/:round/expectation", page_external_expectation_post, PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(256), NULL},
	{"POST", "/d/:dept/rounds/:round/invite",   page_external_invite,         PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(8), NULL},
	{"POST", "/d/:dept/rounds/:round/invite/:user/remove", page_external_uninvite, PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(8), NULL},
	/* Meetings: the working group plans and edits; any member may look, and page_meeting.c shows a
	** caseworker only the meetings for the whole staff and their own individual feedback. */
	{"GET",  "/d/:dept/meetings",               page_meeting_list,            PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/meetings/new",           page_meeting_new,             PERM_DEPT_WORKGROUP, CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/meetings",               page_meeting_create,          PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(64), NULL},
	{"GET",  "/d/:dept/meetings/:id",           page_meeting_show,            PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/meetings/:id",           page_meeting_update,          PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(64), NULL},
	/* Actions (tiltag): the working group decides and edits; any member reads them, and
	** page_action.c lets the person responsible change the status. */
	{"GET",  "/d/:dept/actions",                page_action_list,             PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"GET",  "/d/:dept/actions.xlsx",           page_export_actions,          PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/actions",                page_action_create,           PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(64), NULL},
	{"GET",  "/d/:dept/actions/:id",            page_action_show,             PERM_DEPT_MEMBER,    CSRF_NONE, 0, NULL},
	{"POST", "/d/:dept/actions/:id",            page_action_update,           PERM_DEPT_MEMBER,    CSRF_SESSION, KB(64), NULL},
	/* Question catalogues are shared by all departments and are no case data: any logged-in user
	** reads them; page_catalogue.c lets only leder/koordinator (any department) or admin change them. */
	{"GET",  "/catalogues",                     page_catalogue_list,          PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"POST", "/catalogues/import",              page_catalogue_import,        PERM_LOGIN,          CSRF_SESSION, MB(4), NULL},
	{"GET",  "/catalogues/:id",                 page_catalogue_show,          PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"GET",  "/catalogues/:id/export",          page_catalogue_export,        PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"POST", "/catalogues/:id/draft",           page_catalogue_draft,         PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	{"POST", "/catalogues/:id/meta",            page_catalogue_meta,          PERM_LOGIN,          CSRF_SESSION, KB(64), NULL},
	{"POST", "/catalogues/:id/publish",         page_catalogue_publish,       PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	{"POST", "/catalogues/:id/delete",          page_catalogue_delete,        PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	{"POST", "/catalogues/:id/sections/:n",     page_catalogue_section,       PERM_LOGIN,          CSRF_SESSION, KB(8), NULL},
	{"GET",  "/catalogues/:id/questions/new",   page_catalogue_question_new,  PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"POST", "/catalogues/:id/questions",       page_catalogue_question_add,  PERM_LOGIN,          CSRF_SESSION, KB(64), NULL},
	{"GET",  "/catalogues/:id/questions/:code", page_catalogue_question_edit, PERM_LOGIN,          CSRF_NONE, 0, NULL},
	{"POST", "/catalogues/:id/questions/:code", page_catalogue_question_update, PERM_LOGIN,        CSRF_SESSION, KB(64), NULL},
	{"POST", "/catalogues/:id/questions/:code/delete", page_catalogue_question_delete, PERM_LOGIN, CSRF_SESSION, KB(8), NULL},
	{"POST", "/catalogues/:id/questions/:code/move", page_catalogue_question_move, PERM_LOGIN,     CSRF_SESSION, KB(8), NULL},
	{"GET",  "/admin/departments",              page_department_list,         PERM_ADMIN,          CSRF_NONE, 0, NULL},
	{"POST", "/admin/departments",              page_department_add,          PERM_ADMIN,          CSRF_SESSION, KB(16), NULL},
	{"GET",  "/admin/departments/:dept",        page_department_edit,         PERM_ADMIN,          CSRF_NONE, 0, NULL},
	{"POST", "/admin/departments/:dept",        page_department_edit_post,    PERM_ADMIN,          CSRF_SESSION, KB(16), NULL},
	{"GET",  "/admin/users",                    page_user_list,               PERM_ADMIN,          CSRF_NONE, 0, NULL},
	{"GET",  "/admin/users/new",                page_user_new,                PERM_ADMIN,          CSRF_NONE, 0, NULL},
	{"POST", "/admin/users",                    page_user_add,                PERM_ADMIN,          CSRF_SESSION, KB(16), NULL},
	{"GET",  "/admin/users/:id",                page_user_edit,               PERM_ADMIN,          CSRF_NONE, 0, NULL},
	{"POST", "/admin/users/:id",                page_user_edit_post,          PERM_ADMIN,          CSRF_SESSION, KB(16), NULL},
	{"POST", "/admin/users/:id/role",           page_user_role_post,          PERM_ADMIN,          CSRF_SESSION, KB(16), NULL},
	{"POST", "/admin/users/:id/password",       page_user_reset_password,     PERM_ADMIN,          CSRF_SESSION, KB(16), NULL},
	{"POST", "/admin/users/:id/alias",          page_alias_add,               PERM_ADMIN,          CSRF_SESSION, KB(8), NULL},
	{"POST", "/admin/users/:id/alias/remove",   page_alias_remove,            PERM_ADMIN,          CSRF_SESSION, KB(8), NULL},
	{"POST", "/admin/users/:id/sessions/:sid/end", page_user_session_end,    PERM_ADMIN,          CSRF_SESSION, KB(8), NULL},
};

const size_t route_count = COUNT(routes);
