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
	/* method  pattern                          handler                       permission           csrf */
	{"GET",  "/",                               page_home,                    PERM_LOGIN,          CSRF_NONE, 0},
	{"GET",  "/healthz",                        page_health,                  PERM_PUBLIC,         CSRF_NONE, 0},
	{"GET",  "/_test/fault",                    page_test_fault,              PERM_PUBLIC,         CSRF_NONE, 0},
	{"GET",  "/static/:file",                   page_static,                  PERM_PUBLIC,         CSRF_NONE, 0},
	{"GET",  "/login",                          page_login_form,              PERM_PUBLIC,         CSRF_NONE, 0},
	{"POST", "/login",                          page_login_post,              PERM_PUBLIC,         CSRF_LOGIN, KB(8)},
	{"POST", "/logout",                         page_logout,                  PERM_LOGIN,          CSRF_SESSION, KB(8)},
	{"GET",  "/account/password",               page_account_password,        PERM_LOGIN,          CSRF_NONE, 0},
	{"POST", "/account/password",               page_account_password_post,   PERM_LOGIN,          CSRF_SESSION, KB(8)},
	{"GET",  "/d/:dept",                        page_department_home,         PERM_DEPT_MEMBER,    CSRF_NONE, 0},
	{"GET",  "/d/:dept/cases",                  page_cases_list,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0},
	{"GET",  "/d/:dept/cases/import",           page_cases_upload,            PERM_DEPT_WORKGROUP, CSRF_NONE, 0},
	{"POST", "/d/:dept/cases/import",           page_cases_preview,           PERM_DEPT_WORKGROUP, CSRF_SESSION, MB(64)},
	{"POST", "/d/:dept/cases/import/confirm",   page_cases_confirm,           PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16)},
	{"GET",  "/d/:dept/rounds",                 page_round_list,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0},
	{"POST", "/d/:dept/rounds",                 page_round_create,            PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16)},
	{"GET",  "/d/:dept/rounds/:round",          page_round_show,              PERM_DEPT_WORKGROUP, CSRF_NONE, 0},
	{"POST", "/d/:dept/rounds/:round/sample",   page_round_sample,            PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16)},
	{"POST", "/d/:dept/rounds/:round/replace",  page_round_replace,           PERM_DEPT_WORKGROUP, CSRF_SESSION, KB(16)},
	{"GET",  "/admin/departments",              page_department_list,         PERM_ADMIN,          CSRF_NONE, 0},
	{"POST", "/admin/departments",              page_department_add,          PERM_ADMIN,          CSRF_SESSION, KB(16)},
	{"GET",  "/admin/departments/:dept",        page_department_edit,         PERM_ADMIN,          CSRF_NONE, 0},
	{"POST", "/admin/departments/:dept",        page_department_edit_post,    PERM_ADMIN,          CSRF_SESSION, KB(16)},
	{"GET",  "/admin/users",                    page_user_list,               PERM_ADMIN,          CSRF_NONE, 0},
	{"GET",  "/admin/users/new",                page_user_new,                PERM_ADMIN,          CSRF_NONE, 0},
	{"POST", "/admin/users",                    page_user_add,                PERM_ADMIN,          CSRF_SESSION, KB(16)},
	{"GET",  "/admin/users/:id",                page_user_edit,               PERM_ADMIN,          CSRF_NONE, 0},
	{"POST", "/admin/users/:id",                page_user_edit_post,          PERM_ADMIN,          CSRF_SESSION, KB(16)},
	{"POST", "/admin/users/:id/role",           page_user_role_post,          PERM_ADMIN,          CSRF_SESSION, KB(16)},
	{"POST", "/admin/users/:id/password",       page_user_reset_password,     PERM_ADMIN,          CSRF_SESSION, KB(16)},
};

const size_t route_count = COUNT(routes);
