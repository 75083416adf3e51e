#!/usr/bin/env python3
"""Run the SQL examples of a Markdown file and print TAP.

Every ```sql block is run, in order, in one psql session (so a SET in one
block holds for the next).  It must raise exactly the errors that its comments
show, in order: a comment line `-- ERROR:  message` (optionally followed by
spaces and `(SQLSTATE xxxxx)`) after a statement says that statement fails with
that message, and `-- DETAIL:  …` / `-- HINT:  …` lines under it must match
too; a block without such comments must raise no error.  A block right
after a line `<!-- readme: skip REASON -->` is not run (the reason is printed).
Every plain ``` block whose lines start with `=> ` is a documented error: each
statement after `=> ` (continued on following lines until the first line that
starts with ERROR:) is run in the same session, and the ERROR/DETAIL/HINT lines
shown below it must be exactly what the server says.

In a session whose lc_messages is Chinese the server's severities are
localised: 错误 (ERROR), 详细信息 (DETAIL) and 提示 (HINT) are read the same
way.

Usage: check_readme.py FILE  (psql connection from PG* environment variables)
"""
import re
import subprocess
import sys

# Severity words as psql prints them: English, and PostgreSQL's zh_CN ones.
SEVERITY = r"(?:ERROR|DETAIL|HINT|错误|详细信息|提示)"
ERROR_WORDS = ("ERROR:  ", "错误:  ")


def blocks(path):
    """Yield (line_no, lang, text, skip_reason) for each fenced block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    skip = None
    i = 0
    while i < len(lines):
        m = re.match(r"^<!-- readme: skip (.*) -->$", lines[i])
        if m:
            skip = m.group(1)
            i += 1
            continue
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if m:
            start = i + 1
            j = start
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            yield start, m.group(1), "\n".join(lines[start:j]), skip
            skip = None
            i = j + 1
            continue
        if lines[i].strip():
            skip = None
        i += 1


def error_examples(text):
    """Split a plain block into (statement, expected error lines)."""
    examples, stmt, expect = [], None, []
    for line in text.split("\n"):
        if line.startswith("=> "):
            if stmt is not None:
                examples.append((stmt, expect))
            stmt, expect = line[3:], []
        elif stmt is not None and re.match(r"^" + SEVERITY + r":  ", line):
            expect.append(line)
        elif stmt is not None and not expect and line.strip():
            stmt += "\n" + line
    if stmt is not None:
        examples.append((stmt, expect))
    return examples


def groups(lines):
    """Group ERROR/DETAIL/HINT lines: one list per ERROR."""
    out = []
    for l in lines:
        if l.startswith(ERROR_WORDS):
            out.append([l])
        elif out:
            out[-1].append(l)
    return out


def expected_errors(sql):
    """The ERROR/DETAIL/HINT lines that a SQL block's comments promise."""
    lines = []
    for l in sql.split("\n"):
        m = re.match(r"^\s*-- (" + SEVERITY + r":  .*?)(?:\s{2,}\(SQLSTATE \w{5}\))?\s*$", l)
        if m:
            lines.append(m.group(1))
    return lines


def errors_match(got, want):
    """Every promised error, in order, with the promised DETAIL and HINT."""
    g, w = groups(got), groups(want)
    if len(g) != len(w):
        return False
    for gg, ww in zip(g, w):
        if gg[0] != ww[0]:
            return False
        for extra in ww[1:]:
            kind = extra.split(":")[0]
            if [x for x in gg if x.startswith(kind + ":")] != [extra]:
                return False
    return True


def main():
    path = sys.argv[1]
    items = []
    for line_no, lang, text, skip in blocks(path):
        if lang == "sql":
            items.append(("sql", line_no, text, skip))
        elif lang == "" and re.search(r"^=> ", text, re.M):
            for stmt, expect in error_examples(text):
                items.append(("error", line_no, (stmt, expect), skip))
    # One session for everything: each item is wrapped in markers so its
    # output can be told apart; errors never stop the script.
    script = ["\\set VERBOSITY default", "\\set SHOW_CONTEXT never", "\\pset pager off"]
    for n, (kind, line_no, body, skip) in enumerate(items):
        if skip:
            continue
        script.append("\\echo '@@begin %d'" % n)
        if kind == "sql":
            script.append(body)
        else:
            script.append(body[0])
        script.append("\\echo '@@end %d'" % n)
    # psql writes errors to stderr and results to stdout: one pipe for both,
    # line-buffered, keeps them in order.
    proc = subprocess.run(["stdbuf", "-oL", "-eL", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=0"],
                          input="\n".join(script) + "\n", stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    out = proc.stdout
    print("1..%d" % len(items))
    failed = 0
    for n, (kind, line_no, body, skip) in enumerate(items):
        what = ("SQL block at line %d runs" % line_no if kind == "sql"
                else "error example at line %d: %s" % (line_no, body[0].split("\n")[0][:60]))
        if skip:
            print("ok %d - %s # SKIP %s" % (n + 1, what, skip))
            continue
        m = re.search(r"^@@begin %d\n(.*?)^@@end %d$" % (n, n), out, re.S | re.M)
        got = m.group(1) if m else None
        if got is None:
            ok, diag = False, "no output markers found"
        else:
            errs = [l for l in got.split("\n") if re.match(r"^(psql:[^ ]* )?" + SEVERITY + r":  ", l)]
            errs = [re.sub(r"^psql:[^ ]* ", "", l) for l in errs]
            if kind == "sql":
                want = expected_errors(body)
                ok = errors_match(errs, want)
                diag = "got:\n" + "\n".join(errs) + "\nwant:\n" + "\n".join(want)
            else:
                ok = errors_match(errs, body[1])
                diag = "got:\n" + "\n".join(errs) + "\nwant:\n" + "\n".join(body[1])
        print("%sok %d - %s" % ("" if ok else "not ", n + 1, what))
        if not ok:
            failed += 1
            for l in diag.split("\n"):
                print("#   " + l)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
