/*
** Reports of a round for three audiences (report.c builds the model; report_html.c,
** report_pdf.c and report_xlsx.c write it; report_write.c chooses among them), and the
** report's own words that the working group writes (report_text in 005_report.sql). Who may
** read what is decided here, in the model: a writer only writes what the model holds, so no
** format can leak more than another.
*/
#ifndef TILSYN_REPORT_H
#define TILSYN_REPORT_H

#include "tilsyn.h"

/* No figure for the whole staff is based on fewer cases than this. */
#define REPORT_MIN_CASES 5

typedef enum ReportAudience { REPORT_LEDELSE, REPORT_MEDARBEJDERE, REPORT_RAADGIVER } ReportAudience;
typedef enum ReportFormat { REPORT_HTML, REPORT_PDF, REPORT_XLSX } ReportFormat;

typedef struct ReportText {
	char summary[20001], strengths[20001], challenges[20001], recommendations[20001];
	int exists;           /* anything saved yet */
	int final;            /* marked final; otherwise a draft ("KLADDE") */
	char updated_at[32];
	char updated_by[201];
	char final_at[32];
	char final_by[201];
} ReportText;

typedef struct ReportAnswer {
	char *code, *text, *scale, *value, *comment; /* comment "" when left out */
	int material;
} ReportAnswer;

typedef struct ReportCase {
	int64_t case_id;
	char *case_no;        /* NULL in the staff report: examples are never named */
	char *advisor;        /* NULL in the staff report */
	char *provision;      /* NULL in the staff report */
	char review_status[16];
	int acute;
	char *acute_note;     /* NULL unless acute and the audience may see it */
	ReportAnswer *answers;
	int nanswers;
} ReportCase;

typedef struct ReportCategory {
	const char *code, *title;
	int64_t yes, partly, no, material;
	int64_t cases;        /* the most cases any question included is based on */
	int nquestions;       /* questions included (not suppressed) */
	int suppressed;
	/* Against the previous comparable round, over the questions whose change may be shown. */
	int64_t now_yes, now_base, prev_yes, prev_base;
	int has_prev;
	double prev_fulfilled, diff, diff_low, diff_high;
} ReportCategory;

typedef struct ReportAdvisorRow {  /* management's breakdown per caseworker */
	char *advisor;
	int64_t cases, yes, partly, no;
} ReportAdvisorRow;

typedef struct Report {
	Round round;
	Department dept;
	ReportAudience audience;
	char advisor[201];    /* raadgiver: the caseworker's name as in the case list */
	int64_t advisor_user_id; /* raadgiver by the stable key (ident.c): this user's own cases; 0: by name */
	QuestionResult *q;    /* the department's results per question */
	int nq;
	int *suppressed;      /* per question: figures not shown (fewer than REPORT_MIN_CASES) */
	int *show_change;     /* per question: the change against the previous round may be shown */
	int64_t *own_yes, *own_partly, *own_no; /* raadgiver: their own cases' answers per question */
	ReportCategory cat[3];
	ReportCategory total;
	int64_t sampled, answered, finished, acute;
	ReportCase *cases;    /* ledelse: every case; raadgiver: their own; medarbejdere: agreed examples */
	int ncases;
	ReportAdvisorRow *advisors; /* ledelse only */
	int nadvisors;
	ReportText text;
	char made_at[32];
	char finished_at[32]; /* when the round was finished (phase afsluttet); "" when not */
	int appendix;         /* ledelse: the appendix with every single case (--appendix); off by default */
} Report;

int report_audience_parse(const char *s, ReportAudience *a, const char **name);
int report_format_parse(const char *s, ReportFormat *f);
const char *report_audience_title(ReportAudience a);
const char *report_format_ext(ReportFormat f);
const char *report_format_type(ReportFormat f);
int report_suppress(int64_t cases);
int report_load_own(Db *db, const Round *r, const User *u, Report *out, char *err, size_t n);
int report_own_cases(Db *db, const Round *r, int64_t user_id);
/* The sample's caseworkers (report_own_cases), named so a unit test can check its plan uses
** the index: it runs on every caseworker's own-feedback download. */
#define REPORT_SQL_SAMPLE_ADVISORS \
	"SELECT DISTINCT c.advisor FROM round_case rc JOIN cases c ON c.id = rc.case_id" \
	" WHERE rc.round_id = ?1 AND rc.status = 'udtrukket' ORDER BY c.advisor"
int report_load(Db *db, const Round *r, ReportAudience a, const char *advisor, Report *out, char *err,
                size_t n);
void report_free(Report *rp);
int report_has_case_numbers(const Report *rp);
int report_case_named(const Report *rp, int i);
int report_key_changes(const Report *rp, const char *verdict, int *out, int max);
const char *report_change_mark(const char *verdict);
void report_period_text(const Round *r, char *out, size_t n);
void report_status_text(const Report *rp, char *out, size_t n);
void report_state_text(const Report *rp, char *out, size_t n);
const char *report_text_heading(const Round *r);
const char *report_draft_note(const Round *r);
void report_change_text(const QuestionResult *x, char *out, size_t n);
void report_audit(Db *db, const Report *rp, ReportFormat f, int64_t user_id, const char *login, const char *ip);
int report_write(const Report *rp, ReportFormat f, Buf *out, char *err, size_t n); /* report_write.c */

/* Shared by the writers. */
const char *report_category_title(const char *code);
void report_pct(char out[16], double p);
void report_interval(char out[40], double low, double high);
extern const char *const report_stats_text[];   /* the honest-statistics explanation, paragraph by paragraph */
extern const char *const report_staff_rules[];  /* what the staff report leaves out, and why */
const char *report_suppressed_text(void);
int report_html(const Report *rp, Buf *out);
int report_pdf(const Report *rp, Buf *out, char *err, size_t n);
int report_xlsx(const Report *rp, Buf *out, char *err, size_t n);

/* The report's own words. */
int report_text_load(Db *db, int64_t round_id, ReportText *out);
int report_text_save(Db *db, int64_t round_id, const char *const texts[4], int final, int64_t user_id,
                     const char *who, char *msg, size_t n);

#endif
