#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The run report end to end on SQLite (docs/formats/run-report.md): two months of the demo office
# imported, calculated, prepared, released by a second operator and exported; the report of the
# December run: exit codes, totals by law and channel in the HTML and in the PDF's text equal to
# the payment orders' sums, the comparison with November, a well-formed SVG and HTML (xmllint), a
# valid PDF (qpdf --check), manifests with the files' SHA-256, byte-identical files on a second
# run (--run and --month), the default directory, the permission (an auditor may not) and the
# work-group restriction (an operator of SG-NORD sees no case of SG-SUED).
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/rep.db"
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
export SOZBATCH_NEW_PASSWORD=report-test-password-1 SOZBATCH_PASSWORD=report-test-password-1
q() { sqlite3 "$WORK/rep.db" "$1"; }
# german CENTS: 2530551 -> "25.305,51 €"
german() {
    local c=$1 sign=""
    if [ "$c" -lt 0 ]; then sign="-"; c=$((-c)); fi
    local e
    e=$(printf '%d' $((c / 100)) | sed ':a;s/\([0-9]\)\([0-9]\{3\}\)\($\|\.\)/\1.\2\3/;ta')
    printf '%s%s,%02d €' "$sign" "$e" $((c % 100))
}
[ "$(german 2530551)" = "25.305,51 €" ] && [ "$(german 5)" = "0,05 €" ] && [ "$(german 123456789)" = "1.234.567,89 €" ] \
    || fail "test helper german() is wrong: $(german 2530551) / $(german 5) / $(german 123456789)"

run migrate 0 db migrate --db "$DB"
run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name Kiel --db "$DB"
run add_clerk 0 operators add clerk --role caseworker-edit --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run import 0 import "$ROOT/samples/demo-cases.xml" --operator clerk --db "$DB"
run add_prep 0 operators add prep --role payment-preparer caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_boss 0 operators add boss --role payment-releaser caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_nora 0 operators add nora --role caseworker-read --work-group SG-NORD --operator admin --db "$DB"
run add_aud 0 operators add aud --role auditor --work-group SG-NORD SG-SUED --operator admin --db "$DB"

for M in 2026-11 2026-12; do
    R="KIEL-${M/-/}-R1"
    run "calc_$M" 0 calc --month $M --operator prep --db "$DB"
    run "prepare_$M" 0 pay prepare --month $M --operator prep --db "$DB" --config "$CONF"
    run "release_$M" 0 pay release "$R" --operator boss --db "$DB" --config "$CONF"
    run "export_$M" 0 pay export "$R" --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
done
RUN=KIEL-202612-R1
stdout_has prepare_2026-12 "delta preview against KIEL-202611-R1 (2026-11)"

# the report
run report 0 report --run $RUN --operator prep --db "$DB" --config "$CONF" --out "$WORK/rep"
stdout_has report "run report $RUN written to $WORK/rep/"
for f in report.html report.pdf chart.svg chart.png; do
    stdout_has report "$RUN-$f"
    [ -s "$WORK/rep/$RUN-$f" ] || fail "report: $RUN-$f missing or empty"
    [ -s "$WORK/rep/$RUN-$f.manifest" ] || fail "report: $RUN-$f.manifest missing"
    want=$(sha256sum "$WORK/rep/$RUN-$f" | cut -d' ' -f1)
    grep -qx "sha256=$want" "$WORK/rep/$RUN-$f.manifest" || fail "report: the manifest of $RUN-$f has another SHA-256"
    [ "$(stat -c %a "$WORK/rep/$RUN-$f")" = 640 ] || fail "report: $RUN-$f is not mode 0640"
done
[ -z "$(find "$WORK/rep" -name '*.tmp' -o -name '*.raw*')" ] || fail "report: temporary files left behind"
HTML="$WORK/rep/$RUN-report.html"
PDF="$WORK/rep/$RUN-report.pdf"
xmllint --noout "$WORK/rep/$RUN-chart.svg" 2>"$WORK/svg.err" || fail "the SVG is not well-formed: $(head -5 "$WORK/svg.err")"
xmllint --noout "$HTML" 2>"$WORK/html.err" || fail "the HTML is not well-formed: $(head -5 "$WORK/html.err")"
grep -q '^<!DOCTYPE html>' "$HTML" || fail "HTML: no HTML5 doctype"
grep -q '<html lang="de">' "$HTML" || fail "HTML: not lang=de"
grep -q '<svg xmlns="http://www.w3.org/2000/svg"' "$HTML" || fail "HTML: the chart is not inline"
grep -Eq '(src|href)="(https?:|//)' "$HTML" && fail "HTML: an external resource"
grep -Eq '<(script|link|img)' "$HTML" && fail "HTML: script, link or image element"
[ "$(head -c 8 "$WORK/rep/$RUN-chart.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the PNG has no PNG signature"
qpdf --check "$PDF" >"$WORK/qpdf.out" 2>&1 || fail "qpdf --check: $(tail -5 "$WORK/qpdf.out")"
pdftotext -layout "$PDF" "$WORK/pdf.txt" || fail "pdftotext failed"
grep -q "Bericht zum Zahllauf $RUN" "$WORK/pdf.txt" || fail "PDF: no title"
grep -q "Seite 1 von" "$WORK/pdf.txt" || fail "PDF: no page footer"
[ "$(pdfinfo "$PDF" | sed -n 's/^CreationDate: *//p')" != "" ] || fail "PDF: no CreationDate"

# totals equal the payment orders' sums
total=$(q "SELECT SUM(amount_cents) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = '$RUN' AND o.state <> 'held'")
[ "$total" = "$(q "SELECT total_cents FROM payment_runs WHERE run_ref = '$RUN'")" ] || fail "orders and run total differ"
grep -qF "$(german "$total")" "$HTML" || fail "HTML lacks the run total $(german "$total")"
grep -qF "$(german "$total")" "$WORK/pdf.txt" || fail "PDF lacks the run total $(german "$total")"
laws=0
while IFS='|' read -r law n cents; do
    laws=$((laws + 1))
    grep -qF "<td class=\"num\">$n</td><td class=\"num\">$(german "$cents")</td>" "$HTML" \
        || fail "HTML: law $law lacks $n orders with $(german "$cents")"
    grep -qF "$(german "$cents")" "$WORK/pdf.txt" || fail "PDF: law $law lacks $(german "$cents")"
done < <(q "SELECT o.law, COUNT(*), SUM(o.amount_cents) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = '$RUN' AND o.state <> 'held' GROUP BY o.law")
[ "$laws" -ge 3 ] || fail "expected orders of at least 3 laws, got $laws"
grep -qF "SGB XII, 4. Kapitel – Grundsicherung im Alter und bei Erwerbsminderung" "$HTML" || fail "HTML: law names"
while IFS='|' read -r channel purpose n cents; do
    grep -qF "<td class=\"num\">$n</td><td class=\"num\">$(german "$cents")</td>" "$HTML" \
        || fail "HTML: channel $channel/$purpose lacks $n orders with $(german "$cents")"
done < <(q "SELECT o.channel, o.purpose, COUNT(*), SUM(o.amount_cents) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = '$RUN' AND o.state <> 'held' GROUP BY o.channel, o.purpose")
grep -qF "SEPA-Überweisung Miete an Vermieter" "$HTML" || fail "HTML: rent paid to landlords"
# the exported files with their SHA-256
while IFS='|' read -r name sha; do
    grep -qF "$name" "$HTML" || fail "HTML lacks the exported file $name"
    grep -qF "$sha" "$HTML" || fail "HTML lacks the SHA-256 of $name"
done < <(q "SELECT f.file_name, f.sha256 FROM payment_files f JOIN payment_runs r ON r.id = f.payment_run_id WHERE r.run_ref = '$RUN'")
# the comparison with November and the 12-month chart
nov=$(q "SELECT SUM(amount_cents) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = 'KIEL-202611-R1' AND o.state <> 'held' AND o.difference_id IS NULL")
grep -qF "Vergleich mit dem Vormonat 11/2026" "$HTML" || fail "HTML: no comparison with 11/2026"
grep -qF "$(german "$nov")" "$HTML" || fail "HTML lacks November's regular payments $(german "$nov")"
grep -qF "KIEL-202611-R1" "$HTML" || fail "HTML: the run compared with"
grep -qF "Zahlungen nach Rechtskreis, letzte 12 Monate" "$HTML" || fail "HTML: no chart heading"
for m in Jan Feb Mär Jun Nov Dez 2026; do
    grep -qF ">$m</text>" "$WORK/rep/$RUN-chart.svg" || fail "SVG: no month label $m"
done
grep -qF "<title>12/2026 – SGB XII 4. Kap.: " "$WORK/rep/$RUN-chart.svg" || fail "SVG: no tooltip for December's SGB XII 4. Kap. bar"
[ "$(grep -c '<rect [^>]*fill="#[0-9A-F]\{6\}"><title>' "$WORK/rep/$RUN-chart.svg")" -ge 6 ] || fail "SVG: too few bars"

# the same run again, by --month and into the default directory: identical bytes
run report_month 0 report --month 2026-12 --operator prep --db "$DB" --config "$CONF" --out "$WORK/rep2"
run report_default 0 report $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
for f in report.html report.pdf chart.svg chart.png; do
    cmp -s "$WORK/rep/$RUN-$f" "$WORK/rep2/$RUN-$f" || fail "a second report differs: $RUN-$f"
    cmp -s "$WORK/rep/$RUN-$f" "$OUT/reports/$RUN-$f" || fail "the report in <out-dir>/reports differs: $RUN-$f"
done
# a later clock changes the time shown, nothing else of the data
run report_later 0 report $RUN --operator prep --db "$DB" --config "$CONF" --out "$WORK/rep3" --fixed-now 2026-12-01T08:00:00Z
grep -qF "01.12.2026, 08:00 Uhr (UTC)" "$WORK/rep3/$RUN-report.html" || fail "the report time is not the job's clock"
cmp -s "$WORK/rep/$RUN-chart.svg" "$WORK/rep3/$RUN-chart.svg" || fail "the chart depends on the clock"

# could not run
run report_unknown 2 report --run KIEL-209901-R1 --operator prep --db "$DB" --config "$CONF" --out "$WORK/x"
stderr_has report_unknown "no payment run 'KIEL-209901-R1'"
run report_nomonth 2 report --month 2027-05 --operator prep --db "$DB" --config "$CONF" --out "$WORK/x"
stderr_has report_nomonth "no payment run for 2027-05"
run report_both 2 report --run $RUN --month 2026-12 --operator prep --db "$DB" --config "$CONF"
stderr_has report_both "either --run RUN or --month YYYY-MM"
run report_none 2 report --operator prep --db "$DB" --config "$CONF"
run report_badmonth 2 report --month 2026-13 --operator prep --db "$DB" --config "$CONF"
run report_auditor 2 report --run $RUN --operator aud --db "$DB" --config "$CONF" --out "$WORK/x"
stderr_has report_auditor "case-read"
[ ! -e "$WORK/x" ] || fail "a refused report wrote files"

# an operator of SG-NORD: only the orders of SG-NORD's cases
run report_nord 0 report --run $RUN --operator nora --db "$DB" --config "$CONF" --out "$WORK/nord"
sued=$(q "SELECT COUNT(*) FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = '$RUN' AND o.case_id IN (SELECT cv.case_id FROM case_versions cv JOIN work_groups w ON w.id = cv.work_group_id WHERE w.code = 'SG-SUED')")
[ "$sued" -gt 0 ] || fail "test data: no order of SG-SUED"
grep -qF "$sued Anordnungen dieses Zahllaufs gehören zu Fällen anderer Arbeitsgruppen" "$WORK/nord/$RUN-report.html" \
    || fail "SG-NORD's report does not say that $sued orders are left out"
for ref in $(q "SELECT DISTINCT c.file_ref FROM cases c JOIN case_versions cv ON cv.case_id = c.id JOIN work_groups w ON w.id = cv.work_group_id WHERE w.code = 'SG-SUED'"); do
    if grep -qF ">$ref<" "$WORK/nord/$RUN-report.html"; then fail "SG-NORD's report names $ref of SG-SUED"; fi
done
finish
