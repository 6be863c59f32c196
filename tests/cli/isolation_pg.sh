#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Work-group isolation through every batch job on PostgreSQL: each operator connects with its own
# login role; an operator of SG-NORD reads, calculates, pays, prints and exports no case of
# SG-SUED, and the same role sees no SG-SUED row with hand-written SQL either.
. "$(dirname "$0")/lib.sh" "$@"
require_pg
dbname="sozbatch_iso_$$"
sql() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$admin_user" -d postgres -c "$1" >/dev/null; }
sql "CREATE DATABASE $dbname"
sql "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iso_both') THEN CREATE ROLE iso_both LOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'iso_nord') THEN CREATE ROLE iso_nord LOGIN; END IF; END\$\$"
trap 'psql -X -q -h "$host" -p "$port" -U "$admin_user" -d postgres -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
url() { echo "postgresql://host=$host port=$port user=$1 dbname=$dbname"; }
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"

run migrate 0 db migrate --db "$(url "$admin_user")"
run bootstrap 0 operators bootstrap --login owner --tenant kiel --tenant-name "Landeshauptstadt Kiel" \
    --operator owner --db "$(url "$admin_user")"
run add_both 0 operators add iso_both --db-role iso_both --role caseworker-edit caseworker-read payment-preparer \
    --work-group SG-NORD SG-SUED --operator owner --db "$(url "$admin_user")"
run add_nord 0 operators add iso_nord --db-role iso_nord --role caseworker-edit caseworker-read payment-preparer \
    --work-group SG-NORD --operator owner --db "$(url "$admin_user")"
run import 0 import samples/demo-cases.xml --operator iso_both --db "$(url iso_both)"

N=(--operator iso_nord --db "$(url iso_nord)")
sued_free() { grep -q "50\.2-" "$WORK/$1.out" && fail "$1 shows a case of SG-SUED"; return 0; }
run list 0 cases list "${N[@]}"
sued_free list
stdout_has list "21 case(s)"
run show_other 2 cases show 50.2-0001 "${N[@]}"
run calc 0 calc --month 2026-12 "${N[@]}"
sued_free calc
run pay 0 pay prepare --month 2026-12 --config "$CONF" "${N[@]}"
sued_free pay
run notices 0 notices --month 2026-12 --config "$CONF" --out-dir "$OUT" "${N[@]}"
sued_free notices
for pdf in "$OUT"/notices/2026-12/*.pdf; do
    pdftotext "$pdf" - | grep -q "50\.2-" && fail "a Bescheid of SG-SUED was printed: $pdf"
done
run x118 0 match118 export --quarter 2026Q3 --config "$CONF" --out-dir "$OUT" "${N[@]}"

count_as() { psql -X -qAt -h "$host" -p "$port" -U "$1" -d "$dbname" -c "$2"; }
# what the batch jobs wrote, counted by the database owner
[ "$(count_as "$admin_user" "SELECT COUNT(*) FROM calc_results r JOIN cases c ON c.id = r.case_id WHERE c.file_ref LIKE '50.2-%'")" = 0 ] \
    || fail "nord calculated cases of SG-SUED"
[ "$(count_as "$admin_user" "SELECT COUNT(*) FROM payment_orders WHERE file_ref LIKE '50.2-%'")" = 0 ] \
    || fail "nord prepared payments for SG-SUED"
[ "$(count_as "$admin_user" "SELECT COUNT(*) FROM exchange_persons WHERE work_group <> 'SG-NORD'")" = 0 ] \
    || fail "the § 118 request of nord includes persons of SG-SUED"
[ "$(count_as "$admin_user" "SELECT COUNT(*) FROM calc_results")" -gt 0 ] || fail "nord calculated nothing"
# hand-written SQL as the operator's own role
[ "$(count_as iso_nord "SELECT COUNT(*) FROM cases WHERE file_ref LIKE '50.2-%'")" = 0 ] \
    || fail "iso_nord sees SG-SUED cases with plain SQL"
[ "$(count_as iso_both "SELECT COUNT(*) FROM cases WHERE file_ref LIKE '50.2-%'")" -gt 0 ] \
    || fail "iso_both should see SG-SUED cases (the check above could not fail otherwise)"
finish
