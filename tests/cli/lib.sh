# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers for CLI tests: run the real binary, compare stdout with golden files, require an empty
# stderr on success and the documented exit code. SOZBATCH_UPDATE_GOLDEN=1 rewrites golden files.
set -u
SOZBATCH=${1:?path to sozbatch}
ROOT=${2:?repository root}
GOLDEN="$ROOT/tests/cli/golden"
WORK=$(mktemp -d /tmp/sozbatch-cli.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export SOZBATCH_FIXED_NOW=2026-11-20T09:00:00Z
unset SOZBATCH_DB SOZBATCH_CONFIG SOZBATCH_TENANT
FAILS=0

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# run NAME EXPECTED_RC ARGS... : runs sozbatch, keeps stdout in $WORK/NAME.out, stderr in $WORK/NAME.err
run() {
    local name=$1 want=$2; shift 2
    (cd "$ROOT" && "$SOZBATCH" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err"
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "$name: exit code $rc, expected $want; stderr: $(head -c 600 "$WORK/$name.err")"
    if [ "$want" -eq 0 ] && [ -s "$WORK/$name.err" ]; then
        fail "$name: stderr not empty on success: $(head -c 600 "$WORK/$name.err")"
    fi
    return 0
}

# golden NAME : compares $WORK/NAME.out with tests/cli/golden/NAME.txt
golden() {
    local name=$1
    if [ "${SOZBATCH_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$WORK/$name.out" "$GOLDEN/$name.txt"
        return 0
    fi
    diff -u "$GOLDEN/$name.txt" "$WORK/$name.out" >"$WORK/$name.diff" || fail "$name: output differs from golden file:
$(head -40 "$WORK/$name.diff")"
}

# stderr_has NAME TEXT : the error message names what it must
stderr_has() { grep -qF -- "$2" "$WORK/$1.err" || fail "$1: stderr lacks '$2': $(head -c 600 "$WORK/$1.err")"; }
stdout_has() { grep -qF -- "$2" "$WORK/$1.out" || fail "$1: stdout lacks '$2'"; }

# require_pg : for a test on PostgreSQL. Skips it (exit 0) unless SOZBATCH_TEST_PG is set, fails
# when SOZBATCH_TEST_PG_REQUIRED is set too; sets host, port and admin_user from SOZBATCH_TEST_PG.
require_pg() {
    if [ -z "${SOZBATCH_TEST_PG:-}" ]; then
        if [ -n "${SOZBATCH_TEST_PG_REQUIRED:-}" ]; then fail "SOZBATCH_TEST_PG is not set"; finish; fi
        echo "skipped: SOZBATCH_TEST_PG is not set (scripts/test starts a PostgreSQL cluster)"
        exit 0
    fi
    command -v psql >/dev/null || { fail "psql missing"; finish; }
    host=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$SOZBATCH_TEST_PG")
    port=$(sed -n 's/.*port=\([^ ]*\).*/\1/p' <<<"$SOZBATCH_TEST_PG")
    admin_user=$(sed -n 's/.*user=\([^ ]*\).*/\1/p' <<<"$SOZBATCH_TEST_PG")
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS check(s) failed"
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
