#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Behaviour at a terminal and under cron/systemd: a progress bar on stderr only when stderr is a
# terminal (run under a pseudo-terminal with script(1)) and not --quiet; otherwise stderr holds
# only key=value log lines (empty on success at the default level); --verbose adds info lines;
# the reason for exit code 2 is one `level=error job=... msg="..."` line; on the systemd journal
# stream each line carries its syslog priority.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/term.db"
export SOZBATCH_DB="$DB"
command -v script >/dev/null || { fail "script(1) is missing (bsdutils)"; finish; }

run migrate 0 db migrate
SOZBATCH_PASSWORD=admin-cli-pw run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name "Landeshauptstadt Kiel"
SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-cli-pw SOZBATCH_NEW_PASSWORD=tina-cli-pw run add_tina 0 \
    operators add tina --role caseworker-edit caseworker-read payment-preparer --work-group SG-NORD SG-SUED
export SOZBATCH_OPERATOR=tina SOZBATCH_PASSWORD=tina-cli-pw

# at_terminal NAME ARGS...: runs sozbatch with stderr on a pseudo-terminal and stdout in
# $WORK/NAME.out; what the terminal showed is in $WORK/NAME.tty
at_terminal() {
    local name=$1 cmd
    shift
    cmd=$(printf '%q ' "$SOZBATCH" "$@")
    (cd "$ROOT" && script -qec "$cmd >$(printf '%q' "$WORK/$name.out")" /dev/null) >"$WORK/$name.tty" </dev/null
    local rc=$?
    [ "$rc" -eq 0 ] || fail "$name: exit code $rc at the terminal: $(head -c 600 "$WORK/$name.tty")"
}
tty_has() { grep -qF -- "$2" "$WORK/$1.tty" || fail "$1: the terminal lacks '$2': $(tr '\r' '|' <"$WORK/$1.tty" | head -c 600)"; }

at_terminal import_tty import samples/demo-cases.xml
tty_has import_tty $'\r[####################] 100% 1/1 files stored'
stdout_has import_tty "cases:   40 new"
grep -q 'level=' "$WORK/import_tty.tty" && fail "import_tty: log lines at the default level"

at_terminal calc_tty calc --month 2026-12
tty_has calc_tty $'\r40 cases'
tty_has calc_tty $'\r1 cases'
stdout_has calc_tty "cases calculated: 38"
[ "$(grep -c . "$WORK/calc_tty.tty")" -eq 1 ] || fail "calc_tty: the bar is not one terminal line: $(tr '\r' '|' <"$WORK/calc_tty.tty")"

# --quiet at a terminal: nothing on stderr
at_terminal calc_quiet calc --month 2026-12 --quiet
[ -s "$WORK/calc_quiet.tty" ] && fail "calc --quiet drew on the terminal: $(tr '\r' '|' <"$WORK/calc_quiet.tty")"
stdout_has calc_quiet "unchanged 38"

# not a terminal (cron, systemd, a pipe): stderr stays empty on success (run() checks it)
run calc_pipe 0 calc --month 2026-12
stdout_has calc_pipe "unchanged 38"

# --verbose: one key=value line per step, with level and job first
(cd "$ROOT" && "$SOZBATCH" calc --month 2026-12 --verbose >"$WORK/calc_verbose.out" 2>"$WORK/calc_verbose.err") ||
    fail "calc --verbose: exit code $?"
grep -qE '^level=info job=calc event=calc month=2026-12 cases=38 failed=0$' "$WORK/calc_verbose.err" ||
    fail "calc --verbose: no 'event=calc' line: $(cat "$WORK/calc_verbose.err")"
grep -qxF 'level=info job=calc event=finished exit=0 failed=0' "$WORK/calc_verbose.err" ||
    fail "calc --verbose: no 'event=finished' line: $(cat "$WORK/calc_verbose.err")"
grep -vE '^level=(debug|info|warn|error) job=calc( [a-z0-9_-]+=("([^"\\]|\\.)*"|[^" ]+))+$' "$WORK/calc_verbose.err" >"$WORK/bad_lines" &&
    fail "calc --verbose: lines that are not key=value: $(cat "$WORK/bad_lines")"
run calc_level 0 calc --month 2026-12 --verbose --log-level warn
run both 2 calc --month 2026-12 --verbose --quiet
stderr_has both "exclude each other"

# exit code 2: one line level=error [job=...] msg="..."
run unknown 2 frobnicate
[ "$(cat "$WORK/unknown.err")" = "level=error msg=\"unknown command 'frobnicate' (see sozbatch --help)\"" ] ||
    fail "unknown command: stderr is '$(cat "$WORK/unknown.err")'"
run no_month 2 calc
[ "$(cat "$WORK/no_month.err")" = 'level=error job=calc msg="calc needs --month YYYY-MM"' ] ||
    fail "calc without --month: stderr is '$(cat "$WORK/no_month.err")'"
[ -s "$WORK/no_month.out" ] && fail "calc without --month wrote to stdout"
run no_month_quiet 2 calc --log-level quiet
stderr_has no_month_quiet 'msg="calc needs --month YYYY-MM"'

# stderr on the journal stream ($JOURNAL_STREAM = device:inode of stderr): syslog priority first
: >"$WORK/journal.err"
(cd "$ROOT" && JOURNAL_STREAM=$(stat -c '%d:%i' "$WORK/journal.err") "$SOZBATCH" calc >/dev/null 2>>"$WORK/journal.err")
[ "$(cat "$WORK/journal.err")" = '<3>level=error job=calc msg="calc needs --month YYYY-MM"' ] ||
    fail "journal stream: stderr is '$(cat "$WORK/journal.err")'"
: >"$WORK/journal2.err"
(cd "$ROOT" && JOURNAL_STREAM=1:2 "$SOZBATCH" calc --month 2026-12 --verbose >/dev/null 2>>"$WORK/journal2.err")
grep -q '^<' "$WORK/journal2.err" && fail "a JOURNAL_STREAM of another file gave priorities: $(head -2 "$WORK/journal2.err")"
: >"$WORK/journal3.err"
(cd "$ROOT" && JOURNAL_STREAM=$(stat -c '%d:%i' "$WORK/journal3.err") "$SOZBATCH" calc --month 2026-12 --verbose >/dev/null 2>>"$WORK/journal3.err")
grep -qxF '<6>level=info job=calc event=finished exit=0 failed=0' "$WORK/journal3.err" ||
    fail "journal stream: no '<6>' info line: $(cat "$WORK/journal3.err")"
finish
