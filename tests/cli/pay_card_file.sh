#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The AsylbLG Bezahlkarte as a provider file (card.mode = file, docs/payments.md "Channels"): the
# card loads of the demo month go into <RUN>-CARD.csv (compared with a golden file) with a manifest
# whose SHA-256 and counts are the file's, into no pain.001 file, and exactly once: a crash after the
# files are published and a second export reproduce the same bytes and record nothing twice.
# Also a payee name with two blanks in a row ("Anna  Maria", docs/formats/pain001.md): normalised
# deterministically and logged; the order is paid and the file passes the ISO and the DK schema.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/card.db"
OUT="$WORK/out"
export SOZBATCH_NEW_PASSWORD=card-test-password-1 SOZBATCH_PASSWORD=card-test-password-1
M=2026-12
RUN=KIEL-202612-R1
sed -e 's/^mode = transfer$/mode = file/' "$ROOT/samples/sozbatch.conf" >"$WORK/card.conf"
grep -qx "mode = file" "$WORK/card.conf" || fail "test configuration: card.mode = file not set"
CONF="$WORK/card.conf"
sed -e 's/name="Erika Musterfrau"/name="Anna  Maria Musterfrau"/' "$ROOT/samples/demo-cases.xml" >"$WORK/cases.xml"
grep -q 'name="Anna  Maria Musterfrau"' "$WORK/cases.xml" || fail "test data: the name with two blanks was not made"

run migrate 0 db migrate --db "$DB"
run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name Kiel --db "$DB"
run add_clerk 0 operators add clerk --role caseworker-edit --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run import 0 import "$WORK/cases.xml" --operator clerk --db "$DB"
run add_prep 0 operators add prep --role payment-preparer caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run add_boss 0 operators add boss --role payment-releaser caseworker-read --work-group SG-NORD SG-SUED --operator admin --db "$DB"
run calc 0 calc --month $M --operator prep --db "$DB"
q() { sqlite3 "$WORK/card.db" "$1"; }

# prepare, with the log of what was normalised (info level goes to stderr)
(cd "$ROOT" && "$SOZBATCH" pay prepare --month $M --operator prep --db "$DB" --config "$CONF" --log-level info) \
    >"$WORK/prepare.out" 2>"$WORK/prepare.err"
rc=$?
[ $rc -eq 0 ] || fail "prepare: exit $rc, expected 0: $(head -c 600 "$WORK/prepare.err")"
stdout_has prepare "payment run $RUN for 2026-12 prepared by prep"
stdout_has prepare "channel card"
grep -q "event=transliterated.*Z-0004 name: blanks normalised" "$WORK/prepare.err" \
    || fail "prepare: the normalised blanks of Z-0004 are not logged: $(grep -m3 transliterated "$WORK/prepare.err")"
[ "$(q "SELECT creditor_name FROM payment_orders WHERE payee_ext_id = 'Z-0004'")" = "Anna Maria Musterfrau" ] \
    || fail "the name with two blanks was not normalised: $(q "SELECT creditor_name FROM payment_orders WHERE payee_ext_id = 'Z-0004'")"
[ "$(q "SELECT COUNT(*) FROM payment_orders WHERE state = 'held'")" = 0 ] || fail "an order was held"
CARD_N=$(q "SELECT COUNT(*) FROM payment_orders WHERE channel = 'card'")
[ "$CARD_N" -ge 3 ] || fail "expected the Bezahlkarte loads of the demo, got $CARD_N"
[ "$(q "SELECT COUNT(*) FROM payment_orders WHERE channel = 'card' AND (iban <> '' OR debtor_iban <> '')")" = 0 ] \
    || fail "a card order of the provider file carries an account"
run release 0 pay release $RUN --operator boss --db "$DB" --config "$CONF"

# a crash after the files are published, before the database commit; the rerun finishes
cp "$WORK/card.db" "$WORK/released.db"
(cd "$ROOT" && SOZBATCH_FAULT=after-files-before-commit "$SOZBATCH" pay export $RUN --operator prep --db "$DB" \
    --config "$CONF" --out-dir "$OUT") >/dev/null 2>&1
rc=$?
[ $rc -eq 86 ] || fail "fault after-files-before-commit: exit $rc, expected the injected crash (86)"
[ -f "$OUT/payments/$RUN-CARD.csv" ] || fail "the crashed export did not publish the card file"
crashed=$(sha256sum <"$OUT/payments/$RUN-CARD.csv")
[ "$(q "SELECT COUNT(*) FROM payment_files")" = 0 ] || fail "the crashed export recorded files"
run export 0 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has export "$RUN-F01.xml  sepa  MsgId $RUN-F01"
stdout_has export "$RUN-CARD.csv  card  MsgId $RUN-CARD  $CARD_N tx"
CARD="$OUT/payments/$RUN-CARD.csv"
[ "$crashed" = "$(sha256sum <"$CARD")" ] || fail "the rerun wrote a different card file than the crashed export"

# the file's content (golden), its manifest
cp "$CARD" "$WORK/pay_card_file_CARD.out"
golden pay_card_file_CARD
[ "$(($(wc -l <"$CARD") - 1))" = "$CARD_N" ] || fail "card file: $(($(wc -l <"$CARD") - 1)) lines, expected $CARD_N"
MAN="$CARD.manifest"
[ -f "$MAN" ] || fail "card file without manifest"
sha=$(sha256sum "$CARD" | cut -d' ' -f1)
grep -q "$sha" "$MAN" || fail "manifest lacks the file's SHA-256 $sha: $(cat "$MAN")"
grep -q "$RUN-CARD" "$MAN" || fail "manifest does not name the list $RUN-CARD"
sum=$(q "SELECT printf('%d.%02d', SUM(amount_cents)/100, SUM(amount_cents)%100) FROM payment_orders WHERE channel = 'card'")
grep -q "$sum" "$MAN" || fail "manifest lacks the sum $sum: $(cat "$MAN")"
[ "$(q "SELECT sha256 FROM payment_files WHERE channel = 'card'")" = "$sha" ] || fail "recorded SHA-256 differs from the file"
[ "$(q "SELECT tx_count FROM payment_files WHERE channel = 'card'")" = "$CARD_N" ] || fail "recorded count differs"

# every card order exactly once in the card file and in no pain.001; every order exported once
for e in $(q "SELECT end_to_end_id FROM payment_orders WHERE channel = 'card'"); do
    [ "$(grep -c "^[0-9]*;$e;" "$CARD")" = 1 ] || fail "$e is not exactly once in the card file"
    [ "$(cat "$OUT"/payments/*.xml | grep -c "$e<")" = 0 ] || fail "card order $e is in a pain.001 file"
done
grep -q "BK-KI-" "$OUT"/payments/*.xml && fail "a card reference is in a pain.001 file"
[ "$(q "SELECT COUNT(*) FROM payment_order_states WHERE state = 'exported' AND payment_file_id IS NOT NULL")" = "$(q "SELECT COUNT(*) FROM payment_orders")" ] \
    || fail "not every order exported"
[ "$(q "SELECT COUNT(*) FROM payment_orders o JOIN payment_order_states s ON s.payment_order_id = o.id JOIN payment_files f ON f.id = s.payment_file_id WHERE o.channel = 'card' AND f.channel = 'card'")" = "$CARD_N" ] \
    || fail "card orders not recorded in the card file"
grep -q "Anna Maria Musterfrau" "$OUT/payments/$RUN-F01.xml" || fail "the normalised name is not in the pain.001"

# exactly once: exporting again reproduces the bytes, records nothing new
before=$(q "SELECT COUNT(*) || '/' || group_concat(sha256) FROM payment_files")
run export_again 0 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has export_again "byte-identical"
[ "$sha" = "$(sha256sum "$CARD" | cut -d' ' -f1)" ] || fail "export again changed the card file"
[ "$before" = "$(q "SELECT COUNT(*) || '/' || group_concat(sha256) FROM payment_files")" ] || fail "export again recorded files"
rm "$CARD"
run export_lost 0 pay export $RUN --operator prep --db "$DB" --config "$CONF" --out-dir "$OUT"
[ "$sha" = "$(sha256sum "$CARD" | cut -d' ' -f1)" ] || fail "the lost card file was not rewritten identically"
# the orders as released decide, not the configuration of the day: with card.mode = transfer
# configured now, the run still has its card file (before: "IBAN '' is invalid" and no export)
run export_transfer 0 pay export $RUN --operator prep --db "$DB" --config "$ROOT/samples/sozbatch.conf" --out-dir "$OUT"
stdout_has export_transfer "byte-identical"
[ "$sha" = "$(sha256sum "$CARD" | cut -d' ' -f1)" ] || fail "the transfer configuration changed the card file"

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
finish
