#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What PostgreSQL alone needs for a month's rows on this machine (docs/benchmarks.md, "Sixteenth
# measurement"); run by hand after run-scale-bench.sh, never as a test.
#
#   tests/bench/run-floor-bench.sh ADMIN_URL DBNAME OPERATOR_ROLE [MONTH] [OUT_FILE]
#
# ADMIN_URL is the SOCI string of the benchmark cluster's superuser ("postgresql://host=... port=...
# user=... dbname=postgres"), DBNAME a database the scale harness has run calc and pay prepare in
# (sozbatch_scale_N), OPERATOR_ROLE the login role its jobs ran as (scale_prep). Nothing of the
# month is changed: the measurement works on tables of its own, dropped at the end.
#
# A floor, not a design: the same rows without the parts sozbatch keeps for its users.
#   write: the month's results and payment orders, dumped with COPY TO and loaded again with COPY
#          FROM into copies of their tables (LIKE ... INCLUDING INDEXES: the same primary key,
#          unique constraints and indexes) without the write log, foreign keys or row-level
#          security; once with the indexes and once without any; the write log's entries of those
#          rows as they are stored (their computing aside), and without the rows' values; the
#          results without their documents; the results and the log's entries uncompressed.
#   read:  the case tables calc reads (headers, members, persons, needs, incomes, housing,
#          approvals, payees, assignments; assets, claims and offsets, empty in the synthetic
#          data, are left out) as one query per table over the whole tenant, sorted
#          by case version (no chunks, no per-chunk planning), once as the owner (no row-level
#          security) and once as OPERATOR_ROLE (with it); then the month's results as pay
#          prepare needs them and the orders as pay export needs them.
# Each line gives the wall time and, with SOZBATCH_BENCH_PG_PID (the postmaster's pid), the
# server's CPU seconds. The output goes to OUT_FILE (default: stdout) as a Markdown table.
set -euo pipefail
URL=${1:?admin SOCI url}
DB=${2:?database name}
ROLE=${3:?operator login role}
M=${4:-2026-01}
OUT=${5:-/dev/stdout}
PG_PID=${SOZBATCH_BENCH_PG_PID:-}
export PGOPTIONS="-c client_min_messages=warning"
command -v psql >/dev/null || { echo "psql missing" >&2; exit 2; }
host=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$URL")
port=$(sed -n 's/.*port=\([^ ]*\).*/\1/p' <<<"$URL")
admin=$(sed -n 's/.*user=\([^ ]*\).*/\1/p' <<<"$URL")
q() { psql -X -qAt -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "${2:-$admin}" -d "$DB" -c "$1"; }
TMP=$(mktemp -d /tmp/floor-bench.XXXXXX)
cleanup() {
    q "DROP TABLE IF EXISTS floor_results, floor_orders, floor_log" >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# server_cpu: the CPU seconds of the PostgreSQL server so far (PG_PID; tests/bench/server-cpu.sh)
source "$(dirname "${BASH_SOURCE[0]}")/server-cpu.sh"
# measure NAME ROWS COMMAND...: runs COMMAND, appends a table row
measure() {
    local name=$1 rows=$2; shift 2
    local s0 s1 t0 t1
    s0=$(server_cpu); t0=$(date +%s.%N)
    "$@"
    t1=$(date +%s.%N); s1=$(server_cpu)
    printf '| %s | %s | %s | %s |\n' "$name" "$rows" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
        "$([ -n "$PG_PID" ] && awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }' || echo -)" >>"$OUT"
}
# the columns of TABLE but its identity column id, comma-separated, in column order
columns() {
    q "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = '$1' AND column_name <> 'id'"
}
tenant=$(q "SELECT min(tenant_id) FROM calc_results WHERE month = '$M'")
[ -n "$tenant" ] || { echo "no results for $M in $DB: run calc and pay prepare first" >&2; exit 2; }
nres=$(q "SELECT count(*) FROM calc_results WHERE month = '$M'")
nord=$(q "SELECT count(*) FROM payment_orders WHERE month = '$M'")
[ "$nord" -gt 0 ] || { echo "no payment orders for $M in $DB: run pay prepare first" >&2; exit 2; }
rcols=$(columns calc_results)
ocols=$(columns payment_orders)
q "COPY (SELECT $rcols FROM calc_results WHERE month = '$M' ORDER BY id) TO STDOUT" >"$TMP/results.copy"
q "COPY (SELECT $ocols FROM payment_orders WHERE month = '$M' ORDER BY id) TO STDOUT" >"$TMP/orders.copy"
# the write log's entries of those inserts (what storing them costs, computing them aside)
lcols=$(columns audit_log)
# (as joins: "row_key IN (SELECT ...)" over a million rows does not fit work_mem as a hashed
# sub-plan and was scanned again for every entry)
month_inserts="(SELECT a.* FROM audit_log a JOIN calc_results r ON a.row_key = 'id=' || r.id
    WHERE a.table_name = 'calc_results' AND a.operation = 'INSERT' AND r.month = '$M' UNION ALL
    SELECT a.* FROM audit_log a JOIN payment_orders o ON a.row_key = 'id=' || o.id
    WHERE a.table_name = 'payment_orders' AND a.operation = 'INSERT' AND o.month = '$M') e"
q "COPY (SELECT $lcols FROM $month_inserts ORDER BY id) TO STDOUT" >"$TMP/log.copy"
nlog=$(wc -l <"$TMP/log.copy")
# the same entries without the rows' values (their hashes kept): what a log that keeps only the
# hash of an inserted row's values would store
novalues=$(sed -e "s/\bnew_values\b/''/" <<<"$lcols")
q "COPY (SELECT $novalues FROM $month_inserts ORDER BY id) TO STDOUT" >"$TMP/log-novalues.copy"
# the same results without their documents (the calculation lines, payouts and flags as NULL):
# what the rows would cost if the documents were not stored with them
bare=$(sed -e 's/\blines\b/NULL/; s/\bpayouts\b/NULL/; s/\bflags\b/NULL/' <<<"$rcols")
q "COPY (SELECT $bare FROM calc_results WHERE month = '$M' ORDER BY id) TO STDOUT" >"$TMP/results-bare.copy"

load() { # load TABLE COLUMNS FILE
    psql -X -qAt -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$admin" -d "$DB" -c "COPY $1 ($2) FROM STDIN" <"$3"
}
# read_all ROLE QUERY: the query's rows as COPY text to /dev/null, through psql like a client
read_all() {
    psql -X -qAt -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$1" -d "$DB" -c "COPY ($2) TO STDOUT" >/dev/null
}

{
    echo "| $DB, month $M | rows | wall s | server CPU s |"
    echo "|---|---|---|---|"
} >>"$OUT"
for idx in without with; do
    q "DROP TABLE IF EXISTS floor_results, floor_orders"
    inc=""
    [ $idx = with ] && inc="INCLUDING INDEXES"
    q "CREATE TABLE floor_results (LIKE calc_results INCLUDING DEFAULTS INCLUDING IDENTITY $inc)"
    q "CREATE TABLE floor_orders (LIKE payment_orders INCLUDING DEFAULTS INCLUDING IDENTITY $inc)"
    q "CHECKPOINT"
    measure "write: COPY the results, $idx indexes" "$nres" load floor_results "$rcols" "$TMP/results.copy"
    measure "write: COPY the orders, $idx indexes" "$nord" load floor_orders "$ocols" "$TMP/orders.copy"
done
q "DROP TABLE IF EXISTS floor_log"
q "CREATE TABLE floor_log (LIKE audit_log INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
q "CHECKPOINT"
measure "write: COPY their write-log entries, with the primary key" "$nlog" load floor_log "$lcols" "$TMP/log.copy"
q "TRUNCATE floor_log"
q "CHECKPOINT"
measure "write: COPY the same entries without the rows' values" "$nlog" load floor_log "$lcols" "$TMP/log-novalues.copy"
q "TRUNCATE floor_results"
q "CHECKPOINT"
measure "write: COPY the results without their documents, with indexes" "$nres" load floor_results "$rcols" "$TMP/results-bare.copy"
# the documents and the log's values stored uncompressed (in the row up to 8 KB, no pglz): the
# administrators' trade of disk against CPU (docs/operations.md, "PostgreSQL settings")
q "TRUNCATE floor_results, floor_log"
q "ALTER TABLE floor_results SET (toast_tuple_target = 8160)"
q "ALTER TABLE floor_log SET (toast_tuple_target = 8160)"
q "CHECKPOINT"
measure "write: COPY the results, with indexes, uncompressed (toast_tuple_target = 8160)" "$nres" load floor_results "$rcols" "$TMP/results.copy"
measure "write: COPY the write-log entries, uncompressed (toast_tuple_target = 8160)" "$nlog" load floor_log "$lcols" "$TMP/log.copy"

# The case tables as calc reads them, one query per table for the whole tenant (headers, members,
# persons, needs, incomes, housing, approvals, payees, assignments)
T=$tenant
reads=(
    "SELECT c.id, cv.id, cv.version, cv.recorded_at, cv.law, wg.code, cv.state, CAST(cv.established_on AS TEXT), CAST(cv.closed_on AS TEXT), c.file_ref, cv.work_group_id FROM cases c JOIN case_versions cv ON cv.case_id = c.id JOIN work_groups wg ON wg.id = cv.work_group_id WHERE c.tenant_id = $T ORDER BY cv.id"
    "SELECT m.case_version_id, m.person_id, COALESCE(p.ext_id, ''), m.role, CAST(m.valid_from AS TEXT), CAST(m.valid_to AS TEXT), CAST(m.stay_since AS TEXT) FROM case_members m LEFT JOIN persons p ON p.id = m.person_id WHERE m.tenant_id = $T ORDER BY m.case_version_id, m.id"
    "SELECT v.person_id, v.family_name, v.birth_name, v.first_names, CAST(v.birth_date AS TEXT), v.birth_place, v.sex, v.nationality, v.vsnr, v.steuer_id, v.street, v.house_no, v.postcode, v.city, v.country, v.address_extra, CAST(v.deceased_on AS TEXT) FROM person_versions v WHERE v.tenant_id = $T ORDER BY v.person_id, v.version"
    "SELECT n.case_version_id, n.person_id, COALESCE(p.ext_id, ''), n.kind, n.amount_cents, n.quantity, CAST(n.valid_from AS TEXT), CAST(n.valid_to AS TEXT), n.note FROM needs n LEFT JOIN persons p ON p.id = n.person_id WHERE n.tenant_id = $T ORDER BY n.case_version_id, n.id"
    "SELECT i.case_version_id, COALESCE(p.ext_id, ''), i.kind, i.gross_cents, i.taxes_cents, i.social_cents, i.insurance_cents, i.work_expenses_cents, CAST(i.valid_from AS TEXT), CAST(i.valid_to AS TEXT), i.spread_months, i.grundrente_33y, i.note FROM incomes i LEFT JOIN persons p ON p.id = i.person_id WHERE i.tenant_id = $T ORDER BY i.case_version_id, i.id"
    "SELECT case_version_id, dwelling, basic_rent_cents, service_charges_cents, heating_cents, decentral_hot_water, persons_in_dwelling, CAST(valid_from AS TEXT), CAST(valid_to AS TEXT) FROM housing WHERE tenant_id = $T ORDER BY case_version_id, id"
    "SELECT case_version_id, ext_id, CAST(period_from AS TEXT), CAST(period_to AS TEXT), approved_by, approved_at, state FROM approvals WHERE tenant_id = $T ORDER BY case_version_id, id"
    "SELECT v.payee_id, v.kind, v.name, v.iban, v.bic, v.card_ref, v.street, v.house_no, v.postcode, v.city, v.country, v.person_ext_id FROM payee_versions v WHERE v.tenant_id = $T ORDER BY v.payee_id, v.version"
    "SELECT pa.case_version_id, pa.payee_id, p.ext_id, pa.purpose, pa.amount_cents, CAST(pa.valid_from AS TEXT), CAST(pa.valid_to AS TEXT) FROM payment_assignments pa JOIN payees p ON p.id = pa.payee_id WHERE pa.tenant_id = $T ORDER BY pa.case_version_id, pa.id"
)
read_cases() { # read_cases ROLE
    local r
    for r in "${reads[@]}"; do
        read_all "$1" "$r"
    done
}
ncases=$(q "SELECT count(*) FROM cases WHERE tenant_id = $T")
measure "read: the case tables, one query each, as the owner (no row-level security)" "$ncases" read_cases "$admin"
measure "read: the case tables, one query each, as $ROLE (row-level security)" "$ncases" read_cases "$ROLE"
measure "read: the month's results (header and payouts), as $ROLE" "$nres" read_all "$ROLE" \
    "SELECT r.id, r.case_id, c.file_ref, r.law, r.payout_cents, r.payouts FROM calc_results r JOIN cases c ON c.id = r.case_id WHERE r.tenant_id = $T AND r.month = '$M' ORDER BY c.file_ref"
measure "read: the month's orders, as $ROLE" "$nord" read_all "$ROLE" \
    "SELECT $ocols FROM payment_orders WHERE tenant_id = $T AND month = '$M' ORDER BY payment_run_id, order_no"
