#!/usr/bin/env bash
# End-to-end, real binaries: replicas that follow the voting (`senim admin
# follow`, `senim trustee follow`), then the close, tally, decryptions and
# result with --replica, checking only what is new; the close posted before
# any check; a follower killed (kill -9) and resumed from its snapshot;
# replicas whose files were changed, refused with a specific error.
# Usage: replica_test.sh BUILD_DIR
set -euo pipefail
SENIM_BUILD="$(cd "$1" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/../../scripts/lib/election.sh"
WORK="$(mktemp -d /tmp/senim-replica.XXXXXX)"
FOLLOWERS=()
trap 'for p in ${FOLLOWERS[@]+"${FOLLOWERS[@]}"}; do kill "$p" 2>/dev/null || true; done; stop_board; rm -rf "$WORK"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Expect a command to fail with a message containing TEXT.
refuses() {
  local text=$1 out
  shift
  if out=$("$@" 2>&1); then
    echo "$out" >&2
    fail "expected a refusal from: $*"
  fi
  grep -qF -- "$text" <<<"$out" || { echo "$out" >&2; fail "expected \"$text\" from: $*"; }
  echo "refused as expected: $(grep -F -- "$text" <<<"$out" | head -n1)"
}

ADMIN_REPLICA="$WORK/election/replica-admin"
TRUSTEE_REPLICA_PREFIX="$WORK/election/replica-trustee"

# follow DIR LOG: a follower in the background, snapshots every 20 entries.
follow() {
  "$SENIM" admin follow --data "$1" --interval 0.3 --snapshot-every 20 --progress-every 0 \
    >>"$2.out" 2>>"$2.err" &
  FOLLOWED_PID=$!
}

after_open() {
  step "the authority and trustees 1 and 2 follow the voting in replicas"
  follow "$ADMIN_REPLICA" logs/follow-admin
  ADMIN_FOLLOWER=$FOLLOWED_PID
  FOLLOWERS+=("$ADMIN_FOLLOWER")
  for t in 1 2; do
    "$SENIM" trustee follow --data "$TRUSTEE_REPLICA_PREFIX-$t" --interval 0.3 --snapshot-every 20 \
      >>"logs/follow-trustee-$t.out" 2>>"logs/follow-trustee-$t.err" &
    TRUSTEE_FOLLOWER[$t]=$!
    FOLLOWERS+=("$!")
  done
}

# wait_for FILE TEXT: until FILE holds TEXT (at most 60 s).
wait_for() {
  for _ in $(seq 600); do
    grep -qF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$1" >&2 || true
  fail "$1 never said \"$2\""
}

while_voting() {
  local size
  size=$("$SENIM" admin status | sed -n 's/ *entries *//p')
  step "trustee 1's follower is killed (kill -9) and started again: it resumes"
  wait_for logs/follow-trustee-1.out "$size entries checked"
  kill -9 "${TRUSTEE_FOLLOWER[1]}"
  wait "${TRUSTEE_FOLLOWER[1]}" 2>/dev/null || true
  "$SENIM" trustee follow --data "$TRUSTEE_REPLICA_PREFIX-1" --interval 0.3 --snapshot-every 20 \
    >logs/follow-trustee-1-again.out 2>>logs/follow-trustee-1.err &
  TRUSTEE_FOLLOWER[1]=$!
  FOLLOWERS+=("$!")
  wait_for logs/follow-trustee-1-again.out "replica $TRUSTEE_REPLICA_PREFIX-1: "
  local resumed snap
  resumed=$(head -n1 logs/follow-trustee-1-again.out)
  echo "  | $resumed"
  snap=$(sed -n 's/.*(\([0-9]*\) from its snapshot.*/\1/p' <<<"$resumed")
  [ -n "$snap" ] && [ "$snap" -gt 0 ] || fail "the follower did not resume from a snapshot: $resumed"
  grep -q "^replica .*: $size entries checked" <<<"$resumed" ||
    fail "the resumed follower does not hold the $size entries it checked: $resumed"
  wait_for logs/follow-admin.out "$size entries checked"
  grep -q "entries/s" logs/follow-admin.err || fail "the follower showed no progress on stderr"
}

# The close with a replica whose mirror was changed: the close is posted at
# once and reaches the board; the check after it refuses the replica.
close_vote() {
  step "the close is posted before any check, even when the check then fails"
  cp -r "$ADMIN_REPLICA" replica-changed
  rm -f replica-changed/snapshot.bin  # the changed entry is then one the close's check reads
  flip_byte replica-changed/mirror.senim $(($(stat -c %s replica-changed/mirror.senim) - 40))
  set +e
  "$SENIM" admin close --key authority.key --replica replica-changed >logs/close.log 2>&1
  local rc=$?
  set -e
  cat logs/close.log
  [ "$rc" -ne 0 ] || fail "the close with a changed replica did not report the failed check"
  head -n1 logs/close.log | grep -q "^voting is closed: the close is board entry [0-9]* (posted before any check" ||
    fail "the close was not posted first"
  grep -q "the close is on the board (entry [0-9]*) all the same" logs/close.log ||
    fail "the refusal does not say the close is on the board"
  [ "$("$SENIM" admin status | sed -n 's/ *phase *//p')" = closed ] || fail "the board is not closed"
  refuses "the election is not open (phase closed)" "$SENIM" admin close --key authority.key \
    --replica "$ADMIN_REPLICA"
}

run_election "$WORK/election" 24 4 4242
cd "$WORK/election"

step "the steps with replicas checked only what was new"
for t in 1 2; do
  wait "${TRUSTEE_FOLLOWER[$t]}" || fail "trustee $t's follower failed"
done
wait "$ADMIN_FOLLOWER" || fail "the authority's follower failed"
grep -q "the result is on the board; done" logs/follow-admin.out || fail "the follower did not finish"

step "the same result from a cold replica and from a followed one"
"$SENIM" admin result --key authority.key --counts cold.tsv >/dev/null
"$SENIM" admin result --key authority.key --replica "$ADMIN_REPLICA" --counts warm.tsv \
  >warm.out 2>warm.err
sort -o cold.tsv cold.tsv
sort -o warm.tsv warm.tsv
cmp -s cold.tsv result.tsv || fail "the cold result differs from the one published"
cmp -s warm.tsv result.tsv || fail "the followed replica's result differs from the one published"
size=$("$SENIM" admin status | sed -n 's/ *entries *//p')
grep -q "entries checked ($size from its snapshot, 0 from its mirror, 0 new from the board)" warm.err ||
  { cat warm.err; fail "a current replica checked more than what is new"; }

step "replicas whose files were changed are refused"
changed() {  # changed NAME: a copy of the authority's replica
  rm -rf "$1"
  cp -r "$ADMIN_REPLICA" "$1"
}
changed r-mirror
flip_byte r-mirror/mirror.senim $(($(stat -c %s r-mirror/mirror.senim) - 40))
# An entry before the snapshot: a follower starting hashes the whole mirror
# and finds it; a command reads only what follows the snapshot, and does not
# (docs/protocol.md §11.7).
refuses "entries do not hash to the tree of the $size entries its snapshot checked: the mirror was changed" \
  "$SENIM" admin follow --data r-mirror --once
"$SENIM" admin result --key authority.key --replica r-mirror >/dev/null 2>r-mirror.err
grep -qF "entries checked ($size from its snapshot, 0 from its mirror, 0 new from the board)" r-mirror.err ||
  { cat r-mirror.err; fail "a command read the mirror before its snapshot"; }
# An entry after the snapshot: every open checks it again, and refuses.
changed r-tail
rm r-tail/snapshot.bin
flip_byte r-tail/mirror.senim $(($(stat -c %s r-tail/mirror.senim) - 40))
refuses "does not hold the $size entries that r-tail/replica.json vouches for (changed?)" \
  "$SENIM" admin result --key authority.key --replica r-tail
changed r-snapshot
flip_byte r-snapshot/snapshot.bin 100
refuses "its hash does not match its contents (damaged)" \
  "$SENIM" admin result --key authority.key --replica r-snapshot
changed r-state
python3 - r-state/replica.json <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
lines = state["checkpoint"].split("\n")
lines[1] = str(int(lines[1]) - 1)  # another size under the board's signature
state["checkpoint"] = "\n".join(lines)
json.dump(state, open(sys.argv[1], "w"))
PY
refuses "its checkpoint does not verify under the board's key" \
  "$SENIM" admin result --key authority.key --replica r-state
changed r-nosnapshot
rm r-nosnapshot/snapshot.bin
"$SENIM" admin result --key authority.key --replica r-nosnapshot >/dev/null 2>r-nosnapshot.err
grep -q "entries checked (0 from its snapshot, $size from its mirror, 0 new from the board)" r-nosnapshot.err ||
  { cat r-nosnapshot.err; fail "without its snapshot the replica did not check its mirror again"; }
echo "replica test passed"
