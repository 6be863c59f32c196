#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `pay prepare` on PostgreSQL reads the cases ahead on a second connection, in the snapshot of its
# own transaction, while it writes the orders (docs/scaling.md, "Reading ahead"). Two copies of
# one calculated database: prepared with reading ahead in chunks of 4 cases (ten chunks, the
# reader waits for the job) and without it in one chunk, the runs are the same — orders, totals,
# content and files hash, the report. A forced prepare reads ahead too and still sees, in its own
# transaction, that the run it replaces no longer pays: it pays the same again. Without a second
# connection (the role's connection limit) it warns and reads on one. Operators on
# their own login roles (row-level security applies to both connections).
. "$(dirname "$0")/lib.sh" "$@"
require_pg
db_a="sozbatch_ppa_$$"
db_b="sozbatch_ppb_$$"
db_c="sozbatch_ppc_$$"
psql_db() { psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$admin_user" -d "$1" -c "$2"; }
psql_db postgres "CREATE DATABASE $db_a" >/dev/null
psql_db postgres "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pp_prep') THEN CREATE ROLE pp_prep LOGIN; END IF; END\$\$" >/dev/null
trap 'psql -X -q -h "$host" -p "$port" -U "$admin_user" -d postgres -c "ALTER ROLE pp_prep CONNECTION LIMIT -1" >/dev/null 2>&1; for d in $db_a $db_b $db_c; do psql -X -q -h "$host" -p "$port" -U "$admin_user" -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1; done; rm -rf "$WORK"' EXIT
url() { echo "postgresql://host=$host port=$port user=$1 dbname=$2"; }
M=2026-12
AHEAD="$WORK/ahead.conf"
SERIAL="$WORK/serial.conf"
{ cat "$ROOT/samples/sozbatch.conf"; printf '\n[payments]\nread-ahead = true\nchunk-cases = 4\n'; } >"$AHEAD"
{ cat "$ROOT/samples/sozbatch.conf"; printf '\n[payments]\nread-ahead = false\n'; } >"$SERIAL"

run migrate 0 db migrate --db "$(url "$admin_user" $db_a)"
run bootstrap 0 operators bootstrap --login owner --tenant kiel --tenant-name Kiel --operator owner --db "$(url "$admin_user" $db_a)"
run add_prep 0 operators add pp_prep --db-role pp_prep --role caseworker-edit caseworker-read payment-preparer \
    --work-group SG-NORD SG-SUED --operator owner --db "$(url "$admin_user" $db_a)"
run import 0 import samples/demo-cases.xml --operator pp_prep --db "$(url pp_prep $db_a)"
run calc 0 calc --month $M --operator pp_prep --db "$(url pp_prep $db_a)"
cases=$(psql_db $db_a "SELECT COUNT(DISTINCT case_id) FROM calc_results")
[ "$cases" -gt 30 ] || fail "calc: only $cases cases with a result"
psql_db postgres "CREATE DATABASE $db_b TEMPLATE $db_a" >/dev/null
psql_db postgres "CREATE DATABASE $db_c TEMPLATE $db_a" >/dev/null

# reading ahead (with every statement logged, to see that the second connection read the cases)
(cd "$ROOT" && "$SOZBATCH" pay prepare --month $M --operator pp_prep --db "$(url pp_prep $db_a)" --config "$AHEAD" \
    --log-level debug --log-sql) >"$WORK/ahead.out" 2>"$WORK/ahead.err"
rc=$?
[ "$rc" -eq 0 ] || fail "ahead: exit code $rc: $(grep -v 'level=debug' "$WORK/ahead.err" | head -c 600)"
grep -q "SET TRANSACTION SNAPSHOT.*second connection" "$WORK/ahead.err" || fail "ahead: no snapshot taken on a second connection"
second_reads=$(grep -c 'FROM case_versions.*second connection' "$WORK/ahead.err")
[ "$second_reads" -ge 10 ] || fail "ahead: the second connection read the cases $second_reads times, expected ten chunks or more"
if grep 'FROM case_versions' "$WORK/ahead.err" | grep -qv 'second connection'; then
    fail "ahead: the job's own connection read cases too"
fi
if grep -E 'INSERT|COPY|UPDATE|DELETE' "$WORK/ahead.err" | grep -q 'second connection'; then
    fail "ahead: the second connection wrote"
fi
# without reading ahead, in one chunk
(cd "$ROOT" && "$SOZBATCH" pay prepare --month $M --operator pp_prep --db "$(url pp_prep $db_b)" --config "$SERIAL" \
    --log-level debug --log-sql) >"$WORK/serial.out" 2>"$WORK/serial.err"
rc=$?
[ "$rc" -eq 0 ] || fail "serial: exit code $rc: $(grep -v 'level=debug' "$WORK/serial.err" | head -c 600)"
if grep -q 'second connection' "$WORK/serial.err"; then fail "serial: a second connection was opened"; fi

diff -u "$WORK/serial.out" "$WORK/ahead.out" >"$WORK/report.diff" || fail "the reports differ: $(head -20 "$WORK/report.diff")"
grep -q "orders: " "$WORK/ahead.out" || fail "ahead: no orders reported"
orders_sql="SELECT string_agg(concat_ws('|', o.order_no, o.case_id, o.calc_result_id, o.purpose, o.amount_cents, o.iban,
                  o.end_to_end_id, o.state, o.destination, o.remittance), E'\n' ORDER BY o.order_no)
             FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = 'KIEL-202612-R1'"
run_sql="SELECT concat_ws('|', orders_count, held_count, total_cents, content_hash, files_hash) FROM payment_runs
          WHERE run_ref = 'KIEL-202612-R1'"
a_orders=$(psql_db $db_a "$orders_sql")
b_orders=$(psql_db $db_b "$orders_sql")
[ -n "$a_orders" ] || fail "ahead: no orders stored"
[ "$a_orders" = "$b_orders" ] || fail "the orders differ: $(diff <(echo "$b_orders") <(echo "$a_orders") | head -10)"
a_run=$(psql_db $db_a "$run_sql")
[ "$a_run" = "$(psql_db $db_b "$run_sql")" ] || fail "the runs differ: $a_run / $(psql_db $db_b "$run_sql")"
n_orders=$(psql_db $db_a "SELECT orders_count FROM payment_runs WHERE run_ref = 'KIEL-202612-R1'")
[ "$n_orders" -ge "$cases" ] || fail "ahead: $n_orders orders for $cases cases"

# no second connection to be had (the role's connection limit): the same run on one connection,
# with a warning
psql_db postgres "ALTER ROLE pp_prep CONNECTION LIMIT 1" >/dev/null
(cd "$ROOT" && "$SOZBATCH" pay prepare --month $M --operator pp_prep --db "$(url pp_prep $db_c)" --config "$AHEAD") \
    >"$WORK/limited.out" 2>"$WORK/limited.err"
rc=$?
psql_db postgres "ALTER ROLE pp_prep CONNECTION LIMIT -1" >/dev/null
[ "$rc" -eq 0 ] || fail "limited: exit code $rc: $(head -c 600 "$WORK/limited.err")"
grep -q "event=read-ahead-off" "$WORK/limited.err" || fail "limited: no warning that it reads on one connection"
diff -u "$WORK/serial.out" "$WORK/limited.out" >"$WORK/limited.diff" || fail "limited: the report differs: $(head -20 "$WORK/limited.diff")"
[ "$(psql_db $db_c "$orders_sql")" = "$b_orders" ] || fail "limited: the orders differ"

# forced, reading ahead: the second connection's snapshot still shows R1 as prepared, but what is
# paid already is read in the job's transaction, where R1 is invalidated: R2 pays the same orders
run forced 0 pay prepare --month $M --force --reason "test: read ahead" --operator pp_prep --db "$(url pp_prep $db_a)" \
    --config "$AHEAD"
stdout_has forced "payment run KIEL-202612-R2"
amounts_sql() { echo "SELECT string_agg(concat_ws('|', o.order_no, o.case_id, o.purpose, o.amount_cents, o.iban), E'\n' ORDER BY o.order_no)
                      FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = '$1'"; }
r1=$(psql_db $db_a "$(amounts_sql KIEL-202612-R1)")
r2=$(psql_db $db_a "$(amounts_sql KIEL-202612-R2)")
[ -n "$r2" ] && [ "$r1" = "$r2" ] || fail "forced: R2 does not pay what R1 paid: $(diff <(echo "$r1") <(echo "$r2") | head -10)"
[ "$(psql_db $db_a "SELECT state FROM payment_runs WHERE run_ref = 'KIEL-202612-R1'")" != prepared ] ||
    fail "forced: R1 is still prepared"
# nothing of the second connection is left behind
left=$(psql_db postgres "SELECT COUNT(*) FROM pg_stat_activity WHERE datname IN ('$db_a', '$db_b')")
[ "$left" = 0 ] || fail "$left connection(s) left open"

finish
