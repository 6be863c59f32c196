#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The calculation end to end on SQLite: calc for the demo month (golden totals per law), a rerun
# changes nothing, explain prints the Berechnungsbogen, the trial calculation works without a
# database, a month without parameters exits 2 before anything is written.
. "$(dirname "$0")/lib.sh" "$@"
DB="sqlite3://db=$WORK/calc.db"
export SOZBATCH_DB="$DB"

run migrate 0 db migrate
SOZBATCH_PASSWORD=admin-cli-pw run bootstrap 0 operators bootstrap --login admin --tenant kiel --tenant-name "Landeshauptstadt Kiel"
SOZBATCH_OPERATOR=admin SOZBATCH_PASSWORD=admin-cli-pw SOZBATCH_NEW_PASSWORD=paula-cli-pw run add_paula 0 \
    operators add paula --role caseworker-edit caseworker-read payment-preparer --work-group SG-NORD SG-SUED
export SOZBATCH_OPERATOR=paula SOZBATCH_PASSWORD=paula-cli-pw
run import 0 import samples/demo-cases.xml

run calc 0 calc --month 2026-12
golden calc
run calc_again 0 calc --month 2026-12
stdout_has calc_again "new results 0, changed 0, unchanged 38"
run explain 0 explain 50.1-0001 --month 2026-12
golden explain
stdout_has explain "§ 30 Abs. 1 Nr. 1 SGB XII"
stdout_has explain "703,71 €"
run explain_unknown 2 explain 50.1-0001 --month 2026-01
stderr_has explain_unknown "no calculation result"

# trial calculation: same engine, no database
run trial 0 calc --input samples/demo-cases.xml --month 2026-12 --format json --db "sqlite3://db=$WORK/none.db"
golden trial
run trial_text 0 calc --input samples/minimal-case.xml --month 2026-12 --format text --db "sqlite3://db=$WORK/none.db"
golden trial_text
[ -e "$WORK/none.db" ] && fail "the trial calculation created a database"

# no parameters in force: exit 2, nothing written
runs_before=$(sqlite3 "$WORK/calc.db" "SELECT COUNT(*) FROM calc_runs")
run no_params 2 calc --month 2040-01
stderr_has no_params "no parameter in force for 2040-01"
runs_after=$(sqlite3 "$WORK/calc.db" "SELECT COUNT(*) FROM calc_runs")
[ "$runs_before" = "$runs_after" ] || fail "calc without parameters wrote a run"

run params_show 0 params show --date 2026-12-01
stdout_has params_show "sgb12.rbs.1"
stdout_has params_show "563.00"
run params_check 0 params check
stdout_has params_check "unverified values"

finish
