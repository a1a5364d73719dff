#!/bin/bash
# bench/start_cpu.sh BINARY DIR: one start of senim-server BINARY on the
# data directory DIR (--snapshot-interval 0), timed to its "listening on"
# line: wall time, CPU time (utime + stime from /proc), peak RSS (VmHWM),
# the load average; then kill -9, as bench_restart does
# (docs/performance.md, "A million ballots"). Paired runs: alternate two
# binaries on the same DIR.
set -euo pipefail
BIN=$1
DIR=$2
OUT=$(mktemp)
T0=$(date +%s.%N)
"$BIN" --data "$DIR" --listen 127.0.0.1:0 --snapshot-interval 0 >"$OUT" 2>"$OUT.err" &
P=$!
while ! grep -q "listening on" "$OUT"; do
  kill -0 "$P" 2>/dev/null || { cat "$OUT.err"; exit 1; }
  sleep 0.05
done
T1=$(date +%s.%N)
read -r -a st </proc/$P/stat
TCK=$(getconf CLK_TCK)
HWM=$(awk '/VmHWM/ {print $2}' /proc/$P/status)
kill -9 "$P"
wait "$P" 2>/dev/null || true
echo "wall $(echo "$T1 - $T0" | bc) s, cpu $(echo "(${st[13]} + ${st[14]}) / $TCK" | bc -l | cut -c1-5) s, peak ${HWM} kB, load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$OUT" "$OUT.err"
