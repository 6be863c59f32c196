#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Überzahlung -> claim -> Aufrechnung (pay_claims.sh) on PostgreSQL with operators on their own
# login roles, so row-level security and the write-log triggers of overpayment_claims and
# claim_offsets are in force: the claim is established once, an operator of another work group does
# not see it (the database hides it), the offset rule of the case data reduces it.
. "$(dirname "$0")/lib.sh" "$@"
require_pg
dbname="sozbatch_cl_$$"
psql_db() { psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$admin_user" -d "$1" -c "$2"; }
psql_db postgres "CREATE DATABASE $dbname" >/dev/null
psql_db postgres "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cl_prep') THEN CREATE ROLE cl_prep LOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cl_boss') THEN CREATE ROLE cl_boss LOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cl_sued') THEN CREATE ROLE cl_sued LOGIN; END IF; END\$\$" >/dev/null
trap 'psql -X -q -h "$host" -p "$port" -U "$admin_user" -d postgres -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
url() { echo "postgresql://host=$host port=$port user=$1 dbname=$dbname"; }
q() { psql_db "$dbname" "$1"; }
euros() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
P=(--operator cl_prep --db "$(url cl_prep)")

run migrate 0 db migrate --db "$(url "$admin_user")"
run bootstrap 0 operators bootstrap --login owner --tenant kiel --tenant-name Kiel --operator owner --db "$(url "$admin_user")"
run add_prep 0 operators add cl_prep --db-role cl_prep --role caseworker-edit caseworker-read payment-preparer \
    --work-group SG-NORD SG-SUED --operator owner --db "$(url "$admin_user")"
run add_boss 0 operators add cl_boss --db-role cl_boss --role payment-releaser caseworker-read \
    --work-group SG-NORD SG-SUED --operator owner --db "$(url "$admin_user")"
run add_sued 0 operators add cl_sued --db-role cl_sued --role caseworker-read --work-group SG-SUED \
    --operator owner --db "$(url "$admin_user")"
run import 0 import samples/demo-cases.xml "${P[@]}"
run calc_sep 0 calc --month 2026-09 "${P[@]}"
run prepare_sep 0 pay prepare --month 2026-09 "${P[@]}" --config "$CONF"
run release_sep 0 pay release KIEL-202609-R1 --operator cl_boss --db "$(url cl_boss)" --config "$CONF"
run export_sep 0 pay export KIEL-202609-R1 "${P[@]}" --config "$CONF" --out-dir "$OUT"

export SOZBATCH_FIXED_NOW=2026-11-25T09:00:00Z
sed -e 's/kind="widow-pension" gross="325.00"/kind="widow-pension" gross="425.00"/' "$ROOT/samples/demo-cases.xml" >"$WORK/v2.xml"
run import_v2 0 import "$WORK/v2.xml" "${P[@]}"
run recalc_sep 0 calc --month 2026-09 "${P[@]}"
run calc_oct 0 calc --month 2026-10 "${P[@]}"
run prepare_oct 0 pay prepare --month 2026-10 "${P[@]}" --config "$CONF"
stdout_has prepare_oct "KIEL-202610-R1-E01  50.1-0001  2026-09"
run prepare_oct_force 0 pay prepare --month 2026-10 --force --reason "test rerun" "${P[@]}" --config "$CONF"
[ "$(q "SELECT COUNT(*) FROM overpayment_claims")" = 1 ] || fail "not exactly one claim"
AMOUNT=$(q "SELECT amount_cents FROM overpayment_claims")
[ "$(q "SELECT claim_ref || '|' || open_cents || '|' || state || '|' || created_at FROM overpayment_claims")" = \
    "KIEL-202610-R1-E01|$AMOUNT|open|2026-11-25T09:00:00Z" ] || fail "claim as stored: $(q "SELECT * FROM overpayment_claims")"
[ "$(q "SELECT COUNT(*) || '/' || MIN(operator) || '/' || MIN(db_role) FROM audit_log WHERE table_name = 'overpayment_claims'")" = "1/cl_prep/cl_prep" ] \
    || fail "write log of the claim: $(q "SELECT operation, operator, db_role FROM audit_log WHERE table_name = 'overpayment_claims'")"
run list_prep 0 claims list "${P[@]}"
stdout_has list_prep "KIEL-202610-R1-E01    50.1-0001     2026-09"
stdout_has list_prep "1 claim(s)"
run list_sued 0 claims list --operator cl_sued --db "$(url cl_sued)"
stdout_has list_sued "0 claim(s)"
# the database itself hides the claim from the other work group
[ "$(psql -X -q -t -A -h "$host" -p "$port" -U cl_sued -d "$dbname" -c "SELECT COUNT(*) FROM overpayment_claims")" = 0 ] \
    || fail "cl_sued sees the claim of another work group in the database"

MONTHLY=$(((AMOUNT * 2 + 2) / 3))
export SOZBATCH_FIXED_NOW=2026-11-28T09:00:00Z
sed -e "s#<assignment payee=\"Z-0004\" purpose=\"benefit\" from=\"2016-07-01\"/>#&<claim id=\"KIEL-202610-R1-E01\" kind=\"overpayment\" amount=\"$(euros $AMOUNT)\" established-on=\"2026-11-28\"/><offset claim=\"KIEL-202610-R1-E01\" monthly=\"$(euros $MONTHLY)\" from=\"2026-11-01\" legal-basis=\"§ 26 Abs. 2 SGB XII\"/>#" \
    "$WORK/v2.xml" >"$WORK/v3.xml"
run import_v3 0 import "$WORK/v3.xml" "${P[@]}"
run calc_nov 0 calc --month 2026-11 "${P[@]}"
run prepare_nov 0 pay prepare --month 2026-11 "${P[@]}" --config "$CONF"
stdout_has prepare_nov "KIEL-202610-R1-E01  50.1-0001  2026-11  -$(euros $MONTHLY | tr . ,) €"
[ "$(q "SELECT state || '|' || open_cents FROM overpayment_claims")" = "offsetting|$((AMOUNT - MONTHLY))" ] \
    || fail "after November: $(q "SELECT state, open_cents FROM overpayment_claims")"
run calc_dec 0 calc --month 2026-12 "${P[@]}"
run prepare_dec 0 pay prepare --month 2026-12 "${P[@]}" --config "$CONF"
[ "$(q "SELECT state || '|' || open_cents FROM overpayment_claims")" = "settled|0" ] \
    || fail "after December: $(q "SELECT state, open_cents FROM overpayment_claims")"
[ "$(q "SELECT SUM(amount_cents) FROM claim_offsets")" = "$AMOUNT" ] || fail "deductions do not add up to the claim"
finish
