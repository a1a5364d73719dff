#!/usr/bin/env bash
# End-to-end: a small election where the voters make their own credentials
# (`senim keygen`) and the authority registers only their public keys, with a
# single trustee (n = k = 1) and no districts. Usage: own_credentials_test.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
SENIM="$BUILD/client/senim"
WORK="$(mktemp -d /tmp/senim-e2e-own.XXXXXX)"
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
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
"$SENIM" admin keygen --out authority.key >/dev/null
"$SENIM" trustee keygen --name "Only trustee" --out trustee.key >/dev/null
"$SENIM" trustee box-key --key trustee.key --election own-2026 >/dev/null
"$SENIM" admin create --key authority.key --manifest manifest.json --trustee trustee.key.pub --threshold 1
"$SENIM" trustee deal --key trustee.key
"$SENIM" trustee finalize --key trustee.key

# Each voter makes a credential; only the public lines reach the authority.
: >public-keys.txt
for v in 1 2 3; do
  "$SENIM" keygen --out "voter-$v.cred" --election own-2026 --server "$SENIM_SERVER" >>public-keys.txt
done
grep -q '"seed"' voter-1.cred
! grep -q "seed" public-keys.txt
"$SENIM" admin register --key authority.key --public-keys public-keys.txt
# A key listed twice is refused, and nothing is posted.
cp public-keys.txt twice.txt
head -n1 public-keys.txt >>twice.txt
if "$SENIM" admin register --key authority.key --public-keys twice.txt 2>err.txt; then
  echo "FAIL: a duplicate key was registered" >&2; exit 1
fi
grep -q "listed twice" err.txt
"$SENIM" admin open --key authority.key

"$SENIM" vote --credential voter-1.cred --choose q=yes
# Voter 2 changes their mind once, the most the manifest allows (§9.6); a
# third ballot is refused by senim vote itself, which says why.
"$SENIM" vote --credential voter-2.cred --choose q=yes
"$SENIM" vote --credential voter-2.cred --choose q=no
if "$SENIM" vote --credential voter-2.cred --choose q=yes 2>err.txt; then
  echo "FAIL: a third ballot was cast under a limit of two" >&2; exit 1
fi
grep -q "this credential has cast 2 ballots, the most this election allows (max_ballots_per_credential = 2)" err.txt
"$SENIM" vote --credential voter-3.cred --choose q=yes
"$SENIM" admin close --key authority.key
"$SENIM" admin tally --key authority.key
"$SENIM" trustee decrypt --key trustee.key
"$SENIM" admin result --key authority.key --counts counts.tsv
grep -qx "$(printf 'all\tq\tyes\t2')" counts.tsv
grep -qx "$(printf 'all\tq\tno\t1')" counts.tsv
"$BUILD/verifier/senim-verify" -q --server "$SENIM_SERVER" --save record.senim | tail -n 2
echo "voter-made credentials: end-to-end test passed"
