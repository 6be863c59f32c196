#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Work-group isolation through every batch job on SQLite: an operator of SG-NORD reads,
# calculates, pays, prints and exports (§ 118, § 151) zero cases of SG-SUED (Aktenzeichen 50.2-*).
. "$(dirname "$0")/lib.sh" "$@"
export SOZBATCH_DB="sqlite3://db=$WORK/iso.db"
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"

run migrate 0 db migrate
SOZBATCH_PASSWORD=admin-iso-pw run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name "Landeshauptstadt Kiel"
admin() { SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-iso-pw "$@"; }
SOZBATCH_NEW_PASSWORD=both-iso-pw admin run add_both 0 operators add both --role caseworker-edit caseworker-read \
    payment-preparer --work-group SG-NORD SG-SUED
SOZBATCH_NEW_PASSWORD=nord-iso-pw admin run add_nord 0 operators add nord --role caseworker-edit caseworker-read \
    payment-preparer --work-group SG-NORD
SOZBATCH_OPERATOR=both SOZBATCH_PASSWORD=both-iso-pw run import 0 import samples/demo-cases.xml

export SOZBATCH_OPERATOR=nord SOZBATCH_PASSWORD=nord-iso-pw
sued_free() { grep -q "50\.2-" "$WORK/$1.out" && fail "$1 shows a case of SG-SUED"; return 0; }
run list 0 cases list
sued_free list
stdout_has list "21 case(s)"
run show_other 2 cases show 50.2-0001
stderr_has show_other "50.2-0001"
run calc 0 calc --month 2026-12
sued_free calc
[ "$(sqlite3 "$WORK/iso.db" "SELECT COUNT(*) FROM calc_results r JOIN cases c ON c.id = r.case_id WHERE c.file_ref LIKE '50.2-%'")" = 0 ] \
    || fail "nord calculated cases of SG-SUED"
run pay 0 pay prepare --month 2026-12 --config "$CONF"
sued_free pay
[ "$(sqlite3 "$WORK/iso.db" "SELECT COUNT(*) FROM payment_orders WHERE file_ref LIKE '50.2-%'")" = 0 ] \
    || fail "nord prepared payments for SG-SUED"
run notices 0 notices --month 2026-12 --config "$CONF" --out-dir "$OUT"
sued_free notices
for pdf in "$OUT"/notices/2026-12/*.pdf; do
    pdftotext "$pdf" - | grep -q "50\.2-" && fail "a Bescheid of SG-SUED was printed: $pdf"
done
run x118 0 match118 export --quarter 2026Q3 --config "$CONF" --out-dir "$OUT"
[ "$(sqlite3 "$WORK/iso.db" "SELECT COUNT(*) FROM exchange_persons WHERE work_group <> 'SG-NORD'")" = 0 ] \
    || fail "the § 118 request of nord includes persons of SG-SUED"
[ "$(sqlite3 "$WORK/iso.db" "SELECT COUNT(*) FROM exchange_persons WHERE work_group = 'SG-NORD'")" -gt 0 ] \
    || fail "the § 118 request of nord is empty"
run p151 0 pension151 export --key-date 2026-07-01 --config "$CONF" --out-dir "$OUT"
[ "$(sqlite3 "$WORK/iso.db" "SELECT COUNT(*) FROM exchange_persons WHERE work_group <> 'SG-NORD'")" = 0 ] \
    || fail "the § 151 query of nord includes persons of SG-SUED"
run explain_other 2 explain 50.2-0001 --month 2026-12
finish
