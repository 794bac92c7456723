/*
** Tests of the route table (routes.c) and the router (http.c): the permission matrix is
** written out here by hand, one row per route, and every route × principal is checked
** against route_allows(); the table and routes[] must list the same routes, so a new route
** fails this test until someone has decided who may use it. Also: CSRF levels by method,
** department permissions only on :dept routes, and route_find's matching (captures, 404
** versus 405, HEAD answered by GET routes).
*/
#include "unit_helpers.h"
#include "http.h"

/* Who is asking. The four role holders are ordinary users (not administrators) who hold
** that role in the department named by :dept, when the route has one. The ekstern column is
** an outside reviewer invited to the (ekstern) round in the address: the router gives them
** the working group's powers on routes that name that round (ROLE_EKSTERN_INVITED), except
** what the department decides (sample, plan, phase, invitations), and elsewhere in the
** department only its home and its list of tilsyn. Not invited, they are
** refused every route that names a round (ekstern_not_invited). */
enum { ANON, ADMIN, LEDER, KOORD, RAAD, EKST, NPRINCIPALS };
static const char *const principal_names[NPRINCIPALS] = {"anonymous", "admin (no department role)", "leder",
                                                         "koordinator", "raadgiver", "ekstern"};
static const Role principal_roles[NPRINCIPALS] = {ROLE_NONE, ROLE_NONE, ROLE_LEDER, ROLE_KOORDINATOR,
                                                  ROLE_RAADGIVER, ROLE_EKSTERN_INVITED};

typedef struct Expect {
	const char *method;
	const char *pattern;
	int allow[NPRINCIPALS];
} Expect;

static const Expect expected[] = {
	/* method  pattern                           anon admin leder koord raad ekst */
	{"GET",  "/",                                {0,   1,    1,    1,    1,   1}},
	{"GET",  "/healthz",                         {1,   1,    1,    1,    1,   1}},
	{"GET",  "/_test/fault",                     {1,   1,    1,    1,    1,   1}},
	{"GET",  "/static/:file",                    {1,   1,    1,    1,    1,   1}},
	{"GET",  "/login",                           {1,   1,    1,    1,    1,   1}},
	{"POST", "/login",                           {1,   1,    1,    1,    1,   1}},
	/* Help holds no data: readable without login. */
	{"GET",  "/hjaelp",                          {1,   1,    1,    1,    1,   1}},
	{"POST", "/logout",                          {0,   1,    1,    1,    1,   1}},
	{"GET",  "/kladde/:id",                      {0,   1,    1,    1,    1,   1}},
	{"GET",  "/account/password",                {0,   1,    1,    1,    1,   1}},
	{"POST", "/account/password",                {0,   1,    1,    1,    1,   1}},
	/* One's own sessions: the handler ends only the user's own (tests/integration/sessions). */
	{"GET",  "/account/sessions",                {0,   1,    1,    1,    1,   1}},
	{"POST", "/account/sessions/:sid/end",       {0,   1,    1,    1,    1,   1}},
	{"GET",  "/d/:dept",                         {0,   0,    1,    1,    1,   1}},
	/* Case lists, import and rounds (planning, sampling): the working group, leder and koordinator. */
	{"GET",  "/d/:dept/cases",                   {0,   0,    1,    1,    0,   0}},
	/* Each list as a spreadsheet (export.c) with the permission of its page. */
	{"GET",  "/d/:dept/cases/export.xlsx",       {0,   0,    1,    1,    0,   0}},
	{"GET",  "/d/:dept/cases/import",            {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/cases/import",            {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/cases/import/confirm",    {0,   0,    1,    1,    0,   0}},
	/* Linking a case list's caseworker name to one of the department's people: the leder. */
	{"POST", "/d/:dept/cases/link",              {0,   0,    1,    0,    0,   0}},
	{"GET",  "/d/:dept/rounds",                  {0,   0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds",                  {0,   0,    1,    1,    0,   0}},
	{"GET",  "/d/:dept/rounds/:round",           {0,   0,    1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/sample.xlsx", {0, 0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/sample",    {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/rounds/:round/replace",   {0,   0,    1,    1,    0,   0}},
	/* The planning answers and phase changes of a round: the working group. */
	{"POST", "/d/:dept/rounds/:round/plan",      {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/rounds/:round/phase",     {0,   0,    1,    1,    0,   0}},
	/* Editing, deleting and re-measuring a round: as creating one; never an invited outside reviewer. */
	{"GET",  "/d/:dept/rounds/:round/edit",      {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/rounds/:round/edit",      {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/rounds/:round/delete",    {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/rounds/:round/remeasure", {0,   0,    1,    1,    0,   0}},
	/* The working group: seen by any member but ekstern (the router refuses an outside reviewer
	** every department page but the home and the list of tilsyn), changed by the leder and
	** koordinator (tests/integration/workgroup). */
	{"GET",  "/d/:dept/workgroup",               {0,   0,    1,    1,    1,   0}},
	{"POST", "/d/:dept/workgroup",               {0,   0,    1,    1,    0,   0}},
	/* The offline registration sheet (case numbers and every assessment): the working group. */
	{"GET",  "/d/:dept/rounds/:round/sheet.xlsx", {0,  0,    1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/sheet",     {0,   0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/sheet",     {0,   0,    1,    1,    0,   1}},
	/* The review: progress and assignment for the working group; each case's review page for any
	** member, where the handler lets in only the working group and the case's reviewer. */
	{"GET",  "/d/:dept/rounds/:round/review",    {0,   0,    1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/review.xlsx", {0, 0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/assign",    {0,   0,    1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/cases/:case", {0, 0,    1,    1,    1,   1}},
	{"POST", "/d/:dept/rounds/:round/cases/:case", {0, 0,    1,    1,    1,   1}},
	{"POST", "/d/:dept/rounds/:round/cases/:case/answer", {0, 0, 1, 1,    1,   1}},
	{"POST", "/d/:dept/rounds/:round/cases/:case/finish", {0, 0, 1, 1,    1,   1}},
	{"POST", "/d/:dept/rounds/:round/cases/:case/acute",  {0, 0, 1, 1,    1,   1}},
	{"POST", "/d/:dept/rounds/:round/cases/:case/consent", {0, 0, 1, 1,   1,   1}},
	/* The report: text and every download for the working group; the download route is open to
	** members, and page_report.c lets a caseworker have only their own individual feedback. */
	{"GET",  "/d/:dept/rounds/:round/report",    {0,   0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/report",    {0,   0,    1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/report/download", {0, 0, 1,    1,    1,   1}},
	/* Results: the whole round and the per-caseworker breakdown for the working group; one's own
	** figures for any member, where the handler turns away ekstern (tests/integration/results_pages). */
	{"GET",  "/d/:dept/rounds/:round/results",   {0,   0,    1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/results.xlsx", {0, 0,   1,    1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/results/mine", {0, 0,   1,    1,    1,   1}},
	/* Release of individual feedback: the working group sees it (the handler turns ekstern away),
	** the leder releases (tests/integration/feedback_release). */
	{"GET",  "/d/:dept/rounds/:round/feedback",  {0,   0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/feedback/release", {0, 0, 1,   0,    0,   0}},
	{"GET",  "/d/:dept/trends",                  {0,   0,    1,    1,    0,   0}},
	/* The annual plan and the calendar file for the working group; the leder makes the secret
	** subscription address, and the feed behind it needs no login (the token is the key). */
	{"GET",  "/d/:dept/plan",                    {0,   0,    1,    1,    0,   0}},
	{"GET",  "/d/:dept/plan.xlsx",               {0,   0,    1,    1,    0,   0}},
	{"GET",  "/d/:dept/calendar.ics",            {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/calendar/feed",           {0,   0,    1,    0,    0,   0}},
	{"GET",  "/calendar/:token",                 {1,   1,    1,    1,    1,   1}},
	/* A case's audit log (who looked at or changed it): the department's leder only. */
	{"GET",  "/d/:dept/audit",                   {0,   0,    1,    0,    0,   0}},
	/* Calibration: overview, choosing and assigning for the working group; a case's second review
	** for any member, where the handler lets in only the working group and the second reviewer. */
	{"GET",  "/d/:dept/rounds/:round/calibration", {0,  0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/calibration/choose", {0, 0, 1, 1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/calibration/assign", {0, 0, 1, 1,    0,   1}},
	{"GET",  "/d/:dept/rounds/:round/calibration/:case", {0, 0, 1, 1,     1,   1}},
	{"POST", "/d/:dept/rounds/:round/calibration/:case", {0, 0, 1, 1,     1,   1}},
	{"POST", "/d/:dept/rounds/:round/calibration/:case/finish", {0, 0, 1, 1, 1, 1}},
	/* The external review: the expectation alignment for the working group and the invited
	** reviewers; invitations for the department's working group only. */
	{"GET",  "/d/:dept/rounds/:round/expectation", {0, 0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/expectation", {0, 0,    1,    1,    0,   1}},
	{"POST", "/d/:dept/rounds/:round/invite",    {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/rounds/:round/invite/:user/remove", {0, 0, 1, 1,   0,   0}},
	/* Meetings: planned and edited by the working group; any member reaches the list and a
	** meeting's page, where the handler shows a caseworker only the staff's meetings and their own
	** individual feedback (tests/integration/meetings). Outside reviewers are refused by the router. */
	{"GET",  "/d/:dept/meetings",                {0,   0,    1,    1,    1,   0}},
	{"GET",  "/d/:dept/meetings/new",            {0,   0,    1,    1,    0,   0}},
	{"POST", "/d/:dept/meetings",                {0,   0,    1,    1,    0,   0}},
	{"GET",  "/d/:dept/meetings/:id",            {0,   0,    1,    1,    1,   0}},
	{"POST", "/d/:dept/meetings/:id",            {0,   0,    1,    1,    0,   0}},
	/* Actions: decided by the working group; read by the department's members; the handler lets
	** the person responsible change the status (tests/integration/actions). */
	{"GET",  "/d/:dept/actions",                 {0,   0,    1,    1,    1,   0}},
	{"GET",  "/d/:dept/actions.xlsx",            {0,   0,    1,    1,    1,   0}},
	{"POST", "/d/:dept/actions",                 {0,   0,    1,    1,    0,   0}},
	{"GET",  "/d/:dept/actions/:id",             {0,   0,    1,    1,    1,   0}},
	{"POST", "/d/:dept/actions/:id",             {0,   0,    1,    1,    1,   0}},
	/* Question catalogues: any logged-in user reads them; the handlers let only leder/koordinator
	** in some department or an administrator change them (tested in tests/integration/catalogue). */
	{"GET",  "/catalogues",                      {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/import",               {0,   1,    1,    1,    1,   1}},
	{"GET",  "/catalogues/:id",                  {0,   1,    1,    1,    1,   1}},
	{"GET",  "/catalogues/:id/export",           {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/draft",            {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/meta",             {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/publish",          {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/delete",           {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/sections/:n",      {0,   1,    1,    1,    1,   1}},
	{"GET",  "/catalogues/:id/questions/new",    {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/questions",        {0,   1,    1,    1,    1,   1}},
	{"GET",  "/catalogues/:id/questions/:code",  {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/questions/:code",  {0,   1,    1,    1,    1,   1}},
	{"POST", "/catalogues/:id/questions/:code/delete", {0, 1,   1,    1,    1,   1}},
	{"POST", "/catalogues/:id/questions/:code/move",   {0, 1,   1,    1,    1,   1}},
	{"GET",  "/admin/departments",               {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/departments",               {0,   1,    0,    0,    0,   0}},
	{"GET",  "/admin/departments/:dept",         {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/departments/:dept",         {0,   1,    0,    0,    0,   0}},
	{"GET",  "/admin/users",                     {0,   1,    0,    0,    0,   0}},
	{"GET",  "/admin/users/new",                 {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users",                     {0,   1,    0,    0,    0,   0}},
	{"GET",  "/admin/users/:id",                 {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users/:id",                 {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users/:id/role",            {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users/:id/password",        {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users/:id/alias",           {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users/:id/alias/remove",    {0,   1,    0,    0,    0,   0}},
	{"POST", "/admin/users/:id/sessions/:sid/end", {0, 1,    0,    0,    0,   0}},
};

static int has_dept(const char *pattern)
{
	const char *p = strstr(pattern, "/:dept");
	return p && (p[6] == 0 || p[6] == '/');
}

static const Route *route_in_table(const char *method, const char *pattern)
{
	for (size_t i = 0; i < route_count; i++)
		if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, pattern) == 0)
			return &routes[i];
	return NULL;
}

static const Expect *route_expected(const Route *rt)
{
	for (size_t i = 0; i < COUNT(expected); i++)
		if (strcmp(expected[i].method, rt->method) == 0 && strcmp(expected[i].pattern, rt->pattern) == 0)
			return &expected[i];
	return NULL;
}

static int allows(const Route *rt, int who)
{
	User u = {.id = 7, .login = "someone", .name = "Someone", .active = 1, .is_admin = who == ADMIN};
	Role role = has_dept(rt->pattern) ? principal_roles[who] : ROLE_NONE;
	return route_allows(rt, who == ANON ? NULL : &u, role);
}

static void every_route_has_a_decision(void **state)
{
	(void)state;
	int missing = 0;
	for (size_t i = 0; i < route_count; i++) {
		if (!route_expected(&routes[i])) {
			print_error("route %s %s is not in the expected permission table\n", routes[i].method,
			            routes[i].pattern);
			missing++;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(routes[i].method, routes[k].method) == 0 &&
			    strcmp(routes[i].pattern, routes[k].pattern) == 0)
				fail_msg("route %s %s is listed twice", routes[i].method, routes[i].pattern);
	}
	for (size_t i = 0; i < COUNT(expected); i++) {
		if (!route_in_table(expected[i].method, expected[i].pattern)) {
			print_error("expected route %s %s is not in routes[]\n", expected[i].method, expected[i].pattern);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	assert_int_equal(route_count, COUNT(expected));
}

static void permission_matrix(void **state)
{
	(void)state;
	int wrong = 0;
	for (size_t i = 0; i < route_count; i++) {
		const Route *rt = &routes[i];
		const Expect *e = route_expected(rt);
		if (!e)
			continue; /* reported by every_route_has_a_decision */
		for (int who = 0; who < NPRINCIPALS; who++) {
			int got = allows(rt, who);
			if (got != e->allow[who]) {
				print_error("%s %s: %s is %s, expected %s\n", rt->method, rt->pattern, principal_names[who],
				            got ? "allowed" : "refused", e->allow[who] ? "allowed" : "refused");
				wrong++;
			}
		}
	}
	assert_int_equal(wrong, 0);
}

/* The router makes an ekstern's role ROLE_EKSTERN_INVITED only on the pages of a round they
** are invited to (http.c); with the plain role every route naming a round is refused, and
** the rest is as the table's ekstern column says. */
static void ekstern_not_invited(void **state)
{
	(void)state;
	int wrong = 0;
	User u = {.id = 7, .login = "ekstern", .name = "Ekstern", .active = 1};
	for (size_t i = 0; i < route_count; i++) {
		const Route *rt = &routes[i];
		const Expect *e = route_expected(rt);
		if (!e || !has_dept(rt->pattern))
			continue;
		const char *r = strstr(rt->pattern, "/:round");
		int names_round = r && (r[7] == 0 || r[7] == '/');
		int want = names_round ? 0 : e->allow[EKST];
		if (route_allows(rt, &u, ROLE_EKSTERN) != want) {
			print_error("%s %s: ekstern not invited is %s\n", rt->method, rt->pattern, want ? "refused" : "allowed");
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

static void admin_with_department_role(void **state)
{
	(void)state;
	/* An administrator who is also leder of the department gets in as leder; an
	** administrator sees no department pages by being administrator alone. */
	const Route *rt = route_in_table("GET", "/d/:dept");
	assert_non_null(rt);
	User admin = {.id = 1, .is_admin = 1, .active = 1};
	assert_true(route_allows(rt, &admin, ROLE_LEDER));
	assert_false(route_allows(rt, &admin, ROLE_NONE));
	User plain = {.id = 2, .is_admin = 0, .active = 1};
	assert_false(route_allows(rt, &plain, ROLE_NONE));
	/* Nobody logged in gets nothing but public routes, whatever role is passed. */
	assert_false(route_allows(rt, NULL, ROLE_LEDER));
}

static void csrf_by_method(void **state)
{
	(void)state;
	for (size_t i = 0; i < route_count; i++) {
		const Route *rt = &routes[i];
		assert_non_null(rt->handler);
		if (strcmp(rt->method, "POST") == 0) {
			if (rt->csrf == CSRF_NONE)
				fail_msg("POST %s has no CSRF protection", rt->pattern);
			/* Only the login form uses the cookie-based token; everything else the session's. */
			if (strcmp(rt->pattern, "/login") == 0)
				assert_int_equal(rt->csrf, CSRF_LOGIN);
			else
				assert_int_equal(rt->csrf, CSRF_SESSION);
		} else if (strcmp(rt->method, "GET") == 0) {
			if (rt->csrf != CSRF_NONE)
				fail_msg("GET %s has a CSRF level; GET routes change nothing", rt->pattern);
		} else {
			fail_msg("route %s %s: only GET and POST are used", rt->method, rt->pattern);
		}
	}
}

static void dept_permissions_need_dept(void **state)
{
	(void)state;
	for (size_t i = 0; i < route_count; i++) {
		const Route *rt = &routes[i];
		int dept_perm = rt->perm == PERM_DEPT_MEMBER || rt->perm == PERM_DEPT_WORKGROUP || rt->perm == PERM_DEPT_LEDER;
		if (dept_perm && !has_dept(rt->pattern))
			fail_msg("%s %s demands a department role but has no :dept", rt->method, rt->pattern);
		assert_true(rt->pattern[0] == '/');
	}
	assert_true(has_dept("/d/:dept"));
	assert_true(has_dept("/d/:dept/rounds"));
	assert_false(has_dept("/d/:department"));
	assert_false(has_dept("/d/x"));
}

/* Capture i's name is the pattern from after ':' up to the next '/'. */
static void expect_capture(const Param *c, const char *name, const char *value)
{
	size_t n = strcspn(c->name, "/");
	assert_int_equal(n, strlen(name));
	assert_memory_equal(c->name, name, n);
	assert_int_equal(c->len, strlen(value));
	assert_memory_equal(c->value, value, c->len);
}

static void find_with_captures(void **state)
{
	(void)state;
	Param caps[8];
	int n = -1, known = -1;
	const Route *rt = route_find("GET", "/d/BHS", caps, &n, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/d/:dept");
	assert_int_equal(n, 1);
	expect_capture(&caps[0], "dept", "BHS");

	rt = route_find("POST", "/admin/users/42/role", caps, &n, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/admin/users/:id/role");
	assert_ptr_equal(rt->handler, page_user_role_post);
	assert_int_equal(n, 1);
	expect_capture(&caps[0], "id", "42");

	rt = route_find("POST", "/d/BHS/rounds/12/sample", caps, &n, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/d/:dept/rounds/:round/sample");
	assert_int_equal(n, 2);
	expect_capture(&caps[0], "dept", "BHS");
	expect_capture(&caps[1], "round", "12");

	rt = route_find("GET", "/admin/departments/V%C3%A6rk", caps, &n, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/admin/departments/:dept");
	expect_capture(&caps[0], "dept", "V%C3%A6rk"); /* decoded later, by the request pipeline */

	rt = route_find("GET", "/static/tilsyn.css", caps, &n, &known);
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, page_static);
	expect_capture(&caps[0], "file", "tilsyn.css");

	/* A literal segment wins over a capture listed after it. */
	rt = route_find("GET", "/admin/users/new", caps, &n, &known);
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, page_user_new);
	assert_int_equal(n, 0);
	rt = route_find("GET", "/admin/users/17", caps, &n, &known);
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, page_user_edit);
	expect_capture(&caps[0], "id", "17");

	/* A catalogue's new-question form is found before the question with the code "new". */
	rt = route_find("GET", "/catalogues/4/questions/new", caps, &n, &known);
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, page_catalogue_question_new);
	rt = route_find("GET", "/catalogues/4/questions/OB-1", caps, &n, &known);
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, page_catalogue_question_edit);
	assert_int_equal(n, 2);
	expect_capture(&caps[1], "code", "OB-1");

	rt = route_find("GET", "/", caps, &n, &known);
	assert_non_null(rt);
	assert_ptr_equal(rt->handler, page_home);
	assert_int_equal(n, 0);
	assert_int_equal(known, 0);
}

static void find_distinguishes_404_and_405(void **state)
{
	(void)state;
	Param caps[8];
	int n = -1, known = -1;
	/* Path known, other method: 405. */
	assert_null(route_find("GET", "/logout", caps, &n, &known));
	assert_int_equal(known, 1);
	assert_int_equal(n, 0);
	assert_null(route_find("DELETE", "/login", caps, &n, &known));
	assert_int_equal(known, 1);
	assert_null(route_find("PUT", "/admin/users/5", caps, &n, &known));
	assert_int_equal(known, 1);
	assert_null(route_find("GET", "/admin/users/5/role", caps, &n, &known));
	assert_int_equal(known, 1);
	assert_null(route_find("POST", "/d/BHS", caps, &n, &known));
	assert_int_equal(known, 1);

	/* Unknown paths: 404, and known is reset from the call before. */
	const char *unknown[] = {"/nope", "/d/", "/d", "/d/BHS/", "/d/BHS/x", "/static/a/b", "/Login",
	                         "/login/", "//", "", "/admin/users/5/role/x", "/healthz?x=1"};
	for (size_t i = 0; i < COUNT(unknown); i++) {
		known = -1;
		n = -1;
		if (route_find("GET", unknown[i], caps, &n, &known))
			fail_msg("GET \"%s\" matched a route", unknown[i]);
		if (known != 0)
			fail_msg("GET \"%s\" was reported as a known path", unknown[i]);
		assert_int_equal(n, 0);
	}
}

static void head_matches_get(void **state)
{
	(void)state;
	Param caps[8];
	int n = -1, known = -1;
	for (size_t i = 0; i < route_count; i++) {
		if (strcmp(routes[i].method, "GET") != 0 || strchr(routes[i].pattern, ':'))
			continue;
		const Route *rt = route_find("HEAD", routes[i].pattern, caps, &n, &known);
		assert_ptr_equal(rt, &routes[i]);
	}
	/* /login has both a GET and a POST route: HEAD takes the GET one. */
	const Route *rt = route_find("HEAD", "/login", caps, &n, &known);
	assert_non_null(rt);
	assert_string_equal(rt->method, "GET");
	assert_ptr_equal(rt->handler, page_login_form);
	rt = route_find("HEAD", "/d/BHS", caps, &n, &known);
	assert_non_null(rt);
	assert_string_equal(rt->pattern, "/d/:dept");
	expect_capture(&caps[0], "dept", "BHS");
	/* HEAD never reaches a POST-only route. */
	assert_null(route_find("HEAD", "/logout", caps, &n, &known));
	assert_int_equal(known, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_has_a_decision),
		cmocka_unit_test(permission_matrix),
		cmocka_unit_test(ekstern_not_invited),
		cmocka_unit_test(admin_with_department_role),
		cmocka_unit_test(csrf_by_method),
		cmocka_unit_test(dept_permissions_need_dept),
		cmocka_unit_test(find_with_captures),
		cmocka_unit_test(find_distinguishes_404_and_405),
		cmocka_unit_test(head_matches_get),
	};
	return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
