#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `sozbatch run-month` on SQLite: bad input (no month, a month beyond the approvals, an unknown
# step, --force without a reason, an operator without the right, the lock held by another run:
# exit 2, nothing changed); --dry-run changes nothing; the first run calculates, prepares and
# writes the letters and stops at the release; a rerun before the release changes nothing (exit 2);
# after the release by a second operator it exports and hands over; a rerun repeats nothing; a
# redo after the export is refused; changed case data shows in --dry-run and a forced redo (with
# its reason recorded) replaces the open payment run; killed after a step or in the middle of the
# hand-over, the rerun continues where it stopped and repeats nothing.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/rm.db"
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
export SOZBATCH_NEW_PASSWORD=run-month-password-1 SOZBATCH_PASSWORD=run-month-password-1
M=2026-12
q() { sqlite3 "$WORK/rm.db" "$1"; }
rm_as() { # rm_as NAME RC OPERATOR ARGS...
    local name=$1 rc=$2 op=$3; shift 3
    run "$name" "$rc" run-month "$@" --operator "$op" --db "$DB" --config "$CONF" --out-dir "$OUT"
}
counts() { q "SELECT (SELECT COUNT(*) FROM calc_runs) || '/' || (SELECT COUNT(*) FROM payment_runs) || '/' ||
              (SELECT COUNT(*) FROM notice_runs) || '/' || (SELECT COUNT(*) FROM month_run_steps) || '/' ||
              (SELECT COUNT(*) FROM hand_overs)"; }

run migrate 0 db migrate --db "$DB"
run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name Kiel --db "$DB"
run add_prep 0 operators add prep --role caseworker-edit caseworker-read payment-preparer --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_boss 0 operators add boss --role payment-releaser caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_reader 0 operators add reader --role caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run import 0 import "$ROOT/samples/demo-cases.xml" --operator prep --db "$DB"

# bad input: exit 2, nothing changed
rm_as no_month 2 prep
stderr_has no_month "run-month needs --month YYYY-MM"
rm_as beyond 2 prep --month 2028-01
stderr_has beyond "no approved case covers 2028-01"
rm_as bad_step 2 prep --month $M --force export --reason x
stderr_has bad_step "--force takes calc, pay-prepare or notices"
rm_as no_reason 2 prep --month $M --force calc
stderr_has no_reason "needs --reason"
rm_as force_first 2 prep --month $M --force notices --reason "letters again"
stderr_has force_first "has not been calculated yet"
rm_as no_right 2 reader --month $M
stderr_has no_right "may not run 'run-month'"
flock -o "$WORK/rm.db.run-month-1.lock" sleep 30 &
holder=$!
sleep 0.5
rm_as locked 2 prep --month $M
stderr_has locked "holds the lock"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ "$(counts)" = "0/0/0/0/0" ] || fail "bad input changed something: $(counts)"

# the dry run shows the plan and changes nothing
rm_as dry1 0 prep --month $M --dry-run
golden dry1
[ "$(counts)" = "0/0/0/0/0" ] || fail "--dry-run changed something: $(counts)"

# first run: calc, pay prepare, notices; stops at the release
rm_as first 0 prep --month $M
stdout_has first "== calc --month 2026-12"
stdout_has first "== pay prepare --month 2026-12"
stdout_has first "== notices --month 2026-12"
stdout_has first "stopped at the release. Payment run KIEL-202612-R1 waits for a second operator"
[ "$(counts)" = "1/1/1/3/0" ] || fail "first run: counts $(counts), expected 1/1/1/3/0"
[ "$(q "SELECT state FROM payment_runs")" = prepared ] || fail "the run is not prepared"
[ "$(q "SELECT COUNT(*) FROM month_run_steps WHERE state <> 'done'")" = 0 ] || fail "a step is not done"
[ "$(q "SELECT COUNT(*) FROM protocol WHERE event = 'job-end' AND detail = 'step of run-month'")" = 3 ] \
    || fail "the steps are not in the protocol"

# before the release: nothing to do, exit 2, nothing changed
rm_as waiting 2 prep --month $M
stderr_has waiting "waits for the release by a second operator (sozbatch pay release KIEL-202612-R1)"
[ "$(counts)" = "1/1/1/3/0" ] || fail "the rerun before the release changed something: $(counts)"

# release by the second operator, then export and hand-over
run release 0 pay release KIEL-202612-R1 --operator boss --db "$DB" --config "$CONF"
rm_as dry2 0 prep --month $M --dry-run
stdout_has dry2 "pay-export   would run"
rm_as second 0 prep --month $M
stdout_has second "== pay export KIEL-202612-R1"
stdout_has second "== hand-over"
stdout_has second "== report --run KIEL-202612-R1"
[ -s "$OUT/reports/KIEL-202612-R1-report.html" ] && [ -s "$OUT/reports/KIEL-202612-R1-report.pdf" ] \
    || fail "run-month left no run report"
stdout_has second "Payment run KIEL-202612-R1 exported and handed over."
[ "$(q "SELECT state FROM payment_runs")" = exported ] || fail "the run is not exported"
for f in "$OUT"/payments/KIEL-202612-R1-F*.xml; do
    b=$(basename "$f")
    cmp -s "$f" "$OUT/handover/bank/$b" || fail "hand-over: $b differs from the exported file"
    [ -f "$OUT/handover/bank/$b.manifest" ] || fail "hand-over: no manifest beside $b"
    [ "$(q "SELECT sha256 FROM hand_overs WHERE file_name = '$b'")" = "$(sha256sum "$f" | cut -d' ' -f1)" ] \
        || fail "hand-over: recorded SHA-256 of $b is wrong"
done
[ -e "$OUT/handover/bank/KIEL-202612-R1-CASH.csv" ] && fail "the cash list went to the bank"
n_pdf=$(ls "$OUT"/notices/$M/*.pdf | wc -l)
[ "$(ls "$OUT"/handover/print-shop/*.pdf | wc -l)" = "$n_pdf" ] || fail "not every print batch was handed over"
[ "$(ls "$OUT"/handover/print-shop/*.index.xml | wc -l)" = "$n_pdf" ] || fail "an index file is missing at the print shop"
after=$(counts)

# everything done: a rerun repeats nothing; a redo after the export is refused
rm_as third 0 prep --month $M
stdout_has third "every step is done"
[ "$(counts)" = "$after" ] || fail "the rerun repeated something: $(counts) vs $after"
rm_as late_force 2 prep --month $M --force calc --reason "too late"
stderr_has late_force "is exported; --force calc is refused"
[ "$(counts)" = "$after" ] || fail "the refused redo changed something"

# next month: changed case data before the release, seen by --dry-run, redone with --force calc
M2=2026-11
rm_as jan 0 prep --month $M2
[ "$(q "SELECT state FROM payment_runs WHERE month = '$M2'")" = prepared ] || fail "$M2: no prepared run"
sed 's/rent="430.00"/rent="455.00"/' "$ROOT/samples/demo-cases.xml" >"$WORK/changed.xml"
[ "$(diff "$ROOT/samples/demo-cases.xml" "$WORK/changed.xml" | grep -c '^>')" = 1 ] || fail "test data: one rent change expected"
SOZBATCH_FIXED_NOW=2026-11-21T09:00:00Z run reimport 0 import "$WORK/changed.xml" --operator prep --db "$DB"
SOZBATCH_FIXED_NOW=2026-11-21T10:00:00Z rm_as dry3 0 prep --month $M2 --dry-run
stdout_has dry3 "1 case version(s) recorded after the calculation"
stdout_has dry3 "--force calc --reason TEXT"
SOZBATCH_FIXED_NOW=2026-11-21T10:00:00Z rm_as redo 0 prep --month $M2 --force calc --reason "rent change of 50.2-0002"
stdout_has redo "redoing calc (forced: rent change of 50.2-0002)"
[ "$(q "SELECT group_concat(run_ref || ':' || state, ' ') FROM (SELECT * FROM payment_runs WHERE month = '$M2' ORDER BY id)")" \
    = "KIEL-202611-R1:invalidated KIEL-202611-R2:prepared" ] || fail "forced redo: runs $(q "SELECT group_concat(run_ref || ':' || state) FROM payment_runs WHERE month = '$M2'")"
[ "$(q "SELECT COUNT(*) FROM month_run_steps WHERE month = '$M2' AND forced = 1 AND force_reason = 'rent change of 50.2-0002'")" -ge 2 ] \
    || fail "the forced steps do not carry the reason"
[ "$(q "SELECT COUNT(*) FROM notices WHERE month = '$M2' AND state = 'superseded'")" -ge 1 ] || fail "the month's letters were not superseded"

# killed after a step or inside the hand-over: the rerun continues and repeats nothing
M3=2026-10
cp "$WORK/rm.db" "$WORK/k.db"
K="sqlite3://db=$WORK/k.db"
kq() { sqlite3 "$WORK/k.db" "$1"; }
(cd "$ROOT" && SOZBATCH_FAULT=run-month-after-calc "$SOZBATCH" run-month --month $M3 --operator prep --db "$K" \
    --config "$CONF" --out-dir "$WORK/kout") >/dev/null 2>&1
[ $? -eq 86 ] || fail "no injected crash after calc"
run resume1 0 run-month --month $M3 --operator prep --db "$K" --config "$CONF" --out-dir "$WORK/kout"
stdout_has resume1 "== pay prepare"
grep -qF "== calc" "$WORK/resume1.out" && fail "the resumed run calculated again"
[ "$(kq "SELECT COUNT(*) FROM calc_runs WHERE month = '$M3'")" = 1 ] || fail "calc ran twice"
run release3 0 pay release KIEL-202610-R1 --operator boss --db "$K" --config "$CONF"
(cd "$ROOT" && SOZBATCH_FAULT=hand-over-after-first-file "$SOZBATCH" run-month --month $M3 --operator prep --db "$K" \
    --config "$CONF" --out-dir "$WORK/kout") >/dev/null 2>&1
[ $? -eq 86 ] || fail "no injected crash in the hand-over"
[ "$(kq "SELECT state FROM payment_runs WHERE month = '$M3'")" = exported ] || fail "the export before the crash was lost"
run resume2 0 run-month --month $M3 --operator prep --db "$K" --config "$CONF" --out-dir "$WORK/kout"
grep -qF "== pay export" "$WORK/resume2.out" && fail "the resumed run exported again"
[ "$(kq "SELECT COUNT(*) FROM payment_files f JOIN payment_runs r ON r.id = f.payment_run_id WHERE r.month = '$M3' AND f.file_name LIKE '%.xml'")" \
    = "$(ls "$WORK"/kout/payments/KIEL-202610-R1-*.xml | wc -l)" ] || fail "payment files recorded twice"
[ "$(kq "SELECT COUNT(*) FROM hand_overs WHERE month = '$M3' AND recipient = 'bank'")" \
    = "$(ls "$WORK"/kout/payments/KIEL-202610-R1-F*.xml | wc -l)" ] || fail "bank hand-over incomplete or twice"
[ "$(kq "SELECT COUNT(*) - COUNT(DISTINCT file_name) FROM hand_overs")" = 0 ] || fail "a file handed over twice"

# the write log still verifies after all of this
run audit 0 audit verify --operator admin --db "$DB"
finish
