#!/usr/bin/env bash
# The board's web page in a real browser (docs/api.md, "The web page"): a
# real election with the real binaries (scripts/lib/election.sh), checked
# with headless chromium through chromium-driver while voting is open and
# again once the result is published. Screenshots go to BUILD_DIR/web-screenshots.
# Usage: browser_test.sh BUILD_DIR
set -euo pipefail
SENIM_BUILD="$(cd "$1" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export SENIM_BUILD
WORK="$(mktemp -d /tmp/senim-web.XXXXXX)"
SHOTS="$SENIM_BUILD/web-screenshots"
mkdir -p "$SHOTS"
trap 'stop_board; rm -rf "$WORK"' EXIT
# shellcheck source=../../scripts/lib/election.sh
source "$ROOT/scripts/lib/election.sh"

while_voting() {
  python3 "$HERE/browser_test.py" --url "$URL" --work "$OUT" --phase voting --shots "$SHOTS"
}
# 12 voters, seed 7: the plan has a voter who challenges first and one who votes twice.
run_election "$WORK" 12 4 7 >"$WORK.log" 2>&1 || { cat "$WORK.log"; rm -f "$WORK.log"; exit 1; }
rm -f "$WORK.log"
python3 "$HERE/browser_test.py" --url "$URL" --work "$WORK" --phase finished --shots "$SHOTS"
# docs/api.md's curl examples, against the same finished board.
cd "$WORK"
plain=$(awk -F'\t' '$2 == "cast" { print $1; exit }' plan.tsv)
log="logs/$(basename "$plain" .cred).log"
SHORT=$(grep -o 'tracking code  [0-9A-Z-]*' "$log" | tail -n1 | awk '{ print $3 }')
FULL=$(grep -o '([0-9a-f]\{64\})' "$log" | tail -n1 | tr -d '()')
CHALLENGED=$(grep -ho 'challenged: ballot [0-9A-Z-]*' logs/*.log | head -n1 | awk '{ print $3 }')
python3 "$ROOT/tests/docs/api_examples.py" --url "$URL" --short "$SHORT" --full "$FULL" --challenged "$CHALLENGED"
echo "the web page passed in both phases; screenshots in $SHOTS"
