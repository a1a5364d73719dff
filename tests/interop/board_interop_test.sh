#!/usr/bin/env bash
# A real senim board against golang.org/x/mod (tests/interop/README.md): the
# demo's election with the real binaries and 260 voters (so that the log has
# full tiles), a mirror written by senim export-tiles, then the Go program
# checks every voter's receipt and the board's tiles, over HTTP and from the
# mirror, knowing nothing of senim.
# Usage: board_interop_test.sh BUILD_DIR GO_PROGRAM
set -euo pipefail
SENIM_BUILD="$(cd "$1" && pwd)"
GO_PROGRAM=$2
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/lib/election.sh"
WORK="$(mktemp -d /tmp/senim-board-interop.XXXXXX)"
trap 'stop_board; rm -rf "$WORK"' EXIT

run_election "$WORK/election" 260 8 77 >"$WORK/election.log" 2>&1 || { cat "$WORK/election.log"; exit 1; }
cd "$WORK/election"
VKEY=$("$SENIM" admin status | sed -n 's/^ *board vkey *//p')
[ -n "$VKEY" ] || { echo "FAIL: senim admin status shows no board vkey" >&2; exit 1; }
"$SENIM" export-tiles --from "$SENIM_SERVER" --out mirror
# Every voter's receipt, re-voters' earlier ones included.
"$GO_PROGRAM" board "$VKEY" "$SENIM_SERVER" mirror credentials/*.tlog-proof
