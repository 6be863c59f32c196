#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The foundation commands end to end on SQLite: migrate, status, import, cases list/show, and
# the exit-code contract for bad input.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/cli.db"

run version 0 --version
stdout_has version "sozbatch "
run help 0 --help
stdout_has help "db migrate"
run import_help 0 import --help
stdout_has import_help "case-import XML"
run no_command 2
run unknown_command 2 frobnicate
stderr_has unknown_command "unknown command 'frobnicate'"

run status_missing 2 cases list --db "$DB"
stderr_has status_missing "does not exist"
run migrate 0 db migrate --db "$DB"
stdout_has migrate "schema is now at version"
run migrate_again 0 db migrate --db "$DB"
stdout_has migrate_again "up to date"
run status 0 db status --db "$DB"
stdout_has status "state: current"

# operators: the first administrator, then a caseworker who sees both work groups
SOZBATCH_PASSWORD=admin-cli-pw run bootstrap 0 operators bootstrap --login admin --tenant kiel \
    --tenant-name "Landeshauptstadt Kiel" --db "$DB"
SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-cli-pw SOZBATCH_NEW_PASSWORD=anna-cli-pw run add_anna 0 \
    operators add anna --role caseworker-edit caseworker-read --work-group SG-NORD SG-SUED --db "$DB"
export SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-cli-pw

# several files: every one is checked before any is written, so a bad last file writes nothing
run import_last_bad 2 import samples/minimal-case.xml samples/bad/iban-check-digit.xml --db "$DB"
stderr_has import_last_bad "samples/bad/iban-check-digit.xml:"
[ "$(sqlite3 "$WORK/cli.db" "SELECT COUNT(*) FROM import_files")" = 0 ] || fail "a rejected import of two files wrote one"
run import 0 import samples/demo-cases.xml --db "$DB"
stdout_has import "cases:   40 new"
run import_again 0 import samples/demo-cases.xml --db "$DB"
stdout_has import_again "nothing changed"
run list 0 cases list --db "$DB"
golden list
run list_asylum 0 cases list --law AsylbLG-3 --db "$DB"
golden list_asylum
run show 0 cases show 50.1-0010 --db "$DB"
golden show
run show_unknown 2 cases show 99.9-9999 --db "$DB"
stderr_has show_unknown "no case with Aktenzeichen"

# two good files in one run, read twice each (checked, then stored one at a time): in order
sed 's/gross="325.00"/gross="340.00"/' "$ROOT/samples/minimal-case.xml" >"$WORK/minimal-changed.xml"
run import_two 0 import samples/minimal-case.xml "$WORK/minimal-changed.xml" --db "$DB"
stdout_has import_two "file samples/minimal-case.xml"
stdout_has import_two "file $WORK/minimal-changed.xml"
[ "$(grep -c 'cases:   0 new, 1 changed' "$WORK/import_two.out")" = 2 ] || fail "import_two: expected two changed versions"
[ "$(sqlite3 "$WORK/cli.db" "SELECT MAX(v.version) FROM case_versions v JOIN cases c ON c.id = v.case_id WHERE c.file_ref = '50.1-0001'")" = 3 ] ||
    fail "import_two: 50.1-0001 should be at version 3"
[ "$(sqlite3 "$WORK/cli.db" "SELECT i.gross_cents FROM incomes i JOIN case_versions v ON v.id = i.case_version_id JOIN cases c ON c.id = v.case_id WHERE c.file_ref = '50.1-0001' AND v.version = 3")" = 34000 ] ||
    fail "import_two: the second file's income is not the newest"
run import_two_again 0 import samples/minimal-case.xml "$WORK/minimal-changed.xml" --db "$DB"
[ "$(grep -c 'already imported before' "$WORK/import_two_again.out")" = 2 ] || fail "import_two_again: both files should be known"
# bad input: named file, line, record and field; exit 2; nothing written
before=$(sqlite3 "$WORK/cli.db" "SELECT COUNT(*) FROM case_versions")
for f in iban-check-digit vsnr-check-digit overlapping-approvals member-without-person amount-three-decimals unknown-law xsd-violation; do
    run "bad_$f" 2 import "samples/bad/$f.xml" --db "$DB"
    stderr_has "bad_$f" "samples/bad/$f.xml:"
    stderr_has "bad_$f" "field '"
done
stderr_has bad_iban-check-digit "field 'iban'"
stderr_has bad_vsnr-check-digit "field 'vsnr'"
after=$(sqlite3 "$WORK/cli.db" "SELECT COUNT(*) FROM case_versions")
[ "$before" = "$after" ] || fail "a rejected import wrote case versions ($before -> $after)"

# configuration: malformed file, precedence flag > environment > config file
printf 'db = sqlite3://db=%s/from-config.db\n[x\n' "$WORK" >"$WORK/bad.conf"
run bad_config 2 cases list --config "$WORK/bad.conf"
stderr_has bad_config "bad.conf"
printf 'db = sqlite3://db=%s/from-config.db\n' "$WORK" >"$WORK/good.conf"
run config_db 2 cases list --config "$WORK/good.conf"
stderr_has config_db "from-config.db"
SOZBATCH_DB="sqlite3://db=$WORK/from-env.db" run env_db 2 cases list --config "$WORK/good.conf"
stderr_has env_db "from-env.db"
SOZBATCH_DB="sqlite3://db=$WORK/from-env.db" run flag_db 0 cases list --config "$WORK/good.conf" --db "$DB"
run unreachable 2 cases list --db "postgresql://host=127.0.0.1 port=1 dbname=none connect_timeout=2"
stderr_has unreachable "cannot connect"

finish
