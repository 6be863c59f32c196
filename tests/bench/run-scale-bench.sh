#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The scale benchmark (docs/benchmarks.md, "One million cases"); run by hand, never as a test.
#
#   tests/bench/run-scale-bench.sh BUILD_DIR N sqlite|postgresql [OUT_DIR]
#
# Makes N synthetic cases (tests/bench/scale_gen, seed 1) and runs the month on a fresh database
# the way an office would: load, calc, pay prepare, pay release (second operator), pay export,
# notices, audit verify. Every step runs under /usr/bin/time -v; the table of wall time, CPU time
# (user + sys of the sozbatch process, and of the PostgreSQL server processes) and peak RSS goes to
# OUT_DIR/figures.md. PostgreSQL: a throwaway cluster is started (scripts/pg-cluster) unless
# SOZBATCH_BENCH_PG names one ("postgresql://host=... port=... user=SUPERUSER dbname=postgres");
# the operators connect with their own login roles, so row-level security applies as in production.
# With SOZBATCH_BENCH_PG, SOZBATCH_BENCH_PG_PID (the postmaster's pid) adds that cluster's server CPU.
# With BUILD/tests/bench/calc_kernel_bench built, the last line of figures.md gives the machine's
# speed before each step (the kernel on one thread, about a second each, not in the steps' times).
#
# Environment: SCALE_LOAD=import loads through `sozbatch import` of the XML files instead of the
# direct load (slower; the records are the same); SCALE_NOTICES=N renders notices only when N
# cases or fewer (default: always; Bescheide cost about 3 ms each, an hour per million);
# SCALE_PG_ROLES=owner runs the jobs as the database owner instead of the operators' login roles
# (no row-level security; to measure its cost); SCALE_MONTH (default 2026-01); SCALE_SHARDS=K runs the calculation as K processes side by side
# (calc --shard 1/K ... K/K; docs/scaling.md), the rest as usual: the payment files must come
# out the same as with one process (compare the "pain.001 files" line of figures.md).
# SCALE_CONF=FILE gives the payment commands another configuration file than samples/sozbatch.conf
# (e.g. with "[payments] read-ahead = false", to compare pay prepare on one connection).
# SCALE_FROM=STEP resumes a stopped run from STEP (load, analyze, calc, pay-prepare, pay-release,
# pay-export, notices, audit-verify) on the kept database and OUT_DIR. On PostgreSQL the step
# analyze (VACUUM (ANALYZE) after the load) comes before calc.
# SCALE_SKIP="STEP ..." leaves those steps out (e.g. the payment steps when only notices are to be
# measured: SCALE_SKIP="pay-prepare pay-release pay-export").
set -euo pipefail
BUILD=$(cd "${1:?build directory}" && pwd)
N=${2:?number of cases}
BACKEND=${3:?sqlite or postgresql}
ROOT=${SOZBATCH_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
OUT=${4:-/tmp/scale-bench-$BACKEND-$N}
M=${SCALE_MONTH:-2026-01}
SOZ="$BUILD/sozbatch"
GEN="$BUILD/tests/bench/scale_gen"
[ -x "$SOZ" ] && [ -x "$GEN" ] || { echo "build sozbatch and scale_gen first: ninja -C $BUILD sozbatch scale_gen" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing (apt-get install time)" >&2; exit 2; }
# SCALE_FROM=STEP resumes a run that stopped (e.g. SCALE_FROM=pay-release after a failed release):
# the database and OUT_DIR are kept, the steps before STEP are not run again, their rows stay in
# figures.md
STEPS=(load analyze calc pay-prepare pay-release pay-export notices audit-verify)
FROM=${SCALE_FROM:-}
if [ -n "$FROM" ]; then
    [[ " ${STEPS[*]} " == *" $FROM "* ]] || { echo "SCALE_FROM must be one of: ${STEPS[*]}" >&2; exit 2; }
    [ -f "$OUT/figures.md" ] || { echo "SCALE_FROM: no earlier run in $OUT" >&2; exit 2; }
else
    rm -rf "$OUT"
fi
mkdir -p "$OUT/files"
# wanted STEP: true when STEP is to be run (it is SCALE_FROM or comes after it)
wanted() {
    [ -z "$FROM" ] && return 0
    local s seen=0
    for s in "${STEPS[@]}"; do
        [ "$s" = "$FROM" ] && seen=1
        [ "$s" = "$1" ] && return $((1 - seen))
    done
    return 1
}
export SOZBATCH_FIXED_NOW=2025-12-20T08:00:00Z SOZBATCH_PASSWORD=scale-bench-pw-1 SOZBATCH_NEW_PASSWORD=scale-bench-pw-1
unset SOZBATCH_DB SOZBATCH_CONFIG SOZBATCH_TENANT
CONF=${SCALE_CONF:-$ROOT/samples/sozbatch.conf}  # SCALE_CONF: another configuration file, e.g. with [payments] read-ahead = false
WG=(SG-01 SG-02 SG-03 SG-04 SG-05 SG-06 SG-07 SG-08)

PG_DIR=""
PG_PID=""
cleanup() {
    if [ -n "$PG_DIR" ]; then "$ROOT/scripts/pg-cluster" stop "$PG_DIR" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

if [ "$BACKEND" = postgresql ]; then
    command -v psql >/dev/null || { echo "psql missing" >&2; exit 2; }
    PG=${SOZBATCH_BENCH_PG:-}
    PG_PID=${SOZBATCH_BENCH_PG_PID:-}   # the postmaster's pid of that cluster, for the server CPU
    if [ -z "$PG" ]; then
        PG_DIR=$(mktemp -d /tmp/pg-scale-bench.XXXXXX)
        PG=$("$ROOT/scripts/pg-cluster" start "$PG_DIR")
        PG_PID=$(head -1 "$PG_DIR/data/postmaster.pid")
    fi
    host=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$PG")
    port=$(sed -n 's/.*port=\([^ ]*\).*/\1/p' <<<"$PG")
    admin=$(sed -n 's/.*user=\([^ ]*\).*/\1/p' <<<"$PG")
    dbname="sozbatch_scale_$N"
    if [ -z "$FROM" ]; then
        PGOPTIONS="-c client_min_messages=warning" \
            psql -X -q -h "$host" -p "$port" -U "$admin" -d postgres -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null
        psql -X -q -h "$host" -p "$port" -U "$admin" -d postgres -c "CREATE DATABASE $dbname" >/dev/null
    fi
    for r in scale_prep scale_boss; do
        psql -X -q -h "$host" -p "$port" -U "$admin" -d postgres \
            -c "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$r') THEN CREATE ROLE $r LOGIN; END IF; END\$\$" >/dev/null
    done
    url() { echo "postgresql://host=$host port=$port user=$1 dbname=$dbname"; }
    OWNER_DB=$(url "$admin")
    if [ "${SCALE_PG_ROLES:-operators}" = owner ]; then
        # every job as the database owner (a superuser: row-level security does not apply),
        # operators authenticated by password; only to measure what row-level security costs
        PREP_DB=$OWNER_DB
        BOSS_DB=$OWNER_DB
        ROLE_PREP=()
        ROLE_BOSS=()
    else
        PREP_DB=$(url scale_prep)
        BOSS_DB=$(url scale_boss)
        ROLE_PREP=(--db-role scale_prep)
        ROLE_BOSS=(--db-role scale_boss)
    fi
    sqlq() { psql -X -qAt -h "$host" -p "$port" -U "$admin" -d "$dbname" -c "$1"; }
else
    OWNER_DB="sqlite3://db=$OUT/scale.db"
    PREP_DB=$OWNER_DB
    BOSS_DB=$OWNER_DB
    ROLE_PREP=()
    ROLE_BOSS=()
    sqlq() { sqlite3 "$OUT/scale.db" "$1"; }
fi

# server_cpu: the CPU seconds of the PostgreSQL server so far (PG_PID; tests/bench/server-cpu.sh)
source "$(dirname "${BASH_SOURCE[0]}")/server-cpu.sh"

[ -n "$FROM" ] || printf '| step | N | wall s | user s | sys s | server CPU s | peak RSS MiB | exit |\n|---|---|---|---|---|---|---|---|\n' >"$OUT/figures.md"
# The machine's speed before each step and at the end: the calculation kernel on one thread
# (tests/bench/calc_kernel_bench, 1,000,000 case-months, about a second, outside the steps' times),
# in case-months per second. A virtual machine's speed varies by the hour (benchmarks.md,
# "Thirteenth measurement"): compare two runs only where these figures agree.
SPEED=""
yardstick() {
    local bench="$BUILD/tests/bench/calc_kernel_bench" v
    [ -x "$bench" ] || return 0
    v=$("$bench" 2>/dev/null | sed -n 's/^calc kernel: \([0-9]*\) case-months per second wall clock.*/\1/p' || true)
    SPEED="$SPEED $1 ${v:-?},"
}

# step NAME EXPECTED_RCS COMMAND... : runs under /usr/bin/time -v and appends a table row
# (EXPECTED_RCS: the exit codes that are fine, comma-separated; 1 = some cases held or failed)
step() {
    local name=$1 want=$2; shift 2
    local s0 s1 rc
    wanted "$name" || return 0
    [[ " ${SCALE_SKIP:-} " == *" $name "* ]] && return 0
    yardstick "$name"
    s0=$(server_cpu)
    set +e
    /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
    rc=$?
    set -e
    s1=$(server_cpu)
    if [[ ",$want," != *",$rc,"* ]]; then
        echo "step $name: exit $rc, expected $want" >&2
        tail -5 "$OUT/$name.err" >&2
        exit 1
    fi
    local wall user sys rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$OUT/$name.time")
    user=$(awk -F': ' '/User time/ { print $2 }' "$OUT/$name.time")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$OUT/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$OUT/$name.time")
    local server
    server=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$N" "$wall" "$user" "$sys" \
        "$([ -n "$PG_PID" ] && echo "$server" || echo -)" "$rss" "$rc" | tee -a "$OUT/figures.md"
}

if [ -z "$FROM" ]; then
    "$SOZ" db migrate --db "$OWNER_DB" >/dev/null
    "$SOZ" operators bootstrap --login admin --tenant kiel --tenant-name "Kiel (synthetic)" --operator admin --db "$OWNER_DB" >/dev/null
    "$SOZ" operators add prep "${ROLE_PREP[@]}" --role caseworker-edit caseworker-read payment-preparer \
        --work-group "${WG[@]}" --operator admin --db "$OWNER_DB" >/dev/null
    "$SOZ" operators add boss "${ROLE_BOSS[@]}" --role payment-releaser caseworker-read \
        --work-group "${WG[@]}" --operator admin --db "$OWNER_DB" >/dev/null
else
    "$SOZ" db migrate --db "$OWNER_DB" >/dev/null # a newer binary may bring migrations
fi

if [ "${SCALE_LOAD:-load}" = import ]; then
    step generate 0 "$GEN" --cases "$N" --month "$M" --xml "$OUT/xml"
    step import 0 "$SOZ" import "$OUT"/xml/*.xml --operator prep --db "$PREP_DB"
else
    step load 0 "$GEN" --cases "$N" --month "$M" --load "$OWNER_DB"
fi
if [ "$BACKEND" = postgresql ]; then
    # after a bulk load, statistics and the visibility map as PostgreSQL's documentation advises
    # ("Populating a Database"); otherwise autovacuum does it during calc, at a random moment, and
    # calc's first queries are planned without statistics (figures varied by half)
    step analyze 0 psql -X -q -h "$host" -p "$port" -U "$admin" -d "$dbname" -c "VACUUM (ANALYZE)"
fi
SHARDS=${SCALE_SHARDS:-1}
if [ "$SHARDS" -gt 1 ]; then
    # the month in SHARDS processes side by side (calc --shard K/N); time -v adds up their CPU
    step calc 0 bash -c 'rc=0; for k in $(seq 1 "$1"); do "$2" calc --month "$3" --shard "$k/$1" --operator prep --db "$4" \
        >"$5/calc-$k.out" & done; for k in $(seq 1 "$1"); do wait -n || rc=$?; done; exit $rc' \
        shards "$SHARDS" "$SOZ" "$M" "$PREP_DB" "$OUT"
else
    step calc 0,1 "$SOZ" calc --month "$M" --operator prep --db "$PREP_DB"
fi
# held orders (e.g. a landlord without an account) would make exit 1
step pay-prepare 0,1 "$SOZ" pay prepare --month "$M" --operator prep --db "$PREP_DB" --config "$CONF"
RUN=$(sed -n 's/^payment run \([^ ]*\) for .*/\1/p' "$OUT/pay-prepare.out" 2>/dev/null || true)
step pay-release 0 "$SOZ" pay release "$RUN" --operator boss --db "$BOSS_DB" --config "$CONF"
step pay-export 0,1 "$SOZ" pay export "$RUN" --operator prep --db "$PREP_DB" --config "$CONF" --out-dir "$OUT/files"
if [ "$N" -le "${SCALE_NOTICES:-$N}" ]; then
    step notices 0,1 "$SOZ" notices --month "$M" --operator prep --db "$PREP_DB" --config "$CONF" --out-dir "$OUT/files"
fi
step audit-verify 0 "$SOZ" audit verify --operator admin --db "$OWNER_DB"

yardstick end
{
    echo
    echo "cases: $(sqlq "SELECT COUNT(*) FROM cases"), results: $(sqlq "SELECT COUNT(*) FROM calc_results")," \
         "lines: $(sqlq "SELECT COUNT(*) FROM calc_result_lines"), payment orders: $(sqlq "SELECT COUNT(*) FROM payment_orders")," \
         "write-log entries: $(sqlq "SELECT COUNT(*) FROM audit_log")"
    grep -h "cases calculated" "$OUT"/calc*.out || true
    grep -h "orders:" "$OUT/pay-prepare.out" | head -1 || true
    echo "pain.001 files: $(ls "$OUT"/files/payments/*.xml 2>/dev/null | wc -l), SHA-256 of their list of hashes:" \
         "$(cd "$OUT/files/payments" && sha256sum ./*.xml ./*.csv 2>/dev/null | grep -v protocol | sha256sum | cut -c1-16)"
    [ ! -f "$OUT/audit-verify.out" ] || grep -h "entries" "$OUT/audit-verify.out" | head -1 || true
    echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    [ -z "$SPEED" ] || echo "machine speed (calc kernel, one thread, case-months per second) before each step:${SPEED%,}"
} | tee -a "$OUT/figures.md"
# what the write log costs per inserted row (rolled back; tests/bench/audit_cost_bench.cpp)
if [ -x "$BUILD/tests/bench/audit_cost_bench" ]; then
    for t in calc_results; do  # payment_orders has unique EndToEndIds: a copy would collide; calc_payouts is empty since migration 0020
        "$BUILD/tests/bench/audit_cost_bench" "$OWNER_DB" "$t" 20000 | tee -a "$OUT/figures.md"
    done
fi
echo "figures: $OUT/figures.md"
