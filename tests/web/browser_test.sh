#!/usr/bin/env bash
# The board's web page in a real browser (docs/api.md, "The web page"): a
# real election with the real binaries (scripts/lib/election.sh), checked
# with headless chromium through chromium-driver while voting is open and
# again once the result is published, then from a static mirror of the
# finished board (senim export-tiles, python3 -m http.server). Screenshots
# go to BUILD_DIR/web-screenshots.
# Usage: browser_test.sh BUILD_DIR
set -euo pipefail
SENIM_BUILD="$(cd "$1" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export SENIM_BUILD
# Debian's python, where python3-selenium is installed (not a python on PATH).
PY=/usr/bin/python3
WORK="$(mktemp -d /tmp/senim-web.XXXXXX)"
SHOTS="$SENIM_BUILD/web-screenshots"
mkdir -p "$SHOTS"
trap 'stop_board; { [ -z "${STATIC_PID:-}" ] || kill "$STATIC_PID" 2>/dev/null || true; }; [ -n "${SENIM_KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
# shellcheck source=../../scripts/lib/election.sh
source "$ROOT/scripts/lib/election.sh"

while_voting() {
  # The plan's voters are random; so that there is always a challenged and
  # a superseded ballot, the first plain voter challenges a ballot and
  # casts again with the same choices (the result does not change).
  local cred mode ref council
  IFS=$'\t' read -r cred mode ref council _ < <(awk -F'\t' '$2 == "cast" { print; exit }' plan.tsv)
  "$SENIM" vote --yes --credential "$cred" --choose "referendum=$ref" --choose "council=$council" \
    --challenge-first >logs/web-voter.log 2>&1 || { cat logs/web-voter.log; return 1; }
  # run_election runs this without errexit: the outcome is kept in a file.
  "$PY" "$HERE/browser_test.py" --url "$URL" --work "$OUT" --phase voting --shots "$SHOTS" &&
    touch "$OUT/voting-checked"
}
run_election "$WORK" 12 4 7 >"$WORK.log" 2>&1 || { cat "$WORK.log"; rm -f "$WORK.log"; exit 1; }
[ -e "$WORK/voting-checked" ] || { cat "$WORK.log"; rm -f "$WORK.log"; echo "FAIL: the checks while voting" >&2; exit 1; }
rm -f "$WORK.log"
"$PY" "$HERE/browser_test.py" --url "$URL" --work "$WORK" --phase finished --shots "$SHOTS"
# The same page from a static mirror (docs/api.md, "From a mirror").
"$SENIM" export-tiles --from "$URL" --out "$WORK/mirror" >"$WORK/export.log"
"$PY" -u -m http.server 0 --bind 127.0.0.1 --directory "$WORK/mirror" >"$WORK/static.log" 2>&1 &
STATIC_PID=$!
for _ in $(seq 100); do grep -q "Serving HTTP" "$WORK/static.log" && break; sleep 0.1; done
STATIC="http://127.0.0.1:$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$WORK/static.log" | head -n1)"
"$PY" "$HERE/browser_test.py" --url "$STATIC" --work "$WORK" --phase mirror --mirror "$WORK/mirror" --shots "$SHOTS"
kill "$STATIC_PID"
STATIC_PID=
# docs/api.md's curl examples, against the same finished board.
cd "$WORK"
plain=$(awk -F'\t' '$2 == "cast" { n++; if (n == 2) { print $1; exit } }' plan.tsv)
log="logs/$(basename "$plain" .cred).log"
SHORT=$(grep -o 'tracking code  [0-9A-Z-]*' "$log" | tail -n1 | awk '{ print $3 }')
FULL=$(grep -o '([0-9a-f]\{64\})' "$log" | tail -n1 | tr -d '()')
CHALLENGED=$(grep -o 'challenged: ballot [0-9A-Z-]*' logs/web-voter.log | awk '{ print $3 }')
"$PY" "$ROOT/tests/docs/api_examples.py" --url "$URL" --short "$SHORT" --full "$FULL" --challenged "$CHALLENGED"
echo "the web page passed in both phases; screenshots in $SHOTS"
