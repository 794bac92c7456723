#!/usr/bin/env python3
"""The program's SQL is one dialect that SQLite >= 3.39 and PostgreSQL >= 15 both accept.

Reads the string literals of src/*.c (adjacent literals joined, as the compiler does), keeps
those that are SQL, and names file and line for each construct only SQLite accepts, or that
PostgreSQL reads differently. Where the two backends must differ, the code holds an explicit pair
of statements; the SQLite one is marked by a comment `sql-dialect: sqlite` on the line before it.
src/db_sqlite.c (the SQLite driver) and src/schema/ (migrations) are not read.
Exit status 0 when nothing is found, 1 otherwise.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SKIP = {"db_sqlite.c"}

# Temporary: what the other parts of the same change convert (the SQLite driver, conditions
# stored as rows and list parameters without json_each). Each entry is a file and the findings
# (by the start of their message) still allowed in it; None allows every finding. Remove an
# entry as its file is converted.
ALLOW = {
    "audit_triggers.c": None,   # SQLite's own triggers; PostgreSQL gets its own with its schema
}

SQL_START = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|"
    r"SAVEPOINT|RELEASE|REPLACE|VALUES)\b", re.I)
# Fragments of a statement (joined at compile time through a macro) still read as SQL.
SQL_WORDS = re.compile(r"\b(SELECT|FROM|WHERE|JOIN|GROUP BY|ORDER BY|INSERT INTO|UPDATE|DELETE FROM|"
                       r"ON CONFLICT|RETURNING|CASE WHEN)\b")
KEYWORDS = set("""
    select from where and or not join left right inner outer cross on using group order by having
    limit offset union all except intersect as case when then else end is null in exists between
    like glob distinct asc desc nulls first last insert into values update set delete returning
    conflict do nothing with recursive filter over partition true false cast collate escape
    """.split())


def literals(text):
    """Yields (line, string) for each C string literal outside comments and char literals."""
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif c == '"':
            j, start, out = i + 1, line, []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    e = text[j + 1]
                    out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'"}.get(e, " "))
                    if e == "\n":
                        line += 1
                    j += 2
                else:
                    out.append(text[j])
                    j += 1
            yield start, i, j + 1, "".join(out)
            i = j + 1
        else:
            i += 1


def statements(text):
    """Joins literals separated only by white space, line continuations, comments or macros
    (upper-case names, with their arguments), as the compiler does; a macro reads as a space.
    A comma joins only inside a macro's parentheses (else it separates array elements)."""
    group, depth = None, 0
    space = r"(\s|\\\n|/\*.*?\*/|//[^\n]*\n)*"
    for line, start, end, s in literals(text):
        between = text[group[2]:start] if group else None
        joined = False
        if group and re.fullmatch(r"(\s|\\\n|/\*.*?\*/|//[^\n]*\n|[A-Z_][A-Z0-9_]*|[(),])*", between, re.S):
            d, ok = depth, True
            for ch in re.sub(space, "", between, flags=re.S):
                d += {"(": 1, ")": -1}.get(ch, 0)
                ok = ok and d >= 0 and (ch != "," or d > 0)
            if ok:
                glue = "" if re.fullmatch(space, between, re.S) else " "
                group = (group[0], group[1] + [(line, len(group[3]) + len(glue))], end, group[3] + glue + s)
                depth, joined = d, True
        if not joined:
            if group:
                yield group
            group, depth = (line, [(line, 0)], end, s), 0
    if group:
        yield group


def line_of(group, offset):
    line = group[0]
    for ln, at in group[1]:
        if at <= offset:
            line = ln
    return line


def close_paren(s, i):
    """Index just after the parenthesis that closes the one at s[i]."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "(":
            depth += 1
        elif s[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return len(s)


def top_level(s):
    """s with every parenthesised part and quoted text blanked out."""
    out, depth, quote = [], 0, False
    for ch in s:
        if quote:
            quote = ch != "'"
            out.append(" ")
        elif ch == "'":
            quote = True
            out.append(" ")
        elif ch == "(":
            depth += 1
            out.append(" ")
        elif ch == ")":
            depth -= 1
            out.append(" ")
        else:
            out.append(ch if depth == 0 else " ")
    return "".join(out)


SIMPLE = [
    (r"\bINSERT\s+OR\s+(IGNORE|REPLACE|ABORT|FAIL|ROLLBACK)\b", "INSERT OR ...: use ON CONFLICT"),
    (r"^\s*REPLACE\s+INTO\b", "REPLACE INTO: use ON CONFLICT ... DO UPDATE"),
    (r"\bCOLLATE\b", "COLLATE: canonicalise on input or compare text_fold()"),
    (r"\b(NOT\s+)?(LIKE|GLOB|REGEXP)\b", "LIKE/GLOB: ASCII case folding differs; use text_fold() with instr or compare in C"),
    (r"\bgroup_concat\s*\(", "group_concat: aggregate in C"),
    (r"\bjson_\w+\s*\(", "json_* functions: bind rows or decode in C"),
    (r"\b(date|time|datetime|strftime|julianday|unixepoch)\s*\(", "date function: compute dates in C and bind them"),
    (r"'now'", "'now': bind the time computed in C"),
    (r"\bprintf\s*\(|\bformat\s*\(", "printf(): format in C"),
    (r"\biif\s*\(", "iif(): use CASE"),
    (r"\bifnull\s*\(", "ifnull(): use coalesce"),
    (r"\b(total|typeof|randomblob|zeroblob|likelihood|unlikely|changes|total_changes)\s*\(", "SQLite-only function"),
    (r"\b(_?rowid_?|oid)\b", "rowid: use the id column"),
    (r"\blast_insert_rowid\s*\(", "last_insert_rowid(): use INSERT ... RETURNING id"),
    (r"==", "==: use ="),
    (r"\bIS\s+NOT\s+(?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", "IS NOT between values: use IS DISTINCT FROM"),
    (r"\bIS\s+(?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)", "IS between values: use IS NOT DISTINCT FROM"),
    (r"\bLIMIT\s+[\w?]+\s*,", "LIMIT a, b: use LIMIT b OFFSET a"),
    (r"\bLIMIT\s+-", "a negative LIMIT"),
    (r"\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b", "BEGIN IMMEDIATE: a driver operation"),
    (r"^\s*PRAGMA\b", "PRAGMA: a driver operation"),
    (r"\bAUTOINCREMENT\b", "AUTOINCREMENT"),
    (r"\bNOT\s+INDEXED\b|\bINDEXED\s+BY\b", "SQLite-only: NOT INDEXED / INDEXED BY"),
    (r"\bsqlite_(master|schema|sequence)\b", "SQLite's catalogue tables"),
    (r"\"", "double quotes: a string literal in SQLite, a name in PostgreSQL"),
]


def check(sql, report):
    unquoted = re.sub(r"'[^']*'", lambda m: "'" + " " * (len(m.group(0)) - 2) + "'", sql)
    for pat, why in SIMPLE:
        for m in re.finditer(pat, sql if "'" in pat else unquoted, re.I):
            report(m.start(), why)
    # sum() of a comparison: count(*) FILTER (WHERE ...) or sum(CASE ...)
    for m in re.finditer(r"\bsum\s*\(", sql, re.I):
        open_at = m.end() - 1
        arg = sql[open_at + 1:close_paren(sql, open_at) - 1]
        flat = top_level(arg)
        if not re.match(r"\s*CASE\b", arg, re.I) and re.search(
                r"(<>|!=|<=|>=|=|<|>|\bIS\b|\bIN\b|\bNOT\b|\bAND\b|\bOR\b|\bEXISTS\b|\bLIKE\b)", flat, re.I):
            report(m.start(), "sum(<boolean>): use count(*) FILTER (WHERE ...) or sum(CASE ...)")
    # max(a, b) / min(a, b) with two arguments: greatest() / least() in PostgreSQL
    for m in re.finditer(r"\b(max|min)\s*\(", sql, re.I):
        open_at = m.end() - 1
        if "," in top_level(sql[open_at + 1:close_paren(sql, open_at) - 1]):
            report(m.start(), "scalar max()/min() of several values: use CASE")
    # every subquery in FROM / JOIN has an alias
    for m in re.finditer(r"\b(FROM|JOIN)\s*\(\s*(SELECT|WITH|VALUES)\b", sql, re.I):
        open_at = sql.index("(", m.start())
        after = sql[close_paren(sql, open_at):]
        w = re.match(r"\s*(\w+)", after)
        if not w or (w.group(1).lower() in KEYWORDS and w.group(1).lower() != "as"):
            report(m.start(), "subquery in FROM without an alias")
    # integers used as booleans: an operand of WHERE/AND/OR/NOT/WHEN/ON/HAVING that is only a name
    for m in re.finditer(r"\b(WHERE|AND|OR|NOT|WHEN|ON|HAVING)\s+([A-Za-z_][\w.]*)(?=\s*(\bAND\b|\bOR\b|\bTHEN\b|"
                         r"\bORDER\b|\bGROUP\b|\bLIMIT\b|\bHAVING\b|\bRETURNING\b|\bDO\b|\)|;|$))", sql, re.I):
        name = m.group(2).lower()
        if name in KEYWORDS or name in ("true", "false"):
            continue
        if m.group(1).upper() == "NOT" and re.search(r"\bIS\s*$", sql[:m.start()], re.I):
            continue
        if m.group(1).upper() == "AND" and re.search(r"\bBETWEEN\s+\S+\s*$", sql[max(0, m.start() - 60):m.start()], re.I):
            continue
        report(m.start(2), "integer used as a boolean: compare it (<> 0, = 1)")
    # DO UPDATE: PostgreSQL sees both the table and `excluded`, so a bare column is ambiguous
    for m in re.finditer(r"\bDO\s+UPDATE\s+SET\b", unquoted, re.I):
        rest = unquoted[m.end():]
        stop = re.search(r"\bRETURNING\b|;", top_level(rest), re.I)
        body = rest[:stop.start()] if stop else rest
        for w in re.finditer(r"(?<![\w.?$])([A-Za-z_]\w*)\b(?!\s*[.(])", body):
            before = body[:w.start()].rstrip()
            target = (before == "" or before.endswith(",")) and re.match(r"\s*=", body[w.end():])
            if not target and w.group(1).lower() not in KEYWORDS:
                report(m.end() + w.start(), "DO UPDATE: qualify %s (table.%s or excluded.%s)"
                       % (w.group(1), w.group(1), w.group(1)))

# Known cases, checked on every run, so that a rule that stops finding its construct fails.
BAD = [
    "INSERT OR IGNORE INTO t (a) VALUES (?1)",
    "SELECT sum(x = 1) FROM t",
    "SELECT coalesce(sum(a.b <> 'c'), 0) FROM t a",
    "SELECT id FROM users WHERE login = ?1 COLLATE NOCASE",
    "SELECT id FROM t WHERE name LIKE ?1",
    "SELECT group_concat(code, ',') FROM department",
    "SELECT value FROM json_each(?1)",
    "SELECT strftime('%Y', 'now')",
    "SELECT ifnull(a, 0) FROM t",
    "SELECT iif(a, 1, 0) FROM t",
    "SELECT rowid FROM t",
    "SELECT id FROM t WHERE a IS ?1",
    "SELECT id FROM t WHERE a IS NOT ?1",
    "SELECT count(*) FROM (SELECT a FROM t)",
    "SELECT id FROM users WHERE active AND id > 0",
    "SELECT id FROM t WHERE x.flag",
    "INSERT INTO t (k, n) VALUES (?1, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1",
    "SELECT max(a, b) FROM t",
    "DELETE FROM t WHERE k IN (SELECT k FROM t LIMIT -1 OFFSET ?1)",
    "SELECT id FROM t NOT INDEXED WHERE a = 1",
]
GOOD = [
    "INSERT INTO t (a) VALUES (?1) ON CONFLICT DO NOTHING",
    "SELECT count(*) FILTER (WHERE x = 1), sum(CASE WHEN a = 1 THEN 1 ELSE 0 END), sum(n) FROM t",
    "SELECT id FROM t WHERE a IS DISTINCT FROM ?1 AND b IS NOT NULL AND c IS NULL",
    "SELECT count(*) FROM (SELECT a FROM t) AS s",
    "SELECT id FROM users WHERE active = 1 AND d BETWEEN ?1 AND ?2",
    "INSERT INTO t (k, n) VALUES (?1, 1) ON CONFLICT (k) DO UPDATE SET n = t.n + excluded.n WHERE t.k <> ''",
    "SELECT max(id) FROM t WHERE note = 'is like now'",
]


def self_test():
    problems = []
    for sql in BAD:
        hits = []
        check(sql, lambda offset, why: hits.append(why))
        if not hits:
            problems.append("tests/sql_dialect.py: no rule finds: " + sql)
    for sql in GOOD:
        hits = []
        check(sql, lambda offset, why: hits.append(why))
        if hits:
            problems.append("tests/sql_dialect.py: %s finds: %s" % (hits[0], sql))
    return problems


def main():
    src = os.path.join(ROOT, "src")
    found = self_test()
    for name in sorted(os.listdir(src)):
        if not name.endswith(".c") or name in SKIP or (name in ALLOW and ALLOW[name] is None):
            continue
        allowed = ALLOW.get(name, ())
        text = open(os.path.join(src, name), encoding="utf-8").read()
        lines = text.split("\n")
        for group in statements(text):
            sql = group[3]
            if not (SQL_START.match(sql) or SQL_WORDS.search(sql)):
                continue
            if group[0] >= 2 and "sql-dialect: sqlite" in lines[group[0] - 2]:
                continue
            seen = set()

            def report(offset, why, group=group, seen=seen):
                if why.startswith(allowed):
                    return
                key = (line_of(group, offset), why)
                if key not in seen:
                    seen.add(key)
                    found.append("src/%s:%d: %s" % (name, key[0], why))
            check(sql, report)
    for f in found:
        print(f)
    if found:
        print("%d SQLite-only constructs (tests/sql_dialect.py says why each is one)" % len(found))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
