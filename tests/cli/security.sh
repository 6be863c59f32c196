#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Security end to end on SQLite: bootstrap, operators with roles and work groups, refusals
# (wrong password, unknown operator, missing role, another group's case) with exit 2 and a
# protocol entry, the protocol for administrators only, audit verify before and after tampering.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/sec.db"
export SOZBATCH_DB="$DB"
unset SOZBATCH_PASSWORD SOZBATCH_NEW_PASSWORD SOZBATCH_OPERATOR SOZBATCH_PASSWORD_FILE

run migrate 0 db migrate
stdout_has migrate "write log and access protection installed on"
run status 0 db status
run no_operator 2 cases list --operator admin
stderr_has no_operator "operators bootstrap"

SOZBATCH_PASSWORD=admin-secret-1 run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name "Landeshauptstadt Kiel"
stdout_has bootstrap "created administrator admin for tenant kiel"
SOZBATCH_PASSWORD=admin-secret-1 run bootstrap_again 2 operators bootstrap --login eve --tenant kiel
stderr_has bootstrap_again "has operators already"

export SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-secret-1
# the administrator sees no case data without a caseworker role
run admin_import 2 import samples/demo-cases.xml
stderr_has admin_import "needs permission case-edit"
SOZBATCH_NEW_PASSWORD=importer-secret run add_importer 0 operators add importer --role caseworker-edit --work-group SG-NORD SG-SUED
SOZBATCH_NEW_PASSWORD=anna-secret-1 run add_anna 0 operators add anna --role caseworker-read --work-group SG-NORD
SOZBATCH_NEW_PASSWORD=short run add_short 2 operators add bert --role caseworker-read
stderr_has add_short "at least 8 characters"
run grant_bad 2 operators grant anna superuser
stderr_has grant_bad "unknown role 'superuser'"
run list_ops 0 operators list
stdout_has list_ops "anna	active	caseworker-read	SG-NORD"

SOZBATCH_OPERATOR=importer SOZBATCH_PASSWORD=importer-secret run import 0 import samples/demo-cases.xml
stdout_has import "cases:   40 new"
# anna imports nothing (read only) and sees only SG-NORD
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-1 run anna_import 2 import samples/demo-cases.xml
stderr_has anna_import "needs permission case-edit"
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-1 run anna_list 0 cases list
grep -q "SG-SUED" "$WORK/anna_list.out" && fail "anna_list: anna sees SG-SUED cases"
stdout_has anna_list "SG-NORD"
nord=$(grep -c "SG-NORD" "$WORK/anna_list.out")
SOZBATCH_OPERATOR=importer SOZBATCH_PASSWORD=importer-secret run importer_list 0 cases list
[ "$(grep -c "SG-NORD" "$WORK/importer_list.out")" = "$nord" ] || fail "anna and importer see different SG-NORD cases"
grep -q "SG-SUED" "$WORK/importer_list.out" || fail "importer_list: no SG-SUED case"
sued_case=$(grep "SG-SUED" "$WORK/importer_list.out" | head -1 | cut -d' ' -f1)
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-1 run anna_list_sued 0 cases list --work-group SG-SUED
stdout_has anna_list_sued "0 case(s)"
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-1 run anna_show_sued 2 cases show "$sued_case"
stderr_has anna_show_sued "not one of operator anna's work groups"
[ -s "$WORK/anna_show_sued.out" ] && fail "anna_show_sued: partial output on refusal"

# refusals: wrong password, unknown operator, no password at all; then the lock after 5 failures
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=wrong run wrong_pw 2 cases list
stderr_has wrong_pw "authentication failed for operator 'anna'"
[ -s "$WORK/wrong_pw.out" ] && fail "wrong_pw: output despite refusal"
SOZBATCH_OPERATOR=nobody SOZBATCH_PASSWORD=x run unknown_op 2 cases list
stderr_has unknown_op "authentication failed for operator 'nobody'"
SOZBATCH_PASSWORD= SOZBATCH_OPERATOR=anna run no_pw 2 cases list
stderr_has no_pw "no password"
printf 'anna-secret-1\n' >"$WORK/pw"; chmod 644 "$WORK/pw"
SOZBATCH_PASSWORD= SOZBATCH_OPERATOR=anna run pw_file_open 2 cases list --password-file "$WORK/pw"
stderr_has pw_file_open "readable by others"
chmod 600 "$WORK/pw"
SOZBATCH_PASSWORD= SOZBATCH_OPERATOR=anna run pw_file 0 cases list --password-file "$WORK/pw"

# the protocol: administrators only; it names the refusals, never a password
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-1 run anna_protocol 2 protocol
stderr_has anna_protocol "needs permission protocol-read"
run protocol 0 protocol
stdout_has protocol "login-failed	anna"
stdout_has protocol "login-failed	nobody"
stdout_has protocol "access-denied	anna"
stdout_has protocol "not one of operator anna's work groups"
stdout_has protocol "job-end	importer"
grep -q "anna-secret\|admin-secret\|importer-secret" "$WORK/protocol.out" && fail "protocol shows a password"
run protocol_since 0 protocol --since 2030-01-01
stdout_has protocol_since "0 entries"

# lock after repeated failures; the administrator's passwd unlocks
for i in 1 2 3 4 5; do SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=wrong run "fail_$i" 2 cases list; done
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-1 run locked 2 cases list
stderr_has locked "locked"
SOZBATCH_NEW_PASSWORD=anna-secret-2 run passwd 0 operators passwd anna
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-2 run unlocked 0 cases list
run disable 0 operators disable anna
SOZBATCH_OPERATOR=anna SOZBATCH_PASSWORD=anna-secret-2 run disabled 2 cases list
stderr_has disabled "disabled"

# the write log: intact, then altered by someone with the database file, found by audit verify
run verify 0 audit verify
stdout_has verify "write log intact"
sqlite3 "$WORK/sec.db" "UPDATE audit_log SET operator = 'x' WHERE id = 5" 2>/dev/null && fail "audit_log update was not refused"
sqlite3 "$WORK/sec.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET operator = 'x' WHERE id = 5;"
run verify_broken 1 audit verify
stdout_has verify_broken "BROKEN at entry 5"

finish
