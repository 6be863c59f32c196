#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# sozbatch notices end to end on SQLite: import -> calc -> notices -> print batches; checks the
# real PDF (pdftotext, qpdf), a held letter, the rerun without duplicates, --force, and preview.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/notices.db"
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
export SOZBATCH_NEW_PASSWORD=notices-test-pw SOZBATCH_PASSWORD=notices-test-pw

# A name the font cannot show: that letter is held, the batch goes on.
sed 's/family-name="Ohnekonto" first-names="Walter"/family-name="王" first-names="伟"/' \
    "$ROOT/samples/demo-cases.xml" >"$WORK/demo.xml"
grep -q 'family-name="王"' "$WORK/demo.xml" || fail "test data: the held name was not put in"

run migrate 0 db migrate --db "$DB"
run boot 0 operators bootstrap --login chef --tenant kiel --db "$DB"
run add_clerk 0 operators add clerk --role caseworker-edit caseworker-read payment-preparer --work-group SG-NORD SG-SUED --operator chef --db "$DB"
run import 0 import "$WORK/demo.xml" --operator clerk --db "$DB"
run calc 0 calc --month 2026-12 --operator clerk --db "$DB"
cp "$WORK/notices.db" "$WORK/one-thread.db" # the same month, rendered by one thread below

run notices 1 notices --month 2026-12 --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT" --batch-size 25 --render-threads 3
stdout_has notices "notices 2026-12:"
stdout_has notices "bewilligung:"
stdout_has notices "FAILED 50.2-0004: "
stdout_has notices " held: "
stdout_has notices "cannot"
dir="$OUT/notices/2026-12"
pdfs=$(ls "$dir"/*.pdf 2>/dev/null | wc -l)
[ "$pdfs" -ge 2 ] || fail "expected at least 2 batch PDFs with --batch-size 25, found $pdfs"
first_pdf=$(ls "$dir"/*.pdf | head -1)
pdftotext -layout "$first_pdf" "$WORK/batch.txt" || fail "pdftotext failed on $first_pdf"
grep -q "Aktenzeichen" "$WORK/batch.txt" || fail "batch PDF: no Aktenzeichen label"
grep -qE "50\.[0-9]-00[0-9][0-9]" "$WORK/batch.txt" || fail "batch PDF: no Aktenzeichen of a demo case"
grep -qE "[0-9]+,[0-9]{2} €" "$WORK/batch.txt" || fail "batch PDF: no amount in euros"
grep -qE "§.[0-9]+[a-z]? .*SGB XII|AsylbLG|BVG" "$WORK/batch.txt" || fail "batch PDF: no norm"
grep -q "Widerspruch" "$WORK/batch.txt" || fail "batch PDF: no Rechtsbehelfsbelehrung (Widerspruch)"
grep -q "Landeshauptstadt Kiel" "$WORK/batch.txt" || fail "batch PDF: no letterhead from the configuration"
grep -q "王" "$WORK/batch.txt" && fail "the held letter is in the batch"
total_docs=0
for pdf in "$dir"/*.pdf; do
    idx="${pdf%.pdf}.index.xml"
    [ -f "$idx" ] || { fail "no index for $pdf"; continue; }
    [ -f "$pdf.manifest" ] || fail "no manifest beside $pdf"
    pages=$(qpdf --show-npages "$pdf")
    want=$(grep -o 'pdf-pages="[0-9]*"' "$idx" | head -1 | grep -o '[0-9]*')
    [ "$pages" = "$want" ] || fail "$(basename "$pdf"): qpdf says $pages pages, the index '$want'"
    n=$(grep -c "<piece " "$idx")
    total_docs=$((total_docs + n))
done
produced=$(sqlite3 "$WORK/notices.db" "SELECT COUNT(*) FROM notices WHERE state = 'produced'")
[ "$produced" = "$total_docs" ] || fail "recorded $produced produced letters, the indexes list $total_docs"
held=$(sqlite3 "$WORK/notices.db" "SELECT COUNT(*) FROM notices WHERE state = 'held'")
[ "$held" -ge 1 ] || fail "the held letter was not recorded"

# one render thread: the same batches, byte for byte, and the same rows (the render threads
# publish whole batches in order, whatever their number)
run one_thread 1 notices --month 2026-12 --operator clerk --db "sqlite3://db=$WORK/one-thread.db" --config "$CONF" --out-dir "$WORK/one" --batch-size 25 --render-threads 1
diff -r "$dir" "$WORK/one/notices/2026-12" >"$WORK/threads.diff" || fail "one render thread wrote other batches than three: $(head -3 "$WORK/threads.diff")"
rows="SELECT id, case_id, kind, event_ref, state, document_id, batch_id, pages, content_sha256, reason FROM notices ORDER BY id"
[ "$(sqlite3 "$WORK/notices.db" "$rows")" = "$(sqlite3 "$WORK/one-thread.db" "$rows")" ] || fail "one render thread recorded other letters than three"
[ "$(ls "$WORK/one/notices/2026-12" | wc -l)" -ge 6 ] || fail "one render thread: fewer batches than expected"

# presort: postcodes ascending through the batches
grep -ho ' postcode="[0-9]*"' $(ls "$dir"/*.index.xml) | grep -o '[0-9]*' >"$WORK/postcodes.txt"
[ -s "$WORK/postcodes.txt" ] || fail "no postcodes in the indexes"
sort -c "$WORK/postcodes.txt" 2>/dev/null || fail "documents are not sorted by postcode"

# rerun: no new batch, no letter twice
before=$(ls "$dir" | wc -l)
run rerun 1 notices --month 2026-12 --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has rerun "notices 2026-12: 0 documents in 0 batches"
after=$(ls "$dir" | wc -l)
[ "$before" = "$after" ] || fail "rerun wrote files ($before -> $after)"
again=$(sqlite3 "$WORK/notices.db" "SELECT COUNT(*) FROM notices WHERE state = 'produced'")
[ "$again" = "$produced" ] || fail "rerun recorded letters again ($produced -> $again)"

# --force needs a reason; with one the month is produced again and that is recorded
run force_no_reason 2 notices --month 2026-12 --force --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT"
stderr_has force_no_reason "--reason"
run force 1 notices --month 2026-12 --force --reason "Druckerei: Papierstau" --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has force "superseded (forced: Druckerei: Papierstau)"
reason=$(sqlite3 "$WORK/notices.db" "SELECT force_reason FROM notice_runs WHERE forced = 1")
[ "$reason" = "Druckerei: Papierstau" ] || fail "the forced run's reason is not recorded: '$reason'"

# the presort spilled to disk (a 1 KiB budget: a run file every few letters) and letters planned
# and rendered 7 at a time give the same letters in the same order as the forced run above
sed 's/^presort-memory = .*$/presort-memory = 1/' "$CONF" >"$WORK/spill.conf"
grep -q '^presort-memory = 1$' "$WORK/spill.conf" || fail "test data: presort-memory = 1 was not set"
run spill 1 notices --log-level info --month 2026-12 --force --reason "Probe: kleiner Sortierspeicher" --batch-size 7 --operator clerk --db "$DB" --config "$WORK/spill.conf" --out-dir "$WORK/spill"
# the pieces of index files in batch order, without their place in the batch
pieces() { cat "$@" | grep -o '<piece [^>]*>' | sed 's/ seq="[0-9]*"//; s/ first-page="[0-9]*"//'; }
pieces $(ls "$WORK"/spill/notices/2026-12/*.index.xml) >"$WORK/pieces-spill.txt"
pieces $(ls "$dir"/2026-12-03-*.index.xml) >"$WORK/pieces-forced.txt"
forced_docs=$(wc -l <"$WORK/pieces-forced.txt")
[ "$forced_docs" -ge 20 ] || fail "the forced run's indexes list only $forced_docs documents"
[ "$(wc -l <"$WORK/pieces-spill.txt")" = "$forced_docs" ] || fail "spilled presort: $(wc -l <"$WORK/pieces-spill.txt") documents, the forced run $forced_docs"
cmp -s "$WORK/pieces-forced.txt" "$WORK/pieces-spill.txt" || fail "spilled presort: other documents or order than the forced run: $(diff "$WORK/pieces-forced.txt" "$WORK/pieces-spill.txt" | head -4)"
stderr_has spill "presort_runs="
runs=$(grep -o 'presort_runs=[0-9]*' "$WORK/spill.err" | grep -o '[0-9]*$')
[ "${runs:-0}" -ge 2 ] || fail "spilled presort: the 1 KiB budget wrote ${runs:-no} run files"
spill_batches=$(ls "$WORK"/spill/notices/2026-12/*.pdf | wc -l)
[ "$spill_batches" -ge 3 ] || fail "spilled presort: expected several batches of 7, found $spill_batches"
recorded=$(sqlite3 "$WORK/notices.db" "SELECT COUNT(*) FROM notices n JOIN notice_runs r ON r.id = n.notice_run_id WHERE r.force_reason = 'Probe: kleiner Sortierspeicher' AND n.state = 'produced' AND n.batch_id LIKE '2026-12-04-%'")
[ "$recorded" = "$forced_docs" ] || fail "spilled presort: $recorded letters recorded with their batch, $forced_docs in the files"

# the render thread cannot write (the output directory is a file): exit 2 with the path, and no
# letter recorded as produced by that run
: >"$WORK/not-a-dir"
run unwritable 2 notices --month 2026-12 --force --reason "Probe: kein Ausgabeverzeichnis" --operator clerk --db "$DB" --config "$CONF" --out-dir "$WORK/not-a-dir"
stderr_has unwritable "not-a-dir"
bad_run=$(sqlite3 "$WORK/notices.db" "SELECT COUNT(*) FROM notices n JOIN notice_runs r ON r.id = n.notice_run_id WHERE r.force_reason = 'Probe: kein Ausgabeverzeichnis' AND n.state = 'produced'")
[ "$bad_run" = 0 ] || fail "the failed run recorded $bad_run letters as produced"

# DataMatrix inserter marks from the configuration: the first sheet of the first batch decodes
sed 's/^marks = none$/marks = datamatrix/' "$CONF" >"$WORK/dm.conf"
grep -q '^marks = datamatrix$' "$WORK/dm.conf" || fail "test data: marks = datamatrix was not set"
command -v dmtxread >/dev/null || fail "dmtxread is missing (scripts/install-deps installs dmtx-utils)"
run datamatrix 1 notices --month 2026-12 --force --reason "DataMatrix-Probe" --operator clerk --db "$DB" --config "$WORK/dm.conf" --out-dir "$WORK/dm"
dm_pdf=$(ls "$WORK"/dm/notices/2026-12/*.pdf | head -1)
pdftoppm -r 300 -gray -png -singlefile -x 0 -y 1949 -W 177 -H 177 -f 1 -l 1 "$dm_pdf" "$WORK/dm1"
code=$(dmtxread -N 1 -m 5000 "$WORK/dm1.png" 2>/dev/null)
[[ "$code" =~ ^S1\|$(basename "$dm_pdf" .pdf)\|00001\|[0-9a-f]{8}\|01/0[0-9]\|[0-9A-F]\|[EC]$ ]] ||
    fail "DataMatrix on page 1 of $(basename "$dm_pdf"): '$code'"
sed 's/^marks = none$/marks = barcode/' "$CONF" >"$WORK/badmarks.conf"
run bad_marks 2 notices --month 2026-12 --operator clerk --db "$DB" --config "$WORK/badmarks.conf" --out-dir "$WORK/bad"
stderr_has bad_marks "expected none, omr or datamatrix"

# no letterhead configured: exit 2 before anything is written
run no_letterhead 2 notices --month 2026-12 --operator clerk --db "$DB" --out-dir "$WORK/none"
stderr_has no_letterhead "letterhead.authority"

# preview: one Bescheid as PDF and PNG
run preview 0 notices preview 50.1-0001 --month 2026-12 --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has preview "pdf: "
png=$(sed -n 's/^  png: //p' "$WORK/preview.out")
pdf=$(sed -n 's/^  pdf: //p' "$WORK/preview.out")
[ -s "$png" ] && [ "$(head -c 4 "$png" | tail -c 3)" = "PNG" ] || fail "preview: no PNG at '$png'"
pdftotext "$pdf" - | grep -q "50.1-0001" || fail "preview: the PDF lacks the Aktenzeichen"
run preview_kind 0 notices preview 50.1-0001 --month 2026-12 --kind zahlungsmitteilung --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT"
stdout_has preview_kind "zahlungsmitteilung"
run preview_unknown 2 notices preview 99.9-9999 --month 2026-12 --operator clerk --db "$DB" --config "$CONF" --out-dir "$OUT"
finish
