#!/usr/bin/env bash
# End-to-end: a small election where the voters make their own credentials
# (`senim keygen`) and the authority registers only their public keys, with a
# single trustee (n = k = 1) and no districts. Usage: own_credentials_test.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
SENIM="$BUILD/client/senim"
WORK="$(mktemp -d /tmp/senim-e2e-own.XXXXXX)"
SERVER_PID=
source "$(dirname "$0")/../../scripts/lib/processes.sh"
trap 'stop_processes $SERVER_PID; rm -rf "$WORK"' EXIT
cd "$WORK"

"$BUILD/server/senim-server" --data board --listen 127.0.0.1:0 >server.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "listening on" server.log 2>/dev/null && break; sleep 0.1; done
export SENIM_SERVER=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' server.log | head -n1)

cat >manifest.json <<'JSON'
{"election_id": "own-2026", "languages": ["en"], "max_ballots_per_credential": 2,
 "title": {"text": {"en": "A question"}},
 "contests": [{"id": "q", "title": {"text": {"en": "Agree?"}}, "min_selections": 1, "max_selections": 1,
               "options": [{"id": "yes", "label": {"text": {"en": "Yes"}}},
                           {"id": "no", "label": {"text": {"en": "No"}}}]}]}
JSON
# create --check reads the manifest offline and creates nothing; a number
# in quotes is refused with its field named.
"$SENIM" admin create --check --manifest manifest.json | grep -q 'is well formed'
sed 's/"max_ballots_per_credential": 2/"max_ballots_per_credential": "2"/' manifest.json >quoted.json
if "$SENIM" admin create --check --manifest quoted.json 2>err.txt; then echo "FAIL: a quoted number passed" >&2; exit 1; fi
grep -qF 'max_ballots_per_credential: a whole number from 0 to 4294967295 is expected, written without quotes; not the text "2"' err.txt
"$SENIM" admin status | grep -q 'election     (none yet)' || { echo "FAIL: --check created something" >&2; exit 1; }
"$SENIM" admin keygen --out authority.key >/dev/null
"$SENIM" trustee keygen --name "Only trustee" --out trustee.key >/dev/null
"$SENIM" trustee box-key --key trustee.key --election own-2026 >/dev/null
"$SENIM" admin create --key authority.key --manifest manifest.json --trustee trustee.key.pub --threshold 1
"$SENIM" trustee deal --key trustee.key
"$SENIM" trustee finalize --key trustee.key

# Every binary says its release and the protocol and record versions it speaks.
for bin in "$SENIM" "$BUILD/server/senim-server" "$BUILD/verifier/senim-verify"; do
  "$bin" --version | grep -qx "protocol senim/v2 (docs/protocol.md), record format 3 (docs/record.md)" ||
    { echo "FAIL: $bin --version" >&2; exit 1; }
done

# A credential is made only for an election and district the board holds.
expect_refusal() {
  local text=$1
  shift
  if "$@" 2>err.txt; then echo "FAIL: accepted: $*" >&2; exit 1; fi
  grep -qF -- "$text" err.txt || { echo "FAIL: expected \"$text\" from $*:" >&2; cat err.txt >&2; exit 1; }
}
expect_refusal 'election "own-2026" has no districts; leave out --district' \
  "$SENIM" keygen --out stray.cred --election own-2026 --server "$SENIM_SERVER" --district east
expect_refusal 'does not hold election "other-2026"; no credential was made' \
  "$SENIM" keygen --out stray.cred --election other-2026 --server "$SENIM_SERVER"
[ ! -e stray.cred ] || { echo "FAIL: a refused keygen wrote a credential" >&2; exit 1; }

# Each voter makes a credential; only the public lines reach the authority.
: >public-keys.txt
for v in 1 2 3; do
  "$SENIM" keygen --out "voter-$v.cred" --election own-2026 --server "$SENIM_SERVER" >>public-keys.txt
done
grep -q '"seed"' voter-1.cred
! grep -q "seed" public-keys.txt
# Registered and opened with the authority's replica (--replica): each
# command checks only what the board holds beyond it.
"$SENIM" admin register --key authority.key --public-keys public-keys.txt --replica areplica 2>reg.err
grep -qE "^replica areplica: ([0-9]+) entries checked \(0 from its snapshot, 0 from its mirror, \1 new from the board\)$" reg.err ||
  { echo "FAIL: register --replica: $(cat reg.err)" >&2; exit 1; }
# A key listed twice is refused, and nothing is posted.
cp public-keys.txt twice.txt
head -n1 public-keys.txt >>twice.txt
if "$SENIM" admin register --key authority.key --public-keys twice.txt 2>err.txt; then
  echo "FAIL: a duplicate key was registered" >&2; exit 1
fi
grep -q "listed twice" err.txt
# The identity is no credential (docs/protocol.md §8.5): refused by the
# client before anything is posted.
cp public-keys.txt identity.txt
printf '%064d\n' 0 >>identity.txt
if "$SENIM" admin register --key authority.key --public-keys identity.txt 2>err.txt; then
  echo "FAIL: the identity was registered as a credential" >&2; exit 1
fi
grep -q "identity.txt line 4: credential key is the identity (32 zero bytes): it has no secret" err.txt ||
  { echo "FAIL: identity refusal: $(cat err.txt)" >&2; exit 1; }
"$SENIM" admin open --key authority.key --replica areplica 2>open.err
registered=$(sed -n 's/^replica areplica: \([0-9]*\) entries.*/\1/p' reg.err)
grep -qF "replica areplica: $((registered + 1)) entries checked (0 from its snapshot, $registered from its mirror, 1 new from the board)" open.err ||
  { echo "FAIL: open --replica: $(cat open.err)" >&2; exit 1; }

"$SENIM" vote --yes --credential voter-1.cred --choose q=yes
# Voter 2 changes their mind once, the most the manifest allows (§9.6); a
# third ballot is refused by senim vote itself, which says why.
"$SENIM" vote --yes --credential voter-2.cred --choose q=yes
"$SENIM" vote --yes --credential voter-2.cred --choose q=no
if "$SENIM" vote --yes --credential voter-2.cred --choose q=yes 2>err.txt; then
  echo "FAIL: a third ballot was cast under a limit of two" >&2; exit 1
fi
grep -q "this credential has cast 2 ballots, the most this election allows (max_ballots_per_credential = 2)" err.txt
"$SENIM" vote --yes --credential voter-3.cred --choose q=yes
"$SENIM" admin close --key authority.key
"$SENIM" admin tally --key authority.key
"$SENIM" trustee decrypt --key trustee.key
# An output path that cannot be written is refused before the result is
# posted: a publication cannot be undone.
entries_before=$("$SENIM" admin status | sed -n 's/ *entries *//p')
expect_refusal "nothing was posted (choose another --counts)" \
  "$SENIM" admin result --key authority.key --counts /nonexistent/r.tsv
[ "$("$SENIM" admin status | sed -n 's/ *entries *//p')" = "$entries_before" ] ||
  { echo "FAIL: a refused result command changed the board" >&2; exit 1; }
"$SENIM" admin result --key authority.key --counts counts.tsv
grep -qx "$(printf 'all\tq\tyes\t2')" counts.tsv
grep -qx "$(printf 'all\tq\tno\t1')" counts.tsv
"$BUILD/verifier/senim-verify" -q --server "$SENIM_SERVER" --save record.senim | tail -n 2
# Without --save the downloaded record is a private temporary file, removed
# afterwards: nothing is left in the current directory or in $TMPDIR.
mkdir scratch scratch-tmp
(cd scratch && TMPDIR="$WORK/scratch-tmp" "$BUILD/verifier/senim-verify" -q --server "$SENIM_SERVER" >/dev/null)
[ -z "$(find scratch scratch-tmp -mindepth 1)" ] || { echo "FAIL: senim-verify left files behind" >&2; ls -A scratch scratch-tmp >&2; exit 1; }
echo "voter-made credentials: end-to-end test passed"
