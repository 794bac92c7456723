#!/usr/bin/env python3
"""Validate the default question catalogues in this directory (or the files named on the command line)
against the rules in README.md: required keys, allowed values, code formats, unique codes, conditions
that refer to earlier questions with answers valid for that question's scale, question counts per kind,
non-empty guidance and reference, valid UTF-8 without CPR-like numbers, canonical 2-space JSON, and
the table of shipped catalogues in README.md.

    python3 check.py               check every *.json here and the README table
    python3 check.py FILE...       check only these files (README table not checked)
    python3 check.py --format      rewrite every *.json here in canonical form, then check
    python3 check.py --table       print the README table rows for the catalogues here

Exit status: 0 when everything passes, 1 when a rule is broken (every problem is listed, naming the file
and the question), 2 on bad usage. Standard library only."""

import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

KINDS = {"overordnet": (15, 25), "tema": (6, 15)}
TARGETS = {"barn", "voksen", "begge"}
CATEGORIES = {"forvaltningsret", "retssikkerhed", "socialfaglig"}
SCALES = {"jdn", "jn", "choice", "text"}
SCALE_ANSWERS = {
    "jdn": ["ja", "delvist", "nej", "ikke_relevant"],
    "jn": ["ja", "nej", "ikke_relevant"],
}
CATALOGUE_KEYS = {"code", "title", "kind", "target", "version", "description", "sections"}
SECTION_KEYS = {"title", "questions"}
QUESTION_REQUIRED = {"code", "text", "guidance", "reference", "category"}
QUESTION_OPTIONAL = {"scale", "choices", "condition"}
CONDITION_KEYS = {"question", "answers"}

CATALOGUE_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
QUESTION_CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
# Ten digits, optionally written ddmmyy-nnnn, not part of a longer number.
CPR_LIKE = re.compile(r"(?<![0-9])[0-9]{6}-?[0-9]{4}(?![0-9])")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, file, where, message):
        self.items.append(f"{file}: {where}: {message}" if where else f"{file}: {message}")


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def reject_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def load(path, problems):
    """Read and parse one file; returns the object or None (problems recorded)."""
    name = os.path.basename(path)
    try:
        raw = open(path, "rb").read()
    except OSError as e:
        problems.add(name, None, f"cannot read: {e.strerror}")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.add(name, None, "starts with a UTF-8 byte order mark; save without BOM")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        problems.add(name, None, f"not valid UTF-8 (line {line}, byte offset {e.start})")
        return None
    try:
        obj = json.loads(text, object_pairs_hook=reject_duplicate_keys)
    except ValueError as e:
        problems.add(name, None, f"not valid JSON: {e}")
        return None
    if not isinstance(obj, dict):
        problems.add(name, None, "the top level must be a JSON object")
        return None
    if text != canonical(obj):
        problems.add(name, None, "not in canonical form (2-space indent, UTF-8 characters unescaped, "
                                 "newline at end); run: python3 check.py --format")
    return obj


def check_strings(value, name, where, problems, path="", key_context=""):
    """Every string anywhere: no control characters, no stray outer whitespace, no CPR-like number."""
    if isinstance(value, dict):
        for k, v in value.items():
            check_strings(v, name, where, problems, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_strings(v, name, where, problems, f"{path}[{i}]")
    elif isinstance(value, str):
        if CONTROL.search(value):
            problems.add(name, where, f"{path} contains a control character (tab, newline or similar)")
        if value != value.strip():
            problems.add(name, where, f"{path} has leading or trailing whitespace")
        if CPR_LIKE.search(value):
            problems.add(name, where, f"{path} contains a 10-digit number that looks like a CPR number")


def nonempty_str(obj, key):
    return isinstance(obj.get(key), str) and obj.get(key).strip() != ""


def check_question(qn, name, index, earlier, problems):
    """Check one question; `earlier` maps earlier question codes to their (scale, choices)."""
    where = f"question {qn.get('code')}" if isinstance(qn, dict) and isinstance(qn.get("code"), str) \
        else f"question #{index + 1}"
    if not isinstance(qn, dict):
        problems.add(name, where, "must be a JSON object")
        return None
    check_strings(qn, name, where, problems)
    for k in sorted(QUESTION_REQUIRED - qn.keys()):
        problems.add(name, where, f"missing required key {k!r}")
    for k in sorted(qn.keys() - QUESTION_REQUIRED - QUESTION_OPTIONAL):
        problems.add(name, where, f"unknown key {k!r}")

    code = qn.get("code")
    if not isinstance(code, str) or not QUESTION_CODE.match(code):
        problems.add(name, where, "code must be UPPERCASE A-Z, 0-9 and '-' (e.g. OV-SAGSOPL-1)")
        code = None
    for k in ("text", "guidance", "reference"):
        if k in qn and not nonempty_str(qn, k):
            problems.add(name, where, f"{k} must be a non-empty string")
    if "category" in qn and qn["category"] not in CATEGORIES:
        problems.add(name, where, f"category must be one of {sorted(CATEGORIES)}, not {qn['category']!r}")

    scale = qn.get("scale", "jdn")
    if scale not in SCALES:
        problems.add(name, where, f"scale must be one of {sorted(SCALES)}, not {scale!r}")
        scale = None
    choices = None
    if scale == "choice":
        choices = qn.get("choices")
        if (not isinstance(choices, list) or len(choices) < 2
                or not all(isinstance(c, str) and c.strip() for c in choices)):
            problems.add(name, where, "scale 'choice' needs 'choices': a list of at least two non-empty strings")
            choices = None
        elif len(set(choices)) != len(choices):
            problems.add(name, where, "choices must be unique")
        elif any(";" in c or len(c) > 200 for c in choices):
            problems.add(name, where, "a choice may not contain ';' (the separator in the XLSX form) or exceed 200 characters")
    elif "choices" in qn:
        problems.add(name, where, "'choices' is only allowed with scale 'choice'")
    if scale in ("jdn", "jn", "choice") and nonempty_str(qn, "text") and not qn["text"].endswith("?"):
        problems.add(name, where, "text of an answerable question must be a question ending in '?'")

    cond = qn.get("condition")
    if cond is not None:
        if not isinstance(cond, dict):
            problems.add(name, where, "condition must be an object {question, answers}")
        else:
            for k in sorted(CONDITION_KEYS - cond.keys()):
                problems.add(name, where, f"condition is missing {k!r}")
            for k in sorted(cond.keys() - CONDITION_KEYS):
                problems.add(name, where, f"condition has unknown key {k!r}")
            ref = cond.get("question")
            answers = cond.get("answers")
            if ref == code:
                problems.add(name, where, "condition refers to the question itself")
            elif ref not in earlier:
                problems.add(name, where, f"condition refers to {ref!r}, which is not an earlier question "
                                          "in this catalogue")
            elif not isinstance(answers, list) or not answers:
                problems.add(name, where, "condition answers must be a non-empty list")
            else:
                ref_scale, ref_choices = earlier[ref]
                if ref_scale == "text":
                    problems.add(name, where, f"condition refers to {ref}, a free-text question")
                else:
                    valid = SCALE_ANSWERS.get(ref_scale) or ref_choices or []
                    for a in answers:
                        if a not in valid:
                            problems.add(name, where, f"condition answer {a!r} is not a possible answer to "
                                                      f"{ref} (scale {ref_scale}: {valid})")
                    if len(set(map(str, answers))) != len(answers):
                        problems.add(name, where, "condition answers must be unique")
    return code, scale, choices


def check_catalogue(path, obj, problems):
    """Check one parsed catalogue; returns (code, kind, target, title, question count, prefix)."""
    name = os.path.basename(path)
    check_strings({k: v for k, v in obj.items() if k != "sections"}, name, "catalogue", problems)
    for k in sorted(CATALOGUE_KEYS - obj.keys()):
        problems.add(name, "catalogue", f"missing required key {k!r}")
    for k in sorted(obj.keys() - CATALOGUE_KEYS):
        problems.add(name, "catalogue", f"unknown key {k!r}")

    code = obj.get("code")
    if not isinstance(code, str) or not CATALOGUE_CODE.match(code):
        problems.add(name, "catalogue", "code must be lowercase a-z, 0-9 and '-' (e.g. overordnet-voksen)")
    elif name != code + ".json":
        problems.add(name, "catalogue", f"file name must be {code}.json (the catalogue code)")
    for k in ("title", "description"):
        if k in obj and not nonempty_str(obj, k):
            problems.add(name, "catalogue", f"{k} must be a non-empty string")
    kind = obj.get("kind")
    if kind not in KINDS:
        problems.add(name, "catalogue", f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    target = obj.get("target")
    if target not in TARGETS:
        problems.add(name, "catalogue", f"target must be one of {sorted(TARGETS)}, not {target!r}")
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.add(name, "catalogue", "version must be a whole number of at least 1")

    sections = obj.get("sections")
    earlier = {}
    prefixes = set()
    count = 0
    if not isinstance(sections, list) or not sections:
        problems.add(name, "catalogue", "sections must be a non-empty list")
        sections = []
    for si, sec in enumerate(sections):
        swhere = f"section #{si + 1}"
        if not isinstance(sec, dict):
            problems.add(name, swhere, "must be a JSON object {title, questions}")
            continue
        for k in sorted(SECTION_KEYS - sec.keys()):
            problems.add(name, swhere, f"missing required key {k!r}")
        for k in sorted(sec.keys() - SECTION_KEYS):
            problems.add(name, swhere, f"unknown key {k!r}")
        if not nonempty_str(sec, "title"):
            problems.add(name, swhere, "title must be a non-empty string")
        else:
            check_strings(sec["title"], name, swhere, problems, "title")
        questions = sec.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.add(name, swhere, "questions must be a non-empty list")
            continue
        for qn in questions:
            result = check_question(qn, name, count, earlier, problems)
            count += 1
            if result is None:
                continue
            qcode, scale, choices = result
            if qcode is None:
                continue
            if qcode in earlier:
                problems.add(name, f"question {qcode}", "code is used more than once in this catalogue")
            earlier[qcode] = (scale, choices)
            prefixes.add(qcode.split("-")[0])

    if len(prefixes) > 1:
        problems.add(name, "catalogue", f"all question codes must share one prefix; found {sorted(prefixes)}")
    if kind in KINDS:
        lo, hi = KINDS[kind]
        if not lo <= count <= hi:
            problems.add(name, "catalogue", f"a catalogue of kind {kind!r} must have {lo}-{hi} questions, "
                                            f"this one has {count}")
    title = obj.get("title") if isinstance(obj.get("title"), str) else ""
    return code, kind, target, title, count, (prefixes.pop() if len(prefixes) == 1 else None)


def table_row(info):
    code, kind, target, title, count, _ = info
    return f"| `{code}` | {title} | {kind} | {target} | {count} |"


def check_readme(infos, problems):
    path = os.path.join(HERE, "README.md")
    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as e:
        problems.add("README.md", None, f"cannot read: {e}")
        return
    rows = {}
    in_table_section = False
    for line in text.splitlines():
        if line.startswith("#"):
            in_table_section = line.strip("# ").lower() == "shipped catalogues"
            continue
        m = re.match(r"^\|\s*`([a-z0-9-]+)`\s*\|", line)
        if in_table_section and m:
            rows[m.group(1)] = line.strip()
    if not rows:
        problems.add("README.md", None, "found no '## Shipped catalogues' section with a table of catalogues")
    for info in infos:
        code = info[0]
        if code not in rows:
            problems.add("README.md", None, f"the table of catalogues has no row for {code!r}; expected: "
                                            f"{table_row(info)}")
        elif rows[code] != table_row(info):
            problems.add("README.md", None, f"the row for {code!r} is out of date; expected: {table_row(info)}")
    known = {info[0] for info in infos}
    for code in sorted(rows.keys() - known):
        problems.add("README.md", None, f"the table lists {code!r}, but no catalogue file has that code")


def main(argv):
    args = argv[1:]
    fmt = "--format" in args
    table = "--table" in args
    files = [a for a in args if not a.startswith("--")]
    unknown = [a for a in args if a.startswith("--") and a not in ("--format", "--table")]
    if unknown or (files and (fmt or table)):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    whole_directory = not files
    if whole_directory:
        files = sorted(glob.glob(os.path.join(HERE, "*.json")))
        if not files:
            print(f"check.py: no catalogue files (*.json) in {HERE}", file=sys.stderr)
            return 1

    if fmt:
        for path in files:
            try:
                obj = json.load(open(path, encoding="utf-8"), object_pairs_hook=reject_duplicate_keys)
            except (OSError, ValueError) as e:
                print(f"{os.path.basename(path)}: cannot format: {e}", file=sys.stderr)
                return 1
            with open(path, "w", encoding="utf-8") as f:
                f.write(canonical(obj))

    problems = Problems()
    infos = []
    seen_codes = {}
    seen_prefixes = {}
    for path in files:
        obj = load(path, problems)
        if obj is None:
            continue
        info = check_catalogue(path, obj, problems)
        infos.append(info)
        code, prefix, name = info[0], info[5], os.path.basename(path)
        if isinstance(code, str):
            if code in seen_codes:
                problems.add(name, "catalogue", f"code {code!r} is also used by {seen_codes[code]}")
            seen_codes[code] = name
        if prefix:
            if prefix in seen_prefixes:
                problems.add(name, "catalogue", f"question code prefix {prefix!r} is also used by "
                                                f"{seen_prefixes[prefix]}")
            seen_prefixes[prefix] = name

    if table:
        for info in infos:
            print(table_row(info))
        return 0
    if whole_directory:
        check_readme([i for i in infos if isinstance(i[0], str) and CATALOGUE_CODE.match(i[0])], problems)

    for p in problems.items:
        print(p, file=sys.stderr)
    total = sum(i[4] for i in infos)
    if problems.items:
        print(f"check.py: {len(problems.items)} problem(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"check.py: {len(files)} catalogue(s), {total} questions, all rules pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
