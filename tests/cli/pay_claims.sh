#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An Überzahlung becomes a claim (docs/payments.md, "Überzahlungen and claims"): September is paid,
# then the widow's pension of 50.1-0001 turns out higher; the recalculation's Überzahlung becomes
# exactly one claim with the October run (a forced prepare creates no second one), listed by
# `claims list` within the operator's work groups. Once the case data names the claim in an offset
# rule, November's run deducts it (its own words in the order's remittance), December's run takes only
# what is still open, pays back what the calculation deducted beyond it, and the claim is settled.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/claims.db"
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
export SOZBATCH_NEW_PASSWORD=claims-test-password-1 SOZBATCH_PASSWORD=claims-test-password-1
q() { sqlite3 "$WORK/claims.db" "$1"; }
euros() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

run migrate 0 db migrate --db "$DB"
run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name Kiel --db "$DB"
run add_clerk 0 operators add clerk --role caseworker-edit --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run import 0 import "$ROOT/samples/demo-cases.xml" --operator clerk --db "$DB"
run add_prep 0 operators add prep --role payment-preparer caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_boss 0 operators add boss --role payment-releaser caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_sued 0 operators add sued --role caseworker-read --work-group SG-SUED --operator admin --db "$DB"

# September is paid
run calc_sep 0 calc --month 2026-09 --operator prep --db "$DB"
run prepare_sep 0 pay prepare --month 2026-09 --operator prep --db "$DB" --config "$CONF"
run release_sep 0 pay release KIEL-202609-R1 --operator boss --db "$DB" --config "$CONF"
run export_sep 0 pay export KIEL-202609-R1 --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
[ "$(q "SELECT COUNT(*) FROM overpayment_claims")" = 0 ] || fail "a claim without an Überzahlung"

# the pension was 100 € higher: recalculating September gives an Überzahlung
export SOZBATCH_FIXED_NOW=2026-11-25T09:00:00Z
sed -e 's/kind="widow-pension" gross="325.00"/kind="widow-pension" gross="425.00"/' "$ROOT/samples/demo-cases.xml" >"$WORK/v2.xml"
run import_v2 0 import "$WORK/v2.xml" --operator clerk --db "$DB"
run recalc_sep 0 calc --month 2026-09 --operator prep --db "$DB"
DELTA=$(q "SELECT payout_delta_cents FROM calc_differences WHERE kind = 'ueberzahlung'")
[ -n "$DELTA" ] && [ "$DELTA" -lt 0 ] || fail "the recalculation gave no Überzahlung ($DELTA)"
AMOUNT=$((-DELTA))

# October's run establishes the claim, once
run calc_oct 0 calc --month 2026-10 --operator prep --db "$DB"
run prepare_oct 0 pay prepare --month 2026-10 --operator prep --db "$DB" --config "$CONF"
stdout_has prepare_oct "Überzahlungen, established as claims (§ 50 SGB X, not paid):"
stdout_has prepare_oct "KIEL-202610-R1-E01  50.1-0001  2026-09"
stdout_has prepare_oct "open claims without an offset rule in the case data (listed for the caseworkers):"
[ "$(q "SELECT claim_ref || '|' || amount_cents || '|' || open_cents || '|' || state || '|' || legal_basis || '|' || debtor_ext_id || '|' || created_at FROM overpayment_claims")" = \
    "KIEL-202610-R1-E01|$AMOUNT|$AMOUNT|open|§ 50 SGB X|P-0001|2026-11-25T09:00:00Z" ] \
    || fail "claim as stored: $(q "SELECT * FROM overpayment_claims")"
run prepare_oct_force 0 pay prepare --month 2026-10 --force --reason "test rerun" --operator prep --db "$DB" --config "$CONF"
grep -q "established as claims" "$WORK/prepare_oct_force.out" && fail "the forced prepare established the claim again"
stdout_has prepare_oct_force "KIEL-202610-R1-E01  50.1-0001  2026-09  open"
[ "$(q "SELECT COUNT(*) FROM overpayment_claims")" = 1 ] || fail "a second claim for the same difference"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE table_name = 'overpayment_claims'")" = 1 ] || fail "claim not in the write log once"

# claims list: the operator's work groups, filters
run pay_claims_list 0 claims list --operator prep --db "$DB"
golden pay_claims_list
run list_open 0 claims list --state open --operator prep --db "$DB"
stdout_has list_open "1 claim(s)"
run list_settled 0 claims list --state settled --operator prep --db "$DB"
stdout_has list_settled "0 claim(s), open 0,00 €"
run list_case 0 claims list --case 50.1-0002 --operator prep --db "$DB"
stdout_has list_case "0 claim(s)"
run list_sued 0 claims list --operator sued --db "$DB"
stdout_has list_sued "0 claim(s)"
run list_bad 2 claims list --state paid --operator prep --db "$DB"
stderr_has list_bad "open, offsetting, settled or waived"

# the Anhörung (§ 24 SGB X): until the notices of October are produced the claim has none; then
# claims list names the hearing letter written for the claim's Überzahlung
stdout_has pay_claims_list "  -"
rc=0
(cd "$ROOT" && "$SOZBATCH" notices --month 2026-10 --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT") \
    >"$WORK/notices_oct.out" 2>"$WORK/notices_oct.err" || rc=$?
[ $rc -le 1 ] || fail "notices for 2026-10: exit $rc: $(head -c 600 "$WORK/notices_oct.err")"
HEARING=$(q "SELECT n.document_id FROM notices n JOIN overpayment_claims c ON c.difference_id = n.difference_id WHERE n.kind = 'anhoerung' AND n.state = 'produced'")
[ -n "$HEARING" ] || fail "no Anhörung produced for the claim's Überzahlung: $(cat "$WORK/notices_oct.out")"
run list_hearing 0 claims list --operator prep --db "$DB"
stdout_has list_hearing "KIEL-202610-R1-E01"
stdout_has list_hearing "$HEARING"

# the case data names the claim in an offset rule: two thirds of it a month from November
MONTHLY=$(((AMOUNT * 2 + 2) / 3))
REST=$((AMOUNT - MONTHLY))
export SOZBATCH_FIXED_NOW=2026-11-28T09:00:00Z
sed -e "s#<assignment payee=\"Z-0004\" purpose=\"benefit\" from=\"2016-07-01\"/>#&<claim id=\"KIEL-202610-R1-E01\" kind=\"overpayment\" amount=\"$(euros $AMOUNT)\" established-on=\"2026-11-28\" legal-basis=\"§ 50 SGB X\"/><offset claim=\"KIEL-202610-R1-E01\" monthly=\"$(euros $MONTHLY)\" from=\"2026-09-01\" legal-basis=\"§ 26 Abs. 2 SGB XII\"/>#" \
    "$WORK/v2.xml" >"$WORK/v3.xml"
grep -q 'offset claim="KIEL-202610-R1-E01"' "$WORK/v3.xml" || fail "test data: the offset rule was not added"
run import_v3 0 import "$WORK/v3.xml" --operator clerk --db "$DB"

# November deducts the monthly amount
run calc_nov 0 calc --month 2026-11 --operator prep --db "$DB"
PAYOUT_NOV=$(q "SELECT r.payout_cents FROM calc_results r JOIN cases c ON c.id = r.case_id WHERE c.file_ref = '50.1-0001' AND r.month = '2026-11' ORDER BY r.version DESC LIMIT 1")
run prepare_nov 0 pay prepare --month 2026-11 --operator prep --db "$DB" --config "$CONF"
stdout_has prepare_nov "Aufrechnungen (deducted from this run's orders):"
stdout_has prepare_nov "KIEL-202610-R1-E01  50.1-0001  2026-11  -$(euros $MONTHLY | tr . ,) €  open $(euros $REST | tr . ,) €"
[ "$(q "SELECT state || '|' || open_cents FROM overpayment_claims")" = "offsetting|$REST" ] || fail "after November: $(q "SELECT state, open_cents FROM overpayment_claims")"
o=$(q "SELECT amount_cents || '|' || remittance FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = 'KIEL-202611-R1' AND o.file_ref = '50.1-0001'")
[ "$o" = "$PAYOUT_NOV|Leistung 11/2026 SGB XII Kap. 4 Grundsicherung Az 50.1-0001 abzgl. Aufrechnung $(euros $MONTHLY | tr . ,) EUR KIEL-202610-R1-E01" ] \
    || fail "November's order: $o (payout $PAYOUT_NOV)"

# the run protocol the cash office signs lists the Aufrechnung
run release_nov 0 pay release KIEL-202611-R1 --operator boss --db "$DB" --config "$CONF"
run export_nov 0 pay export KIEL-202611-R1 --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
grep -qF "Aufrechnungen (deducted from the orders above, claims reduced):" "$OUT/payments/KIEL-202611-R1-protocol.txt" \
    || fail "the protocol lacks the Aufrechnungen"
grep -qF "KIEL-202610-R1-E01  50.1-0001  2026-11  $(euros $MONTHLY | tr . ,) €  § 26 Abs. 2 SGB XII" "$OUT/payments/KIEL-202611-R1-protocol.txt" \
    || fail "the protocol lacks the deduction: $(grep -A3 Aufrechnungen "$OUT/payments/KIEL-202611-R1-protocol.txt")"
grep -qF "Aufrechnungen" "$OUT/payments/KIEL-202609-R1-protocol.txt" && fail "September's protocol lists Aufrechnungen"

# December: the calculation deducts the monthly amount again, the claim takes only the rest
run calc_dec 0 calc --month 2026-12 --operator prep --db "$DB"
PAYOUT_DEC=$(q "SELECT r.payout_cents FROM calc_results r JOIN cases c ON c.id = r.case_id WHERE c.file_ref = '50.1-0001' AND r.month = '2026-12' ORDER BY r.version DESC LIMIT 1")
run prepare_dec 0 pay prepare --month 2026-12 --operator prep --db "$DB" --config "$CONF"
stdout_has prepare_dec "KIEL-202610-R1-E01  50.1-0001  2026-12  -$(euros $REST | tr . ,) €  open 0,00 €  settled  ($(euros $((MONTHLY - REST)) | tr . ,) € deducted beyond the claim, paid out)"
[ "$(q "SELECT state || '|' || open_cents FROM overpayment_claims")" = "settled|0" ] || fail "after December: $(q "SELECT state, open_cents FROM overpayment_claims")"
o=$(q "SELECT amount_cents FROM payment_orders o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.run_ref = 'KIEL-202612-R1' AND o.file_ref = '50.1-0001'")
[ "$o" = "$((PAYOUT_DEC + MONTHLY - REST))" ] || fail "December's order pays $o, expected $PAYOUT_DEC + $((MONTHLY - REST))"
[ "$(q "SELECT SUM(amount_cents) FROM claim_offsets")" = "$AMOUNT" ] || fail "deductions do not add up to the claim"

# settled: nothing more is taken, a rerun of December takes nothing twice
run prepare_dec_force 0 pay prepare --month 2026-12 --force --reason "test rerun" --operator prep --db "$DB" --config "$CONF"
[ "$(q "SELECT state || '|' || open_cents FROM overpayment_claims")" = "settled|0" ] || fail "the forced December rerun changed the claim"
[ "$(q "SELECT COUNT(*) FROM claim_offsets o JOIN payment_runs r ON r.id = o.payment_run_id WHERE r.state NOT IN ('invalidated', 'refused')")" = 2 ] \
    || fail "counted deductions: $(q "SELECT month, amount_cents FROM claim_offsets")"
run list_end 0 claims list --operator prep --db "$DB"
stdout_has list_end "settled"
stdout_has list_end "1 claim(s), open 0,00 €"
finish
