/*
** The command line: what the commands share (cli.c) and one function per command, each in
** the file named after it (cmd_COMMAND.c; a subcommand with much of its own in
** cmd_COMMAND_SUB.c). main.c parses the global options and dispatches by name. Every command
** returns its exit status: 0, EXIT_BAD_INPUT (with a message on stderr) or 1.
*/
#ifndef TILSYN_CLI_H
#define TILSYN_CLI_H

#include "tilsyn.h"

/* ---- cli.c ---- */
#define EXIT_BAD_INPUT 2
ATTR_PRINTF(1, 2) int cli_fail(const char *fmt, ...);
const char *cli_login(void);
void cli_audit(Db *db, const char *action, int64_t department_id, const char *object, const char *detail);
struct ReviewBy cli_review_by(void);
int cli_commit(Db *db);
int cli_audit_triggers_check(Db *db); /* init, serve: -1 (said on stderr) when they cannot be restored */
/* Options and arguments: 0 when found, else the exit status after the message. */
int cli_department(Db *db, const char *code, Department *d); /* --department CODE */
int cli_round(Db *db, const char *arg, Round *r);            /* ROUND, the round's number */
/* The same with the command's name in the message: 1 when found, 0 after it. */
int cli_department_of(Db *db, const char *cmd, const char *code, Department *d);
int cli_round_option(const char *cmd, const char *text, int64_t *id); /* --round; *id 0 when not given */
int cli_json_or_text(const char *cmd, const char *format, int *json);
int cli_format(const char *format); /* --format csv|json|text: 'c', 'j', 't'; 0 for anything else */
void cli_row_flush(Buf *row);
int cli_added(Db *db, const char *kind, int64_t dept_id, int64_t id, const char *detail);
/* The --NAME VALUE options of a subcommand, from argv[first] on, each into its place; nothing
** else may follow them. A list option collects every one given, up to max. Returns 0 (*given:
** how many options were given), or the exit status after the message. */
typedef struct CliOption {
	const char *name;
	const char **value;   /* the last one given */
	const char **list;    /* or every one given, in order, counted in *count */
	int *count, max;
	const char *too_many; /* the message when more than max are given */
} CliOption;
int cli_options(int argc, char **argv, int first, const CliOption *opts, int *given);

/* ---- the commands (help texts of some: main.c prints them on --help) ---- */
int cmd_init(Db *db, int argc, char **argv);
int cmd_serve(Db *db, int argc, char **argv);
int cmd_demo(Db *db, int argc, char **argv);
int cmd_user(Db *db, int argc, char **argv);
extern const char cmd_user_help[];
int cmd_user_alias(Db *db, int argc, char **argv); /* cmd_user_alias.c: tilsyn user alias ... */
int cmd_department(Db *db, int argc, char **argv);
extern const char cmd_department_help[];
int cmd_audit(Db *db, int argc, char **argv);
extern const char cmd_audit_help[];
int cmd_audit_case(Db *db, int argc, char **argv);
int cmd_backup(Db *db, int argc, char **argv);
int cmd_retention(Db *db, int argc, char **argv);
int cmd_cases(Db *db, int argc, char **argv);
int cmd_catalogue(Db *db, int argc, char **argv);
int cmd_catalogue_export(Db *db, int argc, char **argv);
int cmd_catalogue_import(Db *db, int argc, char **argv);
int cmd_catalogue_publish(Db *db, int argc, char **argv);
int cmd_round(Db *db, int argc, char **argv);
/* Subcommands of round: argv[2] is ROUND, already found as r. */
int cmd_round_edit(Db *db, const Round *r, int argc, char **argv);
int cmd_round_delete(Db *db, const Round *r, int argc, char **argv);
int cmd_round_list(Db *db, int argc, char **argv);
int cmd_round_results(Db *db, const Round *r, int argc, char **argv);   /* cmd_round_results.c */
int cmd_round_assign(Db *db, const Round *r, int argc, char **argv);    /* cmd_round_assign.c */
int cmd_round_sheet(Db *db, const Round *r, int argc, char **argv);     /* cmd_round_sheet.c */
int cmd_round_calibrate(Db *db, const Round *r, int argc, char **argv); /* cmd_round_calibrate.c */
int cmd_round_invite(Db *db, const Round *r, int argc, char **argv);    /* cmd_round_invite.c */
int cmd_round_plan(Db *db, const Round *r, int argc, char **argv);      /* cmd_round_plan.c */
int cmd_round_phase(Db *db, const Round *r, int argc, char **argv);     /* cmd_round_phase.c */
int cmd_report(Db *db, int argc, char **argv);
int cmd_meeting(Db *db, int argc, char **argv);
int cmd_action(Db *db, int argc, char **argv);
int cmd_plan(Db *db, int argc, char **argv);
int cmd_calendar(Db *db, int argc, char **argv);
int cmd_workgroup(Db *db, int argc, char **argv);
int cmd_answers(Db *db, int argc, char **argv);

#endif
