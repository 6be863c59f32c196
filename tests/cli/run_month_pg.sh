#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `sozbatch run-month` on PostgreSQL with operators on their own login roles: the first run stops
# at the release, a second run while another session holds the tenant's advisory lock exits 2 and
# changes nothing, the release by a second operator lets the next run export and hand over, and a
# rerun repeats nothing.
. "$(dirname "$0")/lib.sh" "$@"
require_pg
dbname="sozbatch_rm_$$"
psql_db() { psql -X -q -t -A -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$admin_user" -d "$1" -c "$2"; }
psql_db postgres "CREATE DATABASE $dbname" >/dev/null
psql_db postgres "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rm_prep') THEN CREATE ROLE rm_prep LOGIN; END IF;
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rm_boss') THEN CREATE ROLE rm_boss LOGIN; END IF; END\$\$" >/dev/null
trap 'psql -X -q -h "$host" -p "$port" -U "$admin_user" -d postgres -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
url() { echo "postgresql://host=$host port=$port user=$1 dbname=$dbname"; }
q() { psql_db "$dbname" "$1"; }
CONF="$ROOT/samples/sozbatch.conf"
OUT="$WORK/out"
M=2026-12
P=(--operator rm_prep --db "$(url rm_prep)" --config "$CONF" --out-dir "$OUT")
counts() { q "SELECT (SELECT COUNT(*) FROM calc_runs) || '/' || (SELECT COUNT(*) FROM payment_runs) || '/' ||
              (SELECT COUNT(*) FROM notice_runs) || '/' || (SELECT COUNT(*) FROM month_run_steps) || '/' ||
              (SELECT COUNT(*) FROM hand_overs)"; }

run migrate 0 db migrate --db "$(url "$admin_user")"
run bootstrap 0 operators bootstrap --login owner --tenant kiel --tenant-name Kiel --operator owner --db "$(url "$admin_user")"
run add_prep 0 operators add rm_prep --db-role rm_prep --role caseworker-edit caseworker-read payment-preparer \
    --work-group SG-NORD SG-SUED --operator owner --db "$(url "$admin_user")"
run add_boss 0 operators add rm_boss --db-role rm_boss --role payment-releaser caseworker-read \
    --work-group SG-NORD SG-SUED --operator owner --db "$(url "$admin_user")"
run import 0 import samples/demo-cases.xml --operator rm_prep --db "$(url rm_prep)"

run first 0 run-month --month $M "${P[@]}"
stdout_has first "stopped at the release. Payment run KIEL-202612-R1 waits for a second operator"
[ "$(counts)" = "1/1/1/3/0" ] || fail "first run: counts $(counts)"

# another session holds the tenant's run-month advisory lock (the key run_lock_t derives)
tenant=$(q "SELECT id FROM tenants WHERE code = 'kiel'")
key=$(python3 -c "import hashlib,sys; print(int(hashlib.sha256(sys.argv[1].encode()).hexdigest()[:15], 16))" "sozbatch:run-month:$tenant")
psql -X -q -h "$host" -p "$port" -U "$admin_user" -d "$dbname" -c "SELECT pg_advisory_lock($key); SELECT pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 50); do
    [ "$(q "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1 ] && break
    sleep 0.1
done
run locked 2 run-month --month $M "${P[@]}"
stderr_has locked "holds the lock (PostgreSQL advisory lock sozbatch:run-month:$tenant)"
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ "$(counts)" = "1/1/1/3/0" ] || fail "the locked run changed something: $(counts)"

run release 0 pay release KIEL-202612-R1 --operator rm_boss --db "$(url rm_boss)" --config "$CONF"
run second 0 run-month --month $M "${P[@]}"
stdout_has second "Payment run KIEL-202612-R1 exported and handed over."
stdout_has second "== report --run KIEL-202612-R1"
[ "$(q "SELECT state FROM payment_runs")" = exported ] || fail "not exported"
for f in "$OUT"/payments/KIEL-202612-R1-F*.xml; do
    cmp -s "$f" "$OUT/handover/bank/$(basename "$f")" || fail "hand-over: $(basename "$f") differs"
done
after=$(counts)
run third 0 run-month --month $M "${P[@]}"
stdout_has third "every step is done"
[ "$(counts)" = "$after" ] || fail "the rerun repeated something: $(counts) vs $after"
finish
