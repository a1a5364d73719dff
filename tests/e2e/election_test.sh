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
STATIC_PID=
trap 'stop_board; [ -n "$NEXT_PID" ] && kill "$NEXT_PID" 2>/dev/null; [ -n "$STATIC_PID" ] && kill "$STATIC_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

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

# `senim vote` on a terminal (script(1) gives it one), answering `answer`
# when it shows the choices back.
on_terminal() {
  local answer=$1
  shift
  printf '%s\n' "$answer" | script -qec "$*" /dev/null
}

# docs/voter-guide.md §3: the choices are shown back before anything is
# encrypted. Declined: nothing sent; no terminal and no --yes: refused at
# once; confirmed (in Kazakh, with a challenge so that the count is
# unchanged): shown in the voter's language, then sent.
confirmation() {
  local cred=$1 receipt_before out
  receipt_before=$(md5sum <"$cred.tlog-proof")
  refuses "cannot ask you to confirm your choices: the input is not a terminal; say --yes" \
    "$SENIM" vote --credential "$cred" --choose referendum=yes --choose council=blank
  if out=$(on_terminal n "$SENIM" vote --credential "$cred" --choose referendum=no --choose council=aigul); then
    echo "FAIL: a declined vote succeeded: $out" >&2
    return 1
  fi
  grep -qF "your choices:" <<<"$out" && grep -qF "Do you accept the amendments to the Constitution?: No" <<<"$out" &&
    grep -qF "Public council: choose two: Aigul" <<<"$out" &&
    grep -qF "senim: you did not confirm your choices; nothing was encrypted or cast" <<<"$out" ||
    { echo "FAIL: the declined vote said: $out" >&2; return 1; }
  ! grep -qF "tracking code" <<<"$out" || { echo "FAIL: a declined vote was encrypted: $out" >&2; return 1; }
  [ "$(md5sum <"$cred.tlog-proof")" = "$receipt_before" ] ||
    { echo "FAIL: a declined vote changed the receipt" >&2; return 1; }
  echo "declined on the terminal: nothing encrypted, nothing sent"
  local entries_before entries_after
  entries_before=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  out=$(on_terminal и "$SENIM" vote --lang kk --credential "$cred" --choose referendum=yes \
    --choose council=aigul,dauren --challenge) || { echo "FAIL: a confirmed challenge: $out" >&2; return 1; }
  grep -qF "сіздің таңдауыңыз:" <<<"$out" && grep -qF "Конституцияға түзетулерді қабылдайсыз ба?: Иә" <<<"$out" &&
    grep -qF "осы таңдауды шифрлап жіберейін бе (и — иә, ж — жоқ)?" <<<"$out" &&
    grep -qF "тексерілді: " <<<"$out" ||
    { echo "FAIL: the confirmed challenge in Kazakh said: $out" >&2; return 1; }
  entries_after=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  [ "$entries_after" = $((entries_before + 1)) ] ||
    { echo "FAIL: the confirmed challenge is not on the board ($entries_before -> $entries_after)" >&2; return 1; }
  echo "confirmed in Kazakh on the terminal: shown back, then sent"
}

# Mistakes while voting is open: each refused, and the board unchanged.
while_voting() {
  step "mistakes while voting is open"
  local cred=credentials/voter-000003.cred before after
  confirmation "$cred"
  before=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  refuses "has no option" "$SENIM" vote --yes --credential "$cred" --choose referendum=maybe --choose council=blank
  refuses "no choice for contest" "$SENIM" vote --yes --credential "$cred" --choose referendum=yes
  refuses "choose between 0 and 2" "$SENIM" vote --yes --credential "$cred" --choose referendum=yes \
    --choose council=aigul,gulnar,dauren
  refuses "there is no contest" "$SENIM" vote --yes --credential "$cred" --choose referendum=yes \
    --choose council=blank --choose mayor=someone
  refuses "names no option" "$SENIM" vote --yes --credential "$cred" --choose referendum= --choose council=blank
  refuses "is chosen twice" "$SENIM" vote --yes --credential "$cred" --choose referendum=yes --choose council=aigul,aigul
  refuses "nothing was cast" "$SENIM" vote --yes --credential "$cred" --choose referendum=yes --choose council=blank \
    --receipt /nonexistent/dir/receipt
  refuses "not a voter credential file" "$SENIM" vote --yes --credential authority.key --choose referendum=yes
  refuses "voting cannot open" "$SENIM" admin open --key authority.key
  refuses "no file was written" "$SENIM" admin credentials --key authority.key --count 3 --out late-credentials
  [ ! -e late-credentials ] || { echo "FAIL: credential files were written after the open" >&2; return 1; }
  refuses "the ceremony is over" "$SENIM" trustee deal --key trustee-2.key
  refuses "there is no tally to decrypt" "$SENIM" trustee decrypt --key trustee-2.key
  refuses "the tally comes after the close" "$SENIM" admin tally --key authority.key
  after=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  [ "$before" = "$after" ] || { echo "FAIL: mistakes changed the board ($before -> $after entries)" >&2; return 1; }
  echo "the board is unchanged: $after entries"
  step "an observer mirrors the board while voting is open"
  "$SENIM" export-tiles --from "$SENIM_SERVER" --out mirror | tee export-1.log
  grep -q "new files since size 0)" export-1.log || { echo "FAIL: the first export" >&2; return 1; }
  cp -r mirror mirror-while-voting
}

# A credential file that cannot be written mid-list (a full disk; here a
# directory in the way of its temporary file): a clear error, the files of
# the list not yet posted removed, nothing posted, and a second run works.
before_credentials() {
  step "admin credentials when a file cannot be written"
  mkdir -p blocked/voter-000002.cred.tmp
  local before after
  before=$("$SENIM" admin status | sed -n 's/ *credentials *//p')
  refuses "0 of the 3 credentials were issued and posted, and the file of credentials not yet posted was removed" \
    "$SENIM" admin credentials --key authority.key --count 3 --out blocked
  [ -z "$(ls blocked | grep -v '^voter-000002.cred.tmp$')" ] ||
    { ls -l blocked; echo "FAIL: a refused admin credentials left files" >&2; return 1; }
  after=$("$SENIM" admin status | sed -n 's/ *credentials *//p')
  [ "$before" = "$after" ] || { echo "FAIL: credentials were posted ($before -> $after)" >&2; return 1; }
  rm -rf blocked
}

run_election "$WORK/election" 16 4 4242

cd "$WORK/election"
CRED=credentials/voter-000003.cred
size_before=$("$SENIM" admin status | sed -n 's/ *entries *//p')

refuses "voting is over" "$SENIM" vote --yes --credential "$CRED" --choose referendum=yes --choose council=blank
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
  [ -f "$revoter.tlog-proof" ] && [ -f "$revoter.1.tlog-proof" ] ||
    { echo "FAIL: $revoter should have two receipts" >&2; exit 1; }
  echo "a re-voter keeps both receipts: $revoter.tlog-proof and $revoter.1.tlog-proof"
fi

# A receipt is a c2sp.org/tlog-proof@v1 file under the board's checkpoint.
head -n1 "$CRED.tlog-proof" | grep -qx 'c2sp.org/tlog-proof@v1' ||
  { echo "FAIL: the receipt is not a tlog-proof file" >&2; exit 1; }
[ -f "$CRED.tlog-proof.checkpoint" ] ||
  { echo "FAIL: senim check kept no checkpoint beside the receipt" >&2; exit 1; }

# A receipt that was tampered with does not check: the first hash of its
# inclusion proof (the line after "index"), its first character changed.
awk 'done == 0 && prev ~ /^index / { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2); done = 1 }
     { print; prev = $0 }' "$CRED.tlog-proof" >tampered.tlog-proof
cmp -s "$CRED.tlog-proof" tampered.tlog-proof && { echo "FAIL: the receipt was not changed" >&2; exit 1; }
refuses "the receipt itself does not check" "$SENIM" check tampered.tlog-proof

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
# The new board is another log: a receipt of the first is not checked
# against it, and the first board's mirror does not take it.
refuses "is not the one that gave this receipt" "$SENIM" check "$CRED.tlog-proof" --server "$NEXT"
refuses "mirrors another election's board" "$SENIM" export-tiles --from "$NEXT" --out mirror
kill "$NEXT_PID"
NEXT_PID=

# A mirror: the export is incremental, a static web server serves it, and
# senim-verify and senim check read the board from it as from the board.
step "the mirror, again, and served by python3 -m http.server"
first_size=$(sed -n 's/.*the board.s log of \([0-9]*\) entries.*/\1/p' export-1.log)
"$SENIM" export-tiles --from "$URL" --out mirror | tee export-2.log
grep -q "new files since size $first_size)" export-2.log ||
  { echo "FAIL: the second export did not start at size $first_size" >&2; exit 1; }
cmp -s mirror/checkpoint <(curl -s "$URL/checkpoint") ||
  { echo "FAIL: the mirror's checkpoint is not the board's" >&2; exit 1; }
# The page and its views (docs/api.md, "From a mirror"): the board's
# files, and its answers, byte for byte (a map's keys in byte order).
for f in index.html web/app.js web/receipt.js web/style.css web/messages.json; do
  cmp -s "mirror/$f" <(curl -s "$URL/$f") || { echo "FAIL: the mirror's $f is not the board's" >&2; exit 1; }
done
for f in v1/manifest v1/turnout v1/result; do
  cmp -s "mirror/$f" <(curl -s -H 'Accept: application/json' "$URL/$f") ||
    { echo "FAIL: the mirror's $f is not the board's answer" >&2; exit 1; }
done
grep -q "with 8 files of the board's page" export-2.log ||
  { echo "FAIL: the export did not say it copied the page" >&2; exit 1; }
# The code index is rebuilt whole at each export, to the same bytes
# (docs/protocol.md §11.5).
cp -r mirror/v1/code-index code-index-2
"$SENIM" export-tiles --from "$URL" --out mirror >export-3.log
diff -r code-index-2 mirror/v1/code-index ||
  { echo "FAIL: a second export of the same log wrote another code index" >&2; exit 1; }
python3 -u -m http.server 0 --bind 127.0.0.1 --directory mirror >static.log 2>&1 &
STATIC_PID=$!
for _ in $(seq 100); do grep -q "Serving HTTP" static.log && break; sleep 0.1; done
STATIC="http://127.0.0.1:$(sed -n 's/.* port \([0-9]*\) .*/\1/p' static.log | head -n1)"
"$SENIM_BUILD/verifier/senim-verify" -q --server "$STATIC" --save mirrored.senim >verify-static.log ||
  { cat verify-static.log; echo "FAIL: senim-verify on the static mirror" >&2; exit 1; }
"$SENIM" check "$CRED.tlog-proof" --server "$STATIC" | tee check-static.log
grep -q "checked against $STATIC" check-static.log || { echo "FAIL: senim check on the static mirror" >&2; exit 1; }
"$SENIM_BUILD/verifier/senim-verify" -q --mirror mirror >verify-dir.log ||
  { cat verify-dir.log; echo "FAIL: senim-verify on the mirror directory" >&2; exit 1; }
"$SENIM" check "$CRED.tlog-proof" --mirror mirror >check-mirror.log
# The state from the mirror's code index (docs/protocol.md §11.5), once the
# index names the receipt's entry; an index that names another is called wrong.
for log in check-static.log check-mirror.log; do
  grep -q "^tracking code [0-9A-Z-]*: .*(from the mirror's index of codes)$" "$log" ||
    { cat "$log"; echo "FAIL: $log gives no state from the mirror's index" >&2; exit 1; }
done
short=$(sed -n "s/^tracking code \([0-9A-Z-]*\): .*/\1/p" check-mirror.log)
bucket="mirror/v1/code-index/${short:0:3}.json"
cp "$bucket" bucket.kept
sed -i "/\"short_code\":\"$short\"/s/\"leaf_index\":[0-9]*,/\"leaf_index\":1,/" "$bucket"
"$SENIM" check "$CRED.tlog-proof" --mirror mirror >check-lying.log
grep -q "THE MIRROR'S INDEX OF CODES IS WRONG: it names entry 1 for tracking code $short" check-lying.log ||
  { cat check-lying.log; echo "FAIL: an index naming another entry was not called wrong" >&2; exit 1; }
mv bucket.kept "$bucket"
kill "$STATIC_PID"
STATIC_PID=
# Refusals, each leaving the mirror as it was: a source behind it, and a
# source whose latest entry bundle was changed.
cp mirror/checkpoint checkpoint-before
refuses "is behind the mirror" "$SENIM" export-tiles --from mirror-while-voting --out mirror
cp -r mirror tampered-mirror
size=$(sed -n 2p mirror/checkpoint)
bundle="tampered-mirror/tile/entries/000.p/$size"
at=$(($(stat -c %s "$bundle") - 3))
byte=$(od -An -tu1 -j "$at" -N1 "$bundle" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 1)))" | dd of="$bundle" bs=1 seek="$at" conv=notrunc status=none
refuses "of its bundle is not leaf $((size - 1))" "$SENIM" export-tiles --from tampered-mirror --out fresh-mirror
[ ! -e fresh-mirror/checkpoint ] || { echo "FAIL: a refused export wrote a checkpoint" >&2; exit 1; }
refuses "cannot read the board's log" "$SENIM_BUILD/verifier/senim-verify" -q --mirror tampered-mirror
cmp -s mirror/checkpoint checkpoint-before || { echo "FAIL: a refused export changed the mirror" >&2; exit 1; }
# A source whose page views do not match its log: refused, nothing written.
cp -r mirror bad-manifest
jq -c '.manifest.title.text.en = "Another election"' mirror/v1/manifest >bad-manifest/v1/manifest
refuses "bad-manifest/v1/manifest does not describe the election of the log's set-up" \
  "$SENIM" export-tiles --from bad-manifest --out fresh-mirror
cp -r mirror bad-result
jq -c '.total.contests[0].options[0].count = "999"' mirror/v1/result >bad-result/v1/result
refuses "bad-result/v1/result's totals are not those of the result entry" \
  "$SENIM" export-tiles --from bad-result --out fresh-mirror
[ ! -e fresh-mirror/checkpoint ] && [ ! -e fresh-mirror/v1 ] ||
  { echo "FAIL: a refused export wrote files" >&2; exit 1; }

# The verifier rejects a record with one flipped byte in a ballot.
cp record.senim tampered.senim
offset=$(($(stat -c %s tampered.senim) / 2))
byte=$(od -An -tu1 -j "$offset" -N1 tampered.senim | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 0xff)))" | dd of=tampered.senim bs=1 seek="$offset" conv=notrunc status=none
cmp -s record.senim tampered.senim && { echo "FAIL: the record was not changed" >&2; exit 1; }
refuses "FAILED" "$SENIM_BUILD/verifier/senim-verify" -q tampered.senim
# Issue 11 §4: after the board is switched off, a voter checks a receipt
# against the saved record (senim-verify --server … --save, above), offline,
# and finds a ballot by its tracking code.
step "the board is switched off; receipts are checked against the saved record"
stop_board
! curl -s -o /dev/null "$URL/checkpoint" || { echo "FAIL: the board still answers" >&2; exit 1; }
"$SENIM" check "$CRED.tlog-proof" --record record.senim | tee check-offline.log
grep -q "is in the record" check-offline.log || { echo "FAIL: the offline check" >&2; exit 1; }
code=$(sed -n 's/^tracking code \([0-9A-Z-]*\): .*/\1/p' check-offline.log)
[ -n "$code" ] || { echo "FAIL: the offline check names no tracking code and state" >&2; exit 1; }
"$SENIM" check --record record.senim --code "$code" | tee check-code.log
grep -q "tracking code $code is entry" check-code.log || { echo "FAIL: the look-up by code" >&2; exit 1; }
# The mirror's code index (docs/protocol.md §11.5) says the same: that code
# at that entry, in the same state as the record, in the bucket of its
# first three symbols; and the descriptor counts the buckets written.
entry=$(sed -n "s/^tracking code $code is entry \([0-9]*\) .*/\1/p" check-code.log)
state=$(sed -n "s/^tracking code $code: \([a-z]*\).*/\1/p" check-offline.log)
line=$(grep -F "{\"short_code\":\"$code\"," "mirror/v1/code-index/${code:0:3}.json") ||
  { echo "FAIL: $code is not in the mirror's code index" >&2; exit 1; }
grep -q "\"leaf_index\":$entry,\"state\":\"$state\"}" <<<"$line" ||
  { echo "FAIL: the mirror's index says $line; the record: entry $entry, $state" >&2; exit 1; }
buckets=$(find mirror/v1/code-index -name '???.json' | wc -l)
grep -q "\"buckets\":$buckets}" mirror/v1/code-index/index.json ||
  { echo "FAIL: the index's descriptor does not count its $buckets buckets" >&2; exit 1; }
echo "the mirror's code index agrees with the record: $line"
refuses "cannot read the record" "$SENIM" check "$CRED.tlog-proof" --record tampered-nothing.senim
echo "end-to-end test passed"
