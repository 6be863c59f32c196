#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The § 118 SGB XII Datenabgleich end to end on SQLite (docs/exchange.md): the demo data gives a
# request file for 2026Q3 (golden, byte for byte), the same quarter again is refused, a resend
# is recorded; a synthetic answer file built here from the request (hits for two Erkennungszeichen,
# one "no data" answer) imports into a hit list and deletes the person without findings; the same
# file again changes nothing; a file for another office changes nothing and exits 2. Then the
# § 151 pension query (provisional layout) is written, and a synthetic answer built from it (one
# running pension, one "no data") becomes one income proposal that a caseworker accepts, without
# any change to the recorded incomes; the same answer file again changes nothing.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/exchange.db"
export SOZBATCH_DB="$DB"
OUT="$WORK/out"
CONF="$ROOT/samples/sozbatch.conf"

run migrate 0 db migrate
SOZBATCH_PASSWORD=admin-cli-pw run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name "Landeshauptstadt Kiel"
SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-cli-pw SOZBATCH_NEW_PASSWORD=paula-cli-pw run add_paula 0 \
    operators add paula --role caseworker-edit caseworker-read --work-group SG-NORD SG-SUED
SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-cli-pw SOZBATCH_NEW_PASSWORD=nora-cli-pw run add_nora 0 \
    operators add nora --role caseworker-read --work-group SG-NORD
export SOZBATCH_OPERATOR=paula SOZBATCH_PASSWORD=paula-cli-pw
run import 0 import samples/demo-cases.xml

# --- export ---
run export_noconf 2 match118 export --quarter 2026Q3 --config /dev/null --out-dir "$OUT"
stderr_has export_noconf "office-id is not configured"
run export_badq 2 match118 export --quarter 2026Q5 --config "$CONF" --out-dir "$OUT"
stderr_has export_badq "is not YYYYQn"
run export 0 match118 export --quarter 2026Q3 --config "$CONF" --out-dir "$OUT"
cp "$WORK/export.out" "$WORK/exchange_export.out"
golden exchange_export
REQ="$OUT/exchange/SOZHIANF-2026Q3-000001.txt"
[ -f "$REQ" ] && [ -f "$REQ.manifest" ] || fail "request file or manifest missing"
cp "$REQ" "$WORK/exchange_request.out"
golden exchange_request
grep -q "BVG" "$REQ" && fail "request names BVG"
sent=$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM exchange_persons")
[ "$sent" -eq "$(($(wc -l <"$REQ") - 2))" ] || fail "registry has $sent persons, file $(wc -l <"$REQ") lines"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM exchange_persons p JOIN cases c ON c.id = p.case_id
      WHERE p.law = 'BVG-KOF'")" -eq 0 ] || fail "BVG-KOF person in the registry"

run export_again 2 match118 export --quarter 2026Q3 --config "$CONF" --out-dir "$OUT"
stderr_has export_again "--resend --reason"
[ -f "$OUT/exchange/SOZHIANF-2026Q3-000002.txt" ] && fail "refused export wrote a file"
run resend 0 match118 export --quarter 2026Q3 --resend --reason "DSRV: Datei unlesbar" --config "$CONF" --out-dir "$OUT"
stdout_has resend "resend: DSRV: Datei unlesbar (earlier file(s): 000001)"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT resend_reason FROM exchange_runs WHERE file_number = 2")" = "DSRV: Datei unlesbar" ] \
    || fail "resend reason not recorded"

# --- a synthetic answer file from the first request: records 1 and 2 with hits, record 3 without data ---
ANS="$WORK/SOZHIANT-2026Q3.txt"
make_answer() { # make_answer RECEIVER-IN-VOSZ > file
    LC_ALL=C awk -v rcv="$1" '
    function pad(s, n) { return sprintf("%-" n "s", s) }
    NR == 1 { next }
    $0 ~ /^NCSZ/ { next }
    n < 3 {
        n++
        rec = "DSSZ" substr($0, 5, 5) substr($0, 18, 8) substr($0, 10, 8) "30112026"
        id = substr($0, 36, 283) "0107202630092026" substr($0, 335, 52)
        if (n == 1) blk = "01" "11" "0107202630092026" "12345678" pad("Werft Attrappe GmbH", 28) pad("", 28) pad("Hafenstr. 1", 28) "24103" pad("Kiel", 32)
        if (n == 2) blk = "01" "01" "01" "0" "26" "26120356B506" "1" "1" "0107202630092026" "0098765"
        if (n == 3) { out[n] = rec "30" id; next }
        out[n] = rec "00" id blk
    }
    END {
        printf "VOSZDSTSZ%s%s30112026000001%s02\n", pad("99900001", 15), pad(rcv, 15), pad("Datenstelle (TEST)", 50)
        for (i = 1; i <= n; i++) print out[i]
        printf "NCSZDSTSZ%s%s30112026000001%08d02\n", pad("99900001", 15), pad(rcv, 15), n
    }' "$REQ"
}
make_answer 01002000 >"$ANS"
make_answer 01003000 >"$WORK/SOZHIANT-other.txt"

run import_other 2 match118 import "$WORK/SOZHIANT-other.txt" --config "$CONF"
stderr_has import_other "01003000"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM match118_hits")" -eq 0 ] || fail "file for another office stored hits"

run import_answer 0 match118 import "$ANS" --config "$CONF"
stdout_has import_answer "hits: 2 for 2 person(s)"
stdout_has import_answer "persons without findings: 1"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM exchange_persons WHERE run_id = 1")" -eq $((sent - 1)) ] \
    || fail "the person without findings was not deleted"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT persons_deleted FROM exchange_deletions")" = 1 ] || fail "deletion not logged"

run hits 0 match118 hits
cp "$WORK/hits.out" "$WORK/exchange_hits.out"
golden exchange_hits
stdout_has hits "employment (DSRV, block 11)"
stdout_has hits "pension (DPAG, block 01)"
stdout_has hits "987,65 €"

run import_same 0 match118 import "$ANS" --config "$CONF"
stdout_has import_same "nothing changed"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM match118_hits")" -eq 2 ] || fail "same file twice changed the hits"

hit=$(sqlite3 "$WORK/exchange.db" "SELECT MIN(id) FROM match118_hits")
run review 0 match118 review "$hit" --state overpayment-claim --note "Beschäftigung nicht angegeben"
run hits_open 0 match118 hits --state open
stdout_has hits_open "hits (open) of work groups SG-NORD SG-SUED: 1"
run review_bad 2 match118 review "$hit" --state done

# nora sees only SG-NORD
hits_nord=$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM match118_hits WHERE work_group = 'SG-NORD'")
SOZBATCH_OPERATOR=nora SOZBATCH_PASSWORD=nora-cli-pw run hits_nora 0 match118 hits
stdout_has hits_nora "of work groups SG-NORD: $hits_nord"

# --- § 151 pension query (provisional layout) ---
run pension_export 0 pension151 export --key-date 2026-07-01 --config "$CONF" --out-dir "$OUT"
cp "$WORK/pension_export.out" "$WORK/exchange_pension_export.out"
golden exchange_pension_export
ls "$OUT"/exchange/RTANF-2026-07-01-000001.txt >/dev/null 2>&1 || fail "pension query file missing"
run pension_again 2 pension151 export --key-date 2026-07-01 --config "$CONF" --out-dir "$OUT"
run proposals 0 pension151 proposals
stdout_has proposals "income proposals: 0"

# --- a synthetic § 151 answer: record 1 with a running pension, record 2 "no data" (FEKZ 3) ---
QRY="$OUT/exchange/RTANF-2026-07-01-000001.txt"
PANS="$WORK/RTANT-2026-07-01.txt"
LC_ALL=C awk '
    function pad(s, n) { return sprintf("%-" n "s", s) }
    NR == 1 { hdr = $0; next }
    $0 ~ /^NCSZ/ { next }
    n < 2 {
        n++
        rec = "POSZRTAUS" substr($0, 18, 8) substr($0, 10, 8) "30112026"
        if (n == 1) out[n] = rec "00" substr($0, 36, 208) "01" "01" "01" "12" substr($0, 36, 12) "  " "01072026" "00000000" "0098765" "01"
        if (n == 2) out[n] = rec "30" substr($0, 36, 208)
    }
    END {
        printf "VOSZPOTSZ%s%s30112026000001%s01\n", substr(hdr, 25, 15), substr(hdr, 10, 15), pad("Rentenversicherung (TEST)", 50)
        for (i = 1; i <= n; i++) print out[i]
        printf "NCSZPOTSZ%s%s30112026000001%08d01\n", substr(hdr, 25, 15), substr(hdr, 10, 15), n
    }' "$QRY" >"$PANS"
[ "$(wc -l <"$PANS")" = 4 ] || fail "test data: the pension answer has $(wc -l <"$PANS") lines"
incomes_before=$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM incomes")
run pension_import 0 pension151 import "$PANS" --config "$CONF"
stdout_has pension_import "2 record(s), income proposals: 1"
stdout_has pension_import "proposals change nothing until a caseworker accepts them"
run pension_import_same 0 pension151 import "$PANS" --config "$CONF"
stdout_has pension_import_same "nothing changed"
run proposals_after 0 pension151 proposals
stdout_has proposals_after "income proposals: 1"
stdout_has proposals_after "987,65 € monthly"
stdout_has proposals_after "from 2026-07-01"
pid=$(sqlite3 "$WORK/exchange.db" "SELECT MIN(id) FROM pension151_proposals")
run decide 0 pension151 decide "$pid" --state accepted --note "Rentenbescheid liegt vor"
stdout_has decide "approved data is never changed here"
run decide_again 2 pension151 decide "$pid" --state rejected
stderr_has decide_again "was already accepted"
[ "$(sqlite3 "$WORK/exchange.db" "SELECT COUNT(*) FROM incomes")" = "$incomes_before" ] \
    || fail "accepting a pension proposal changed the approved incomes"
run proposals_accepted 0 pension151 proposals --state accepted
stdout_has proposals_accepted "decided by"

finish
