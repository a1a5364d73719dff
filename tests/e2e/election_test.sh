#!/usr/bin/env bash
# End-to-end: the real binaries drive a whole election the way scripts/demo
# does (smaller), then people make mistakes and a board misbehaves, and each
# gets a clear refusal. Usage: election_test.sh BUILD_DIR
set -euo pipefail
SENIM_BUILD="$(cd "$1" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/lib/election.sh"
WORK="$(mktemp -d /tmp/senim-e2e.XXXXXX)"
NEXT_PID=
trap 'stop_board; [ -n "$NEXT_PID" ] && kill "$NEXT_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# Expect a command to fail with a message containing TEXT.
refuses() {
  local text=$1
  shift
  local out
  if out=$("$@" 2>&1); then
    echo "FAIL: expected a refusal from: $*" >&2
    echo "$out" >&2
    exit 1
  fi
  if ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: expected \"$text\" from: $*" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "refused as expected: $* -> $(grep -F -- "$text" <<<"$out" | head -n1)"
}

# Mistakes while voting is open: each refused, and the board unchanged.
while_voting() {
  step "mistakes while voting is open"
  local cred=credentials/voter-000003.cred before after
  before=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  refuses "has no option" "$SENIM" vote --credential "$cred" --choose referendum=maybe --choose council=blank
  refuses "no choice for contest" "$SENIM" vote --credential "$cred" --choose referendum=yes
  refuses "choose between 0 and 2" "$SENIM" vote --credential "$cred" --choose referendum=yes \
    --choose council=aigul,gulnar,dauren
  refuses "there is no contest" "$SENIM" vote --credential "$cred" --choose referendum=yes \
    --choose council=blank --choose mayor=someone
  refuses "names no option" "$SENIM" vote --credential "$cred" --choose referendum= --choose council=blank
  refuses "is chosen twice" "$SENIM" vote --credential "$cred" --choose referendum=yes --choose council=aigul,aigul
  refuses "nothing was cast" "$SENIM" vote --credential "$cred" --choose referendum=yes --choose council=blank \
    --receipt /nonexistent/dir/receipt
  refuses "not a voter credential file" "$SENIM" vote --credential authority.key --choose referendum=yes
  refuses "voting cannot open" "$SENIM" admin open --key authority.key
  refuses "no file was written" "$SENIM" admin credentials --key authority.key --count 3 --out late-credentials
  [ ! -e late-credentials ] || { echo "FAIL: credential files were written after the open" >&2; return 1; }
  refuses "the ceremony is over" "$SENIM" trustee deal --key trustee-2.key
  refuses "there is no tally to decrypt" "$SENIM" trustee decrypt --key trustee-2.key
  refuses "the tally comes after the close" "$SENIM" admin tally --key authority.key
  after=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  [ "$before" = "$after" ] || { echo "FAIL: mistakes changed the board ($before -> $after entries)" >&2; return 1; }
  echo "the board is unchanged: $after entries"
}

run_election "$WORK/election" 16 4 4242

cd "$WORK/election"
CRED=credentials/voter-000003.cred
size_before=$("$SENIM" admin status | sed -n 's/ *entries *//p')

refuses "voting is over" "$SENIM" vote --credential "$CRED" --choose referendum=yes --choose council=blank
refuses "already decrypted" "$SENIM" trustee decrypt --key trustee-1.key
refuses "is not an authority key file" "$SENIM" admin close --key trustee-1.key
"$SENIM" admin keygen --out stranger.key >/dev/null
refuses "not the authority" "$SENIM" admin close --key stranger.key
refuses "the election is not open" "$SENIM" admin close --key authority.key
refuses 'election "demo-2026" has no district "east" (it has north, south); no credential was made' \
  "$SENIM" keygen --out stray.cred --election demo-2026 --district east --server "$SENIM_SERVER"
refuses "say your district with --district: one of north, south" \
  "$SENIM" keygen --out stray.cred --election demo-2026 --server "$SENIM_SERVER"
refuses "already holds election" "$SENIM" admin create --key authority.key --manifest manifest.json \
  --trustee trustee-1.key.pub --trustee trustee-2.key.pub --threshold 2

# A voter who voted twice keeps both receipts.
revoter=$(awk -F'\t' '$2 == "revote" {print $1; exit}' plan.tsv)
if [ -n "$revoter" ]; then
  [ -f "$revoter.receipt" ] && [ -f "$revoter.receipt.1" ] ||
    { echo "FAIL: $revoter should have two receipts" >&2; exit 1; }
  echo "a re-voter keeps both receipts: $revoter.receipt and $revoter.receipt.1"
fi

# A receipt that was tampered with does not check.
# The file ends with the last hash of the inclusion proof: flip its last bit.
cp "$CRED.receipt" tampered.receipt
last=$(($(stat -c %s tampered.receipt) - 1))
byte=$(od -An -tu1 -j "$last" -N1 tampered.receipt | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 1)))" | dd of=tampered.receipt bs=1 seek="$last" conv=notrunc status=none
cmp -s "$CRED.receipt" tampered.receipt && { echo "FAIL: the receipt was not changed" >&2; exit 1; }
refuses "the receipt itself does not check" "$SENIM" check tampered.receipt

# Nothing above changed the board.
size_after=$("$SENIM" admin status | sed -n 's/ *entries *//p')
[ "$size_before" = "$size_after" ] || { echo "FAIL: the board grew from $size_before to $size_after" >&2; exit 1; }

# docs/protocol.md §6.3.1: a box key serves one ceremony. The same election
# run again on a new board (as after a complaint, which reveals a box key)
# needs fresh box keys; the old public files are refused, even when edited
# to name the new board, and so is a trustee's state from the old board.
step "the same election again on a new board: box keys are not reused"
start_board next-board next-server.log
NEXT_PID=$STARTED_PID
NEXT=$STARTED_URL
refuses "trustee-1.key.pub holds a box key made for election \"demo-2026\" on board" \
  "$SENIM" admin create --server "$NEXT" --key authority.key --manifest manifest.json \
  --trustee trustee-1.key.pub --trustee trustee-2.key.pub --trustee trustee-3.key.pub --threshold 2
refuses "trustee-1.key.state belongs to election \"demo-2026\" on board" \
  "$SENIM" trustee box-key --server "$NEXT" --key trustee-1.key --election demo-2026
for t in 1 2 3; do
  "$SENIM" trustee box-key --server "$NEXT" --key "trustee-$t.key" --election demo-2026 \
    --state "next-$t.state" --public "next-$t.pub"
done
cp next-1.pub next-1.pub.first
"$SENIM" trustee box-key --server "$NEXT" --key trustee-1.key --election demo-2026 \
  --state next-1.state --public next-1.pub | grep -q "written again with the same key"
cmp -s next-1.pub next-1.pub.first || { echo "FAIL: box-key made a second key for a ceremony" >&2; exit 1; }
# The old public file, edited to name the new board: its signature does not bind it.
new_board_line=$(grep '"board_key"' next-2.pub)
sed "s|^ *\"board_key\".*|$new_board_line|" trustee-1.key.pub >forged-1.pub
grep -qF "$new_board_line" forged-1.pub
refuses "is not signed by its trustee for election \"demo-2026\" on board" \
  "$SENIM" admin create --server "$NEXT" --key authority.key --manifest manifest.json \
  --trustee forged-1.pub --trustee next-2.pub --trustee next-3.pub --threshold 2
[ "$("$SENIM" admin status --server "$NEXT" | sed -n 's/ *phase *//p')" = empty ] ||
  { echo "FAIL: a refused set-up reached the new board" >&2; exit 1; }
# A spare box key made for this ceremony but not given to the authority.
"$SENIM" trustee box-key --server "$NEXT" --key trustee-1.key --election demo-2026 \
  --state spare-1.state --public spare-1.pub >/dev/null
"$SENIM" admin create --server "$NEXT" --key authority.key --manifest manifest.json \
  --trustee next-1.pub --trustee next-2.pub --trustee next-3.pub --threshold 2
refuses "the set-up names another box key for trustee 1 than the one this trustee made for it" \
  "$SENIM" trustee deal --server "$NEXT" --key trustee-1.key --state spare-1.state
refuses "trustee-1.key.state belongs to election \"demo-2026\" on board" \
  "$SENIM" trustee deal --server "$NEXT" --key trustee-1.key
refuses "already holds election" \
  "$SENIM" trustee box-key --server "$NEXT" --key trustee-1.key --election demo-2026 --state late.state
"$SENIM" trustee deal --server "$NEXT" --key trustee-1.key --state next-1.state
kill "$NEXT_PID"
NEXT_PID=

# The verifier rejects a record with one flipped byte in a ballot.
cp record.senim tampered.senim
offset=$(($(stat -c %s tampered.senim) / 2))
byte=$(od -An -tu1 -j "$offset" -N1 tampered.senim | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 0xff)))" | dd of=tampered.senim bs=1 seek="$offset" conv=notrunc status=none
cmp -s record.senim tampered.senim && { echo "FAIL: the record was not changed" >&2; exit 1; }
refuses "FAILED" "$SENIM_BUILD/verifier/senim-verify" -q tampered.senim
echo "end-to-end test passed"
