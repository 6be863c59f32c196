#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Payments end to end on SQLite: import -> calc -> pay prepare -> release (second operator, four
# eyes) -> export; every pain.001 validated against the ISO and the DK schema; exactly once with
# fault injection (kill at each point, rerun: same files, every order exported once, no MsgId or
# EndToEndId twice); held orders (exit 1); an empty month creates no run (exit 2); bank import of a
# pain.002 reject and a camt.054 return made from the exported file (idempotent, MD07 stop), of a
# foreign and a malformed file (exit 2, nothing changed) and of the shared examples (unmatched).
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/pay.db"
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
export SOZBATCH_NEW_PASSWORD=pay-test-password-1 SOZBATCH_PASSWORD=pay-test-password-1
M=2026-12

run migrate 0 db migrate --db "$DB"
run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name Kiel --db "$DB"
run add_clerk 0 operators add clerk --role caseworker-edit --work-group SG-NORD SG-SUED --operator admin --db "$DB"
# the demo cases with two bad payees: a landlord without an account (rent needs a SEPA transfer) and
# a name that cannot be written in the DK character set; their orders are held, the rest is paid
sed -e 's/name="Hausverwaltung Probst &amp; Söhne GmbH" iban="DE84210602377109497501" bic="GENODEF1EDG"/name="Hausverwaltung Probst \&amp; Söhne GmbH"/' \
    -e 's/name="Hans-Jürgen Beispiel"/name="Hans-Jürgen 張 Beispiel"/' "$ROOT/samples/demo-cases.xml" >"$WORK/cases.xml"
[ "$(diff "$ROOT/samples/demo-cases.xml" "$WORK/cases.xml" | grep -c '^>')" = 2 ] || fail "test data: the two bad payees were not made"
run import 0 import "$WORK/cases.xml" --operator clerk --db "$DB"
run add_prep 0 operators add prep --role payment-preparer payment-releaser caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_boss 0 operators add boss --role payment-releaser caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run calc 0 calc --month $M --operator prep --db "$DB"

q() { sqlite3 "$WORK/pay.db" "$1"; }
# could not run: no debtor account configured, or a month without results (no run is created)
run prepare_noconf 2 pay prepare --month $M --operator prep --db "$DB" --config /dev/null
stderr_has prepare_noconf "debtor-iban"
run prepare_empty 2 pay prepare --month 2027-03 --operator prep --db "$DB" --config "$CONF"
stderr_has prepare_empty "no calculation results for 2027-03"
[ "$(q "SELECT COUNT(*) FROM payment_runs")" = 0 ] || fail "a refused prepare created a payment run"

# a prepare killed before its commit leaves nothing: no run, no order, no claim; the next prepare
# makes run R1 as if nothing had happened
rc=0
(cd "$ROOT" && SOZBATCH_FAULT=prepare-before-commit "$SOZBATCH" pay prepare --month $M --operator prep --db "$DB" \
    --config "$CONF") >"$WORK/prepare_killed.out" 2>&1 || rc=$?
[ $rc -eq 86 ] || fail "prepare-before-commit: exit $rc, expected the injected crash (86)"
[ "$(q "SELECT COUNT(*) FROM payment_runs")/$(q "SELECT COUNT(*) FROM payment_orders")" = 0/0 ] \
    || fail "a prepare killed before its commit left a run or orders behind"

# prepare: held orders make exit 1, the rest of the run proceeds
run prepare 1 pay prepare --month $M --operator prep --db "$DB" --config "$CONF"
stdout_has prepare "payment run KIEL-202612-R1 for 2026-12 prepared by prep (execution date 2026-11-30)"
stdout_has prepare "orders: 41, to pay: 39 (25.305,51 €), held: 2"
stdout_has prepare "channel sepa"
stdout_has prepare "payee Z-0002 has no account; a SEPA transfer is required for Miete"
stdout_has prepare "cannot be represented in the SEPA character set"
stderr_has prepare "50.1-0014"
RUN=KIEL-202612-R1
[ "$(q "SELECT COUNT(*) FROM payment_orders WHERE state='held'")" = 2 ] || fail "expected 2 held orders"
run prepare_again 2 pay prepare --month $M --operator prep --db "$DB" --config "$CONF"
stderr_has prepare_again "not exported"
[ "$(q "SELECT COUNT(*) FROM payment_orders WHERE state='prepared'")" -gt 30 ] || fail "too few prepared orders"
[ "$(q "SELECT COUNT(*) FROM payment_orders WHERE channel='cash'")" -ge 1 ] || fail "no cash order for the payee without account"
[ "$(q "SELECT COUNT(*) FROM payment_orders WHERE channel='card'")" -ge 1 ] || fail "no Bezahlkarte order"

# four eyes
run release_self 2 pay release $RUN --operator prep --db "$DB" --config "$CONF"
stderr_has release_self "four eyes"
[ "$(q "SELECT state || '/' || COALESCE(released_by, '-') FROM payment_runs WHERE run_ref='$RUN'")" = "prepared/-" ] \
    || fail "the preparer's own release changed the run"
run export_unreleased 2 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
stderr_has export_unreleased "released"
# the release is bound to the content: an order changed after preparation voids it (on a copy;
# changed past sozbatch, as someone with write access to the database file could: the write-log
# trigger needs sozbatch's SQL functions, so it is dropped first)
tamper() {
    sqlite3 "$WORK/tampered.db" "DROP TRIGGER audit_payment_orders_upd; $1" || fail "could not change $WORK/tampered.db"
}
cp "$WORK/pay.db" "$WORK/tampered.db"
tamper "UPDATE payment_orders SET amount_cents = amount_cents + 1 WHERE order_no = 1"
run release_tampered 2 pay release $RUN --operator boss --db "sqlite3://db=$WORK/tampered.db" --config "$CONF"
stderr_has release_tampered "its orders changed after preparation"
[ "$(sqlite3 "$WORK/tampered.db" "SELECT state FROM payment_runs WHERE run_ref='$RUN'")" = prepared ] \
    || fail "a tampered run was released"
run release 0 pay release $RUN --operator boss --db "$DB" --config "$CONF"
stdout_has release "released by boss"
# and an order changed after the release voids it: nothing is exported, no file written
cp "$WORK/pay.db" "$WORK/tampered.db"
tamper "UPDATE payment_orders SET iban = 'DE02120300000000202051' WHERE order_no = 1"
run export_tampered 2 pay export $RUN --operator prep --db "sqlite3://db=$WORK/tampered.db" --config "$CONF" \
    --out-dir "$WORK/tout"
stderr_has export_tampered "orders changed after the release"
[ -z "$(ls -A "$WORK/tout/payments" 2>/dev/null)" ] || fail "export of a tampered run left files: $(ls -A "$WORK/tout/payments")"
[ "$(sqlite3 "$WORK/tampered.db" "SELECT state FROM payment_runs WHERE run_ref='$RUN'")" = released ] \
    || fail "a tampered run was exported"

# exactly once: kill at every fault point on a copy of the database, then rerun
cp "$WORK/pay.db" "$WORK/released.db"
for point in before-files after-first-file after-files-before-commit after-commit; do
    cp "$WORK/released.db" "$WORK/f.db"
    rm -rf "$WORK/fout"
    (cd "$ROOT" && SOZBATCH_FAULT=$point "$SOZBATCH" pay export $RUN --operator prep --db "sqlite3://db=$WORK/f.db" \
        --config "$CONF" --out-dir "$WORK/fout") >/dev/null 2>&1
    rc=$?
    [ $rc -eq 86 ] || fail "fault $point: exit $rc, expected the injected crash (86)"
    # the rerun finishes the export (exit 1: the run has held orders)
    run "rerun_$point" 1 pay export $RUN --operator prep --db "sqlite3://db=$WORK/f.db" --config "$CONF" --out-dir "$WORK/fout"
    stderr_has "rerun_$point" "payment held"
    # every payable EndToEndId in exactly one published file, the held ones in none
    for e in $(sqlite3 "$WORK/f.db" "SELECT end_to_end_id FROM payment_orders ORDER BY order_no"); do
        c=$(cat "$WORK/fout/payments/"*.xml "$WORK/fout/payments/"*-CASH.csv | grep -o "$e[^0-9]" | wc -l)
        h=$(sqlite3 "$WORK/f.db" "SELECT COUNT(*) FROM payment_orders WHERE end_to_end_id='$e' AND state='held'")
        [ "$c" = $((1 - h)) ] || fail "fault $point: $e appears $c times in the files (held: $h)"
    done
    m=$(cat "$WORK/fout/payments/"*.xml | grep -o '<MsgId>[^<]*</MsgId>' | sort | uniq -d)
    [ -z "$m" ] || fail "fault $point: MsgId twice: $m"
    ls "$WORK/fout/payments/" | grep -q staging && fail "fault $point: staging directory left behind"
    n=$(sqlite3 "$WORK/f.db" "SELECT COUNT(*) FROM payment_order_states WHERE state='exported' AND payment_file_id IS NOT NULL")
    p=$(sqlite3 "$WORK/f.db" "SELECT COUNT(*) FROM payment_orders WHERE state<>'held'")
    [ "$n" = "$p" ] || fail "fault $point: $n of $p orders exported"
    f=$(sqlite3 "$WORK/f.db" "SELECT COUNT(*) FROM payment_files")
    d=$(sqlite3 "$WORK/f.db" "SELECT COUNT(DISTINCT msg_id) FROM payment_files")
    [ "$f" = "$d" ] || fail "fault $point: duplicate MsgIds"
    ls "$WORK/fout/payments/"*.xml >/dev/null 2>&1 || fail "fault $point: no files after the rerun"
    sums_f=$(cd "$WORK/fout/payments" && sha256sum *.xml *.csv | grep -v protocol)
    echo "$sums_f" >"$WORK/sums_$point"
done

run export 1 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has export "$RUN-F01.xml  sepa  MsgId $RUN-F01  37 tx  24.726,51 €"
stdout_has export "$RUN-CASH.csv  cash  MsgId $RUN-CASH  2 tx  579,00 €"
stdout_has export "held orders"
ls "$OUT/payments/$RUN-protocol.txt" "$OUT/payments/$RUN-protocol.csv" "$OUT/payments/$RUN-F01.xml.manifest" >/dev/null || fail "protocol or manifest missing"
grep -q "released by:      boss" "$OUT/payments/$RUN-protocol.txt" || fail "protocol lacks the releaser"
sums=$(cd "$OUT/payments" && sha256sum *.xml *.csv | grep -v protocol)
for point in before-files after-first-file after-files-before-commit after-commit; do
    [ "$sums" = "$(cat "$WORK/sums_$point")" ] || fail "fault $point: files differ from an undisturbed export"
done
grep -q "held orders:" "$OUT/payments/$RUN-protocol.txt" || fail "protocol lacks the held orders"
grep -q "^$RUN;2026-12;2026-11-30;prep;boss;SGB12-4;3120.533200;cash;paid;1;397.00$" "$OUT/payments/$RUN-protocol.csv" \
    || fail "protocol CSV lacks the SGB XII cash line"
run export_again 1 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has export_again "byte-identical"
[ "$sums" = "$(cd "$OUT/payments" && sha256sum *.xml *.csv | grep -v protocol)" ] || fail "export again changed files"
# a lost file is rewritten identically; a changed configuration would change the files: refused
rm "$OUT/payments/$RUN-F01.xml"
run export_lost 1 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has export_lost "1 missing or damaged file(s) rewritten identically"
[ "$sums" = "$(cd "$OUT/payments" && sha256sum *.xml *.csv | grep -v protocol)" ] || fail "rewritten file differs"
sed 's/^purpose = GOVT/purpose = BENE/' "$CONF" >"$WORK/changed.conf"
run export_changed 2 pay export $RUN --operator prep --db "$DB" --config "$WORK/changed.conf" --out-dir "$OUT"
stderr_has export_changed "refusing, no new MsgIds"
[ "$sums" = "$(cd "$OUT/payments" && sha256sum *.xml *.csv | grep -v protocol)" ] || fail "a refused export changed files"
[ "$(q "SELECT COUNT(*) FROM payment_files")" = 2 ] || fail "expected 2 recorded files"

# schemas
ISO="$ROOT/../shared/schemas/iso20022/pain.001.001.09.xsd"
DK="$ROOT/../shared/schemas/iso20022/dk/pain.001.001.09_GBIC_4.xsd"
if [ -f "$ISO" ] && [ -f "$DK" ]; then
    for x in "$OUT"/payments/*.xml; do
        xmllint --noout --schema "$ISO" "$x" 2>"$WORK/iso.err" || fail "$x fails the ISO schema: $(head -5 "$WORK/iso.err")"
        xmllint --noout --schema "$DK" "$x" 2>"$WORK/dk.err" || fail "$x fails the DK GBIC_4 schema: $(head -5 "$WORK/dk.err")"
    done
else
    echo "SKIP schema validation: ../shared/schemas/iso20022 not present"
fi

# bank feedback 1: a pain.002 from the bank rejecting the second transfer of the exported file (AC04)
F01="$OUT/payments/$RUN-F01.xml"
x() { xmllint --xpath "string((//*[local-name()='CdtTrfTxInf'])[2]/$1)" "$F01"; }
RJ_E2E=$(x "*[local-name()='PmtId']/*[local-name()='EndToEndId']")
RJ_AMT=$(x "*[local-name()='Amt']/*[local-name()='InstdAmt']")
RJ_MSG=$(xmllint --xpath "string(//*[local-name()='GrpHdr']/*[local-name()='MsgId'])" "$F01")
[ -n "$RJ_E2E" ] && [ "$RJ_MSG" = "$RUN-F01" ] || fail "cannot read the exported file ($RJ_E2E, $RJ_MSG)"
cat >"$WORK/p002.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>P002-TEST-1</MsgId><CreDtTm>2026-11-30T10:00:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>$RJ_MSG</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>$RJ_MSG-P1</OrgnlPmtInfId>
      <TxInfAndSts>
        <OrgnlEndToEndId>$RJ_E2E</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>
        <OrgnlTxRef><Amt><InstdAmt Ccy="EUR">$RJ_AMT</InstdAmt></Amt></OrgnlTxRef>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
XML
P002_XSD="$ROOT/../shared/schemas/iso20022/pain.002.001.10.xsd"
if [ -f "$P002_XSD" ]; then
    xmllint --noout --schema "$P002_XSD" "$WORK/p002.xml" 2>"$WORK/p002.err" || fail "test pain.002 invalid: $(head -3 "$WORK/p002.err")"
fi
states_before=$(q "SELECT group_concat(end_to_end_id || state, ',') FROM payment_orders WHERE end_to_end_id <> '$RJ_E2E'")
run bank_p002 0 bank import "$WORK/p002.xml" --operator prep --db "$DB"
stdout_has bank_p002 "matched 1, unmatched 0"
stdout_has bank_p002 "rejected  $RJ_E2E"
[ "$(q "SELECT state || ' ' || bank_reason FROM payment_orders WHERE end_to_end_id='$RJ_E2E'")" = "rejected AC04" ] \
    || fail "order $RJ_E2E not rejected"
[ "$states_before" = "$(q "SELECT group_concat(end_to_end_id || state, ',') FROM payment_orders WHERE end_to_end_id <> '$RJ_E2E'")" ] \
    || fail "the reject changed other orders"
snap() { q "SELECT (SELECT COUNT(*) FROM bank_messages) || '/' || (SELECT COUNT(*) FROM bank_events) || '/' || (SELECT group_concat(state || bank_reason, ',') FROM payment_orders)"; }
before=$(snap)
run bank_p002_again 0 bank import "$WORK/p002.xml" --operator prep --db "$DB"
stdout_has bank_p002_again "nothing changed"
[ "$before" = "$(snap)" ] || fail "importing the same pain.002 again changed the database"

# bank feedback 2: a camt.054 return (MD07) for the first SEPA order of the run
E2E=$(q "SELECT o.end_to_end_id FROM payment_orders o JOIN payment_order_states s ON s.payment_order_id = o.id WHERE o.channel='sepa' AND s.state='exported' ORDER BY o.order_no LIMIT 1")
AMT=$(q "SELECT printf('%d.%02d', amount_cents/100, amount_cents%100) FROM payment_orders WHERE end_to_end_id='$E2E'")
cat >"$WORK/camt.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>CAMT054-TEST-1</MsgId><CreDtTm>2026-12-02T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>N1</Id>
      <Acct><Id><IBAN>DE28210501700001000017</IBAN></Id></Acct>
      <Ntry>
        <NtryRef>R-1</NtryRef><Amt Ccy="EUR">$AMT</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-12-02</Dt></BookgDt>
        <NtryDtls><TxDtls>
          <Refs><MsgId>$RUN-F01</MsgId><EndToEndId>$E2E</EndToEndId></Refs>
          <Amt Ccy="EUR">$AMT</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RtrInf><Rsn><Cd>MD07</Cd></Rsn></RtrInf>
        </TxDtls>
        <TxDtls>
          <Refs><EndToEndId>NOT-OURS-1</EndToEndId></Refs>
          <Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
XML
run bank_import 0 bank import "$WORK/camt.xml" --operator prep --db "$DB"
stdout_has bank_import "matched 1, unmatched 1"
stdout_has bank_import "payment stop MD07"
[ "$(q "SELECT state FROM payment_orders WHERE end_to_end_id='$E2E'")" = returned ] || fail "order not returned"
before=$(q "SELECT COUNT(*) FROM bank_events")
run bank_import_again 0 bank import "$WORK/camt.xml" --operator prep --db "$DB"
stdout_has bank_import_again "nothing changed"
[ "$before" = "$(q "SELECT COUNT(*) FROM bank_events")" ] || fail "second import changed bank_events"
run bank_returns 0 bank returns --operator prep --db "$DB"
stdout_has bank_returns "MD07"
stdout_has bank_returns "payment stops pending review: 1"
printf '<Document xmlns="urn:other"><x/></Document>\n' >"$WORK/foreign.xml"
before=$(snap)
run bank_foreign 2 bank import "$WORK/foreign.xml" --operator prep --db "$DB"
stderr_has bank_foreign "pain.002.001.10 or camt.054.001.08"
head -c 400 "$WORK/p002.xml" | sed 's/P002-TEST-1/P002-TEST-2/' >"$WORK/broken.xml"
run bank_malformed 2 bank import "$WORK/broken.xml" --operator prep --db "$DB"
stderr_has bank_malformed "broken.xml"
[ "$before" = "$(snap)" ] || fail "a foreign or malformed bank file changed the database"
EX="$ROOT/../shared/examples/sepa"
if [ -d "$EX" ]; then
    run ex_camt 0 bank import "$EX/camt054/genkgo-camt__camt054.v8.xml" --operator prep --db "$DB"
    stdout_has ex_camt "imported"
    run ex_pain 0 bank import "$EX/pain002/hbci4java__test-pain-parse-0020110-03.xml" --operator prep --db "$DB"
    stdout_has ex_pain "matched 0"
else
    echo "SKIP shared bank examples: ../shared/examples/sepa not present"
fi
finish
