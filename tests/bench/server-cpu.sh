# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the benchmark scripts (run-scale-bench.sh, run-floor-bench.sh); not run on its own.
#
# server_cpu: the CPU seconds (user + sys) the PostgreSQL server's processes have used so far, or
# 0 without PG_PID (the postmaster's pid): the postmaster's own time and that of its finished
# children (each connection's backend ends with the command), plus the time of the children still
# alive or not yet reaped (background workers, a backend that is just ending).
server_cpu() {
    if [ -z "${PG_PID:-}" ]; then echo 0; return; fi
    local files=("/proc/$PG_PID/stat")
    for c in $(pgrep -P "$PG_PID"); do files+=("/proc/$c/stat"); done
    # a backend that ends between pgrep and cat makes cat fail: not an error (set -o pipefail)
    { cat "${files[@]}" 2>/dev/null || true; } | awk -v hz="$(getconf CLK_TCK)" '
        { sub(/^[0-9]+ \([^)]*\) /, ""); t += $12 + $13; if (NR == 1) t += $14 + $15 }
        END { printf "%.2f", t / hz }'
}
