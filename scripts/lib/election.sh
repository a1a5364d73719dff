# The demo's election, run with the real binaries in $SENIM_BUILD: used by
# scripts/demo (200 voters) and by the end-to-end test (tests/e2e). Sourced.
#
# run_election OUT VOTERS PARALLEL SEED
#   Runs the whole election in directory OUT. Returns 0 only if every step
#   succeeded, the published result equals the voters' intended votes, and
#   every verifier check passed. Leaves the board server running (its PID in
#   SERVER_PID, its URL in SENIM_SERVER) for callers that want to probe it;
#   call stop_board when done. If the caller defines a function while_voting,
#   it runs after the voters have voted and before the close.

source "$(dirname "${BASH_SOURCE[0]}")/processes.sh"

stop_board() {
  local pids=(${WITNESS_PIDS[@]+"${WITNESS_PIDS[@]}"} ${SERVER_PID:-})
  stop_processes ${pids[@]+"${pids[@]}"}
  WITNESS_PIDS=()
  SERVER_PID=
}

# board_vkey URL ORIGIN: the board's verifier key (docs/protocol.md §11.2):
# ORIGIN+hex(SHA-256(ORIGIN ‖ 0x0A ‖ 0x01 ‖ key)[:4])+base64(0x01 ‖ key).
board_vkey() {
  python3 - "$1" "$2" <<'PY'
import base64, hashlib, json, sys, urllib.request
url, origin = sys.argv[1], sys.argv[2]
key = bytes.fromhex(json.load(urllib.request.urlopen(url + "/v1/election?format=json"))["board_key"])
key_id = hashlib.sha256(origin.encode() + b"\n\x01" + key).digest()[:4].hex()
print(origin + "+" + key_id + "+" + base64.b64encode(b"\x01" + key).decode())
PY
}

# witness_cosigners URL: how many cosignature lines the board's /checkpoint carries.
witness_cosigners() {
  python3 - "$1" <<'PY'
import sys, urllib.request
note = urllib.request.urlopen(sys.argv[1] + "/checkpoint").read().decode()
origin = note.split("\n", 1)[0]
print(sum(1 for l in note.split("\n\n", 1)[1].splitlines() if not l.startswith("\u2014 " + origin + " ")))
PY
}

# start_board DATA_DIR LOG: starts a senim-server on a free loopback port;
# sets STARTED_PID and STARTED_URL. Returns 1 if it does not come up.
start_board() {
  "$SENIM_BUILD/server/senim-server" --data "$1" --listen 127.0.0.1:0 >"$2" 2>&1 &
  STARTED_PID=$!
  for _ in $(seq 100); do
    grep -q "listening on" "$2" 2>/dev/null && break
    sleep 0.1
  done
  STARTED_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$2" | head -n1)
  [ -n "$STARTED_URL" ] || { cat "$2"; echo "the board server did not start" >&2; return 1; }
}

run_election() {
VOTERS="$2"
PARALLEL="$3"
SEED="$4"
OUT="$1"
SENIM="$SENIM_BUILD/client/senim"
VERIFY="$SENIM_BUILD/verifier/senim-verify"
export SENIM

mkdir -p "$OUT/logs"
cd "$OUT"
START=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "starting the board server"
start_board board server.log || return 1
SERVER_PID=$STARTED_PID
URL=$STARTED_URL
export SENIM_SERVER="$URL"
echo "board: $URL (data in $OUT/board)"

step "three observers start their witnesses (docs/observer-guide.md; quorum: 2 of 3)"
BOARD_VKEY=$(board_vkey "$URL" "${URL#http://}/demo-2026")
echo "board vkey: $BOARD_VKEY"
POLICY=""
WITNESS_PIDS=()
for w in 1 2 3; do
  "$SENIM" witness keygen --name "witness-$w.observers.demo" --out "witness-$w.key" \
    >"logs/witness-$w-keygen.log"
  WVKEY=$(sed -n 's/^vkey //p' "logs/witness-$w-keygen.log")
  "$SENIM" witness serve --key "witness-$w.key" --data "witness-$w" --log "$BOARD_VKEY" \
    --board "$URL" --listen 127.0.0.1:0 >"logs/witness-$w.out" 2>"logs/witness-$w.log" &
  WITNESS_PIDS+=($!)
  for _ in $(seq 100); do
    grep -q "listening on" "logs/witness-$w.out" 2>/dev/null && break
    sleep 0.1
  done
  WURL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "logs/witness-$w.out" | head -n1)
  [ -n "$WURL" ] || { cat "logs/witness-$w.log"; echo "witness $w did not start" >&2; return 1; }
  echo "witness w$w: $WURL"
  POLICY+="witness w$w $WVKEY $WURL"$'\n'
done
POLICY+="group observers 2 w1 w2 w3"$'\n'"quorum observers"$'\n'

step "the authority and three trustees make their long-term keys"
"$SENIM" admin keygen --out authority.key
for t in 1 2 3; do "$SENIM" trustee keygen --name "Trustee $t" --out "trustee-$t.key"; done

cat >manifest.json <<'EOF'
{
  "election_id": "demo-2026",
  "title": {"text": {"kk": "Республикалық референдум және қоғамдық кеңес",
                     "ru": "Республиканский референдум и общественный совет",
                     "en": "National referendum and public council"}},
  "languages": ["kk", "ru", "en"],
  "max_ballots_per_credential": 5,
  "districts": [
    {"id": "north", "name": {"text": {"kk": "Солтүстік", "ru": "Север", "en": "North"}}},
    {"id": "south", "name": {"text": {"kk": "Оңтүстік", "ru": "Юг", "en": "South"}}}
  ],
  "contests": [
    {"id": "referendum",
     "title": {"text": {"kk": "Конституцияға түзетулерді қабылдайсыз ба?",
                        "ru": "Принимаете ли вы поправки в Конституцию?",
                        "en": "Do you accept the amendments to the Constitution?"}},
     "min_selections": 0, "max_selections": 1,
     "options": [
       {"id": "yes", "label": {"text": {"kk": "Иә", "ru": "Да", "en": "Yes"}}},
       {"id": "no", "label": {"text": {"kk": "Жоқ", "ru": "Нет", "en": "No"}}}]},
    {"id": "council",
     "title": {"text": {"kk": "Қоғамдық кеңес: екеуін таңдаңыз",
                        "ru": "Общественный совет: выберите двоих",
                        "en": "Public council: choose two"}},
     "min_selections": 0, "max_selections": 2,
     "options": [
       {"id": "aigul", "label": {"text": {"kk": "Айгүл", "ru": "Айгуль", "en": "Aigul"}}},
       {"id": "baurzhan", "label": {"text": {"kk": "Бауыржан", "ru": "Бауыржан", "en": "Baurzhan"}}},
       {"id": "gulnar", "label": {"text": {"kk": "Гүлнар", "ru": "Гульнар", "en": "Gulnar"}}},
       {"id": "dauren", "label": {"text": {"kk": "Дәурен", "ru": "Даурен", "en": "Dauren"}}},
       {"id": "yerzhan", "label": {"text": {"kk": "Ержан", "ru": "Ержан", "en": "Yerzhan"}}}]}
  ]
}
EOF

jq --arg policy "$POLICY" '. + {witness_policy: $policy}' manifest.json >manifest.tmp
mv manifest.tmp manifest.json

step "each trustee makes a fresh box key for this election's key ceremony on this board"
for t in 1 2 3; do "$SENIM" trustee box-key --key "trustee-$t.key" --election demo-2026; done

step "the authority creates the election"
"$SENIM" admin create --key authority.key --manifest manifest.json \
  --trustee trustee-1.key.pub --trustee trustee-2.key.pub --trustee trustee-3.key.pub --threshold 2

# With ADMIN_REPLICA (and TRUSTEE_REPLICA_PREFIX), every step from the deals
# on checks only what is new since its replica last looked at the board
# (docs/operator-guide.md "Replicas that keep up").
ADMIN_REPLICA_ARGS=()
[ -n "${ADMIN_REPLICA:-}" ] && ADMIN_REPLICA_ARGS=(--replica "$ADMIN_REPLICA")
trustee_replica_args() { [ -n "${TRUSTEE_REPLICA_PREFIX:-}" ] && echo "--replica $TRUSTEE_REPLICA_PREFIX-$1"; }

step "key ceremony: every trustee deals, then checks what it received"
DEALERS=()
for t in 1 2 3; do
  # shellcheck disable=SC2046 # the replica's path has no spaces
  "$SENIM" trustee deal --key "trustee-$t.key" $(trustee_replica_args "$t") >"logs/deal-$t.log" 2>&1 &
  DEALERS+=($!)
done
for pid in "${DEALERS[@]}"; do wait "$pid"; done
cat logs/deal-*.log
# shellcheck disable=SC2046
for t in 1 2 3; do "$SENIM" trustee finalize --key "trustee-$t.key" $(trustee_replica_args "$t"); done

step "the authority issues $VOTERS credentials and opens the vote"
if declare -F before_credentials >/dev/null; then before_credentials; fi
"$SENIM" admin credentials --key authority.key --count "$VOTERS" --out credentials "${ADMIN_REPLICA_ARGS[@]}"
"$SENIM" admin open --key authority.key "${ADMIN_REPLICA_ARGS[@]}"
# A caller may start replicas that follow the voting here (tests/e2e/replica_test.sh).
if declare -F after_open >/dev/null; then after_open; fi

step "$VOTERS voters vote in parallel ($PARALLEL at a time)"
REFERENDUM=(yes no)
COUNCIL=(aigul baurzhan gulnar dauren yerzhan)
RANDOM=$SEED
random_ref() {
  local r=$((RANDOM % 100))
  if ((r < 55)); then echo yes; elif ((r < 95)); then echo no; else echo blank; fi
}
random_council() {
  local r=$((RANDOM % 100)) a b
  if ((r < 5)); then echo blank; return; fi
  a=${COUNCIL[$((RANDOM % 5))]}
  if ((r < 10)); then echo "$a"; return; fi
  b=$a
  while [ "$b" = "$a" ]; do b=${COUNCIL[$((RANDOM % 5))]}; done
  echo "$a,$b"
}
: >plan.tsv
declare -A intended
for district in north south total; do
  for o in yes no blank; do intended["$district	referendum	$o"]=0; done
  for o in "${COUNCIL[@]}" blank; do intended["$district	council	$o"]=0; done
done
challengers=0
revoters=0
for i in $(seq "$VOTERS"); do
  file=$(printf 'credentials/voter-%06d.cred' "$i")
  if (((i - 1) % 2 == 0)); then district=north; else district=south; fi
  ref=$(random_ref)
  council=$(random_council)
  r=$((RANDOM % 100))
  mode=cast
  first_ref=-
  first_council=-
  if ((r < 10)); then
    mode=challenge-first
    challengers=$((challengers + 1))
  elif ((r < 20)); then
    mode=revote
    revoters=$((revoters + 1))
    first_ref=$(random_ref)
    first_council=$(random_council)
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$mode" "$ref" "$council" "$first_ref" "$first_council" >>plan.tsv
  # The last ballot of each voter is the one that counts.
  for d in "$district" total; do
    intended["$d	referendum	$ref"]=$((intended["$d	referendum	$ref"] + 1))
    if [ "$council" = blank ]; then
      intended["$d	council	blank"]=$((intended["$d	council	blank"] + 1))
    else
      for c in ${council//,/ }; do intended["$d	council	$c"]=$((intended["$d	council	$c"] + 1)); done
    fi
  done
done
for key in "${!intended[@]}"; do printf '%s\t%s\n' "$key" "${intended[$key]}"; done | sort >intended.tsv
echo "$challengers voters challenge a ballot before casting; $revoters vote twice (the second counts)"

vote_one() {
  local file=$1 mode=$2 ref=$3 council=$4 first_ref=$5 first_council=$6
  local log="logs/$(basename "$file" .cred).log"
  {
    if [ "$mode" = revote ]; then
      "$SENIM" vote --yes --credential "$file" --choose "referendum=$first_ref" --choose "council=$first_council"
    fi
    local extra=()
    [ "$mode" = challenge-first ] && extra=(--challenge-first)
    "$SENIM" vote --yes --credential "$file" --choose "referendum=$ref" --choose "council=$council" "${extra[@]}"
    "$SENIM" check "$file.tlog-proof"
  } >"$log" 2>&1 || { echo "voter $file failed; see $log" >&2; cat "$log" >&2; return 1; }
}
export -f vote_one
VOTE_START=$(date +%s)
HALF=$(((VOTERS + 1) / 2))
head -n "$HALF" plan.tsv | tr '\t' ' ' | xargs -P "$PARALLEL" -L 1 bash -c 'vote_one "$@"' _
# One observer's machine fails in the middle of the voting (kill -9): the
# election goes on under the other two, and the witness, started again on
# its data, catches up from its own state (docs/observer-guide.md).
W3_URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' logs/witness-3.out | head -n1)
kill -9 "${WITNESS_PIDS[2]}"
wait "${WITNESS_PIDS[2]}" 2>/dev/null || true
echo "witness w3 stopped (kill -9) after $HALF voters; the others go on"
tail -n +"$((HALF + 1))" plan.tsv | tr '\t' ' ' | xargs -P "$PARALLEL" -L 1 bash -c 'vote_one "$@"' _
"$SENIM" witness serve --key witness-3.key --data witness-3 --log "$BOARD_VKEY" \
  --board "$URL" --listen "${W3_URL#http://}" >>logs/witness-3.out 2>>logs/witness-3.log &
WITNESS_PIDS[2]=$!
echo "witness w3 started again on its data, at $W3_URL"
echo "all $VOTERS voters voted in $(($(date +%s) - VOTE_START)) s; one voter's session:"
sed 's/^/  | /' "logs/voter-000001.log"
grep -l "challenged:" logs/voter-*.log | head -n1 | xargs -r sed -n '/challenged:/,/never be counted/p' | sed 's/^/  | /'

# A caller (the end-to-end test) may probe the open election here.
if declare -F while_voting >/dev/null; then while_voting; fi

step "the authority closes the vote and posts the encrypted tally"
if declare -F close_vote >/dev/null; then close_vote; else
  "$SENIM" admin close --key authority.key "${ADMIN_REPLICA_ARGS[@]}" | tee logs/close.log
fi
"$SENIM" admin tally --key authority.key "${ADMIN_REPLICA_ARGS[@]}"

step "trustees 1 and 2 decrypt (trustee 3 is absent: any 2 of 3 suffice)"
# shellcheck disable=SC2046 # the replica's path has no spaces
"$SENIM" trustee decrypt --key trustee-1.key $(trustee_replica_args 1)
# shellcheck disable=SC2046
"$SENIM" trustee decrypt --key trustee-2.key $(trustee_replica_args 2)

step "the authority publishes the result"
"$SENIM" admin result --key authority.key --counts result.tsv "${ADMIN_REPLICA_ARGS[@]}"
sort -o result.tsv result.tsv

step "does the result equal the voters' intended votes?"
if diff <(grep -v "^all" result.tsv) intended.tsv >result-vs-intended.diff; then
  MATCH=yes
  echo "yes: every count in every region equals what the voters intended"
else
  MATCH=no
  echo "NO: the result differs from the intended votes:" >&2
  cat result-vs-intended.diff >&2
fi

step "the witnesses cosign the board's final checkpoint (w3 has caught up)"
for _ in $(seq 300); do
  [ "$(witness_cosigners "$URL")" -ge 3 ] && break
  sleep 0.2
done
[ "$(witness_cosigners "$URL")" -ge 3 ] || echo "witness w3 has not caught up (see logs/witness-3.log)" >&2
"$SENIM" witness status --data witness-3 | sed 's/^/  | /'
python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1] + "/checkpoint").read().decode(), end="")' "$URL"

step "an observer runs the public verifier on the board"
set +e
"$VERIFY" --server "$URL" --save record.senim
VERIFIED=$?
set -e

echo
echo "finished in $(($(date +%s) - START)) s after the build"
RECORD="$OUT/record.senim"
[ "$MATCH" = yes ] && [ "$VERIFIED" -eq 0 ]
}
