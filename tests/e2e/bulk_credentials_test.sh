#!/usr/bin/env bash
# End-to-end: credentials issued in bulk (`senim admin credentials --lines`),
# one file per district with a line per voter, and voters voting with a
# line. The issuing is cut off half-way by the board's open (credentials are
# refused from then on): every line left in the files must be a credential on
# the board, and no more lines than that. Usage: bulk_credentials_test.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
SENIM="$BUILD/client/senim"
WORK="$(mktemp -d /tmp/senim-e2e-bulk.XXXXXX)"
SERVER_PID=
ISSUER_PID=
source "$(dirname "$0")/../../scripts/lib/processes.sh"
trap 'stop_processes $ISSUER_PID $SERVER_PID; rm -rf "$WORK"' EXIT
cd "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BUILD/server/senim-server" --data board --listen 127.0.0.1:0 >server.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do grep -q "listening on" server.log 2>/dev/null && break; sleep 0.1; done
export SENIM_SERVER=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' server.log | head -n1)

cat >manifest.json <<'JSON'
{"election_id": "bulk-2026", "languages": ["en"], "max_ballots_per_credential": 2,
 "title": {"text": {"en": "A question"}},
 "districts": [{"id": "north", "name": {"text": {"en": "North"}}},
               {"id": "south", "name": {"text": {"en": "South"}}}],
 "contests": [{"id": "q", "title": {"text": {"en": "Agree?"}}, "min_selections": 1, "max_selections": 1,
               "options": [{"id": "yes", "label": {"text": {"en": "Yes"}}},
                           {"id": "no", "label": {"text": {"en": "No"}}}]}]}
JSON
"$SENIM" admin keygen --out authority.key >/dev/null
"$SENIM" trustee keygen --name "Only trustee" --out trustee.key >/dev/null
"$SENIM" trustee box-key --key trustee.key --election bulk-2026 >/dev/null
"$SENIM" admin create --key authority.key --manifest manifest.json --trustee trustee.key.pub --threshold 1 >/dev/null
"$SENIM" trustee deal --key trustee.key >/dev/null
"$SENIM" trustee finalize --key trustee.key >/dev/null
on_board() { "$SENIM" admin status | sed -n 's/^ *credentials *//p'; }

# 4,501 credentials over both districts: 2,251 north, 2,250 south, in ten
# lists (the last of one), a secret line each, the files 0600.
"$SENIM" admin credentials --key authority.key --lines --count 4501 --out creds >out.txt 2>err.txt
grep -qF "4501 credentials issued, one line each: secret files creds/credentials-north.jsonl creds/credentials-south.jsonl; public keys on the board" out.txt ||
  fail "unexpected output: $(cat out.txt err.txt)"
grep -qF "senim: 4501 of 4501 credentials issued" err.txt || fail "no progress line: $(cat err.txt)"
[ "$(wc -l <creds/credentials-north.jsonl)" = 2251 ] || fail "north has $(wc -l <creds/credentials-north.jsonl) lines"
[ "$(wc -l <creds/credentials-south.jsonl)" = 2250 ] || fail "south has $(wc -l <creds/credentials-south.jsonl) lines"
[ "$(stat -c %a creds/credentials-north.jsonl)" = 600 ] || fail "a file of secrets is not 0600"
[ "$(on_board)" = 4501 ] || fail "the board holds $(on_board) credentials"
# Every line is one credential of its district, and no seed repeats.
[ "$(grep -c '^{"election_id":"bulk-2026","server":"http://127.0.0.1:[0-9]*","district":"north","seed":"[A-Za-z0-9+/]*="}$' creds/credentials-north.jsonl)" = 2251 ] ||
  fail "a north line is not a north credential"
[ "$(sed 's/.*"seed"://' creds/credentials-*.jsonl | sort -u | wc -l)" = 4501 ] || fail "a seed repeats"

# A second run into the same directory is refused before anything is posted.
if "$SENIM" admin credentials --key authority.key --lines --count 10 --out creds 2>err.txt; then
  fail "an existing file of credentials was overwritten"
fi
grep -qF "creds/credentials-north.jsonl already exists; not overwriting it; nothing was posted" err.txt ||
  fail "unexpected refusal: $(cat err.txt)"
[ "$(on_board)" = 4501 ] || fail "a refused run posted credentials"
[ "$(wc -l <creds/credentials-north.jsonl)" = 2251 ] || fail "a refused run changed a file"

# One district only: only its file.
"$SENIM" admin credentials --key authority.key --lines --district south --count 7 --out south >/dev/null 2>&1
[ "$(wc -l <south/credentials-south.jsonl)" = 7 ] && [ ! -e south/credentials-north.jsonl ] ||
  fail "--district south wrote: $(ls south)"

# With --replica DIR (the authority's followed replica), a run checks only
# the entries posted since the replica last looked: here the lists of the
# run before it. `admin follow --once` brings it up first, with a snapshot.
"$SENIM" admin follow --data areplica --once >follow.out 2>&1 || fail "follow: $(cat follow.out)"
entries() { "$SENIM" admin status | sed -n 's/^ *entries *//p'; }
e0=$(entries)
"$SENIM" admin credentials --key authority.key --lines --count 1000 --out r1 --replica areplica >r1.out 2>r1.err ||
  fail "with --replica: $(cat r1.err)"
grep -qF "replica areplica: $e0 entries checked ($e0 from its snapshot, 0 from its mirror, 0 new from the board)" r1.err ||
  fail "a current replica checked more than what is new: $(cat r1.err)"
e1=$(entries)
[ $((e1 - e0)) = 2 ] || fail "1,000 credentials in $((e1 - e0)) lists, not 2"
"$SENIM" admin credentials --key authority.key --lines --count 1000 --out r2 --replica areplica >r2.out 2>r2.err ||
  fail "with --replica: $(cat r2.err)"
grep -qF "replica areplica: $e1 entries checked ($e0 from its snapshot, 0 from its mirror, 2 new from the board)" r2.err ||
  fail "the second run did not check only the 2 new lists: $(cat r2.err)"
grep -qF "1000 credentials issued, one line each" r2.out || fail "unexpected output: $(cat r2.out)"
[ "$(cat r1/credentials-*.jsonl r2/credentials-*.jsonl | wc -l)" = 2000 ] || fail "not 2,000 lines"
# The same board as without: every key posted once, counted by the board.
[ "$(on_board)" = $((4501 + 7 + 2000)) ] || fail "the board holds $(on_board) credentials"
# One file per credential, numbered on from the credentials on the board
# that the replica counted, as without --replica.
"$SENIM" admin credentials --key authority.key --count 2 --out files --replica areplica >/dev/null 2>files.err ||
  fail "per-file with --replica: $(cat files.err)"
[ "$(ls files)" = "$(printf 'voter-%06d.cred\nvoter-%06d.cred' 6509 6510)" ] ||
  fail "per-file credentials numbered $(ls files | tr '\n' ' ')"
# (The replica's 2 entries after its snapshot are checked again from its
# mirror: a command writes a snapshot only 256 entries after the last.)
grep -qF "replica areplica: $((e1 + 2)) entries checked ($e0 from its snapshot, 2 from its mirror, 2 new from the board)" files.err ||
  fail "the per-file run checked more than what is new: $(cat files.err)"
# A replica whose mirror was changed after its snapshot (the last list) is
# refused, and nothing is posted or written.
cp -r areplica achanged
flip_byte achanged/mirror.senim $(($(stat -c %s achanged/mirror.senim) - 40))
before=$(on_board)
if "$SENIM" admin credentials --key authority.key --lines --count 10 --out r3 --replica achanged 2>r3.err; then
  fail "a changed replica issued credentials"
fi
grep -qF "achanged/mirror.senim does not hold the $((e1 + 2)) entries that achanged/replica.json vouches for (changed?)" r3.err ||
  fail "unexpected refusal: $(cat r3.err)"
[ "$(on_board)" = "$before" ] && [ ! -e r3/credentials-north.jsonl ] || fail "a refused run posted or wrote"
# Changed before its snapshot: the follower starting finds it by hashing
# the whole mirror (a command does not read it: docs/protocol.md §11.7).
"$SENIM" admin follow --data areplica --once >/dev/null 2>&1
cp -r areplica abefore
flip_byte abefore/mirror.senim $(($(stat -c %s abefore/mirror.senim) / 2))
if "$SENIM" admin follow --data abefore --once >r4.out 2>r4.err; then fail "a changed mirror was followed"; fi
grep -qF "entries do not hash to the tree of the" r4.err && grep -qF "the mirror was changed after it was checked" r4.err ||
  fail "unexpected refusal: $(cat r4.err)"

# Cut off half-way: the open makes the board refuse the lists still coming.
cut_base=$(on_board)
"$SENIM" admin credentials --key authority.key --lines --count 400000 --out cut >cut.out 2>cut.err &
ISSUER_PID=$!
for _ in $(seq 600); do grep -q "credentials issued (" cut.err 2>/dev/null && break; sleep 0.05; done
grep -q "credentials issued (" cut.err || fail "the bulk run showed no progress: $(cat cut.err)"
# Paused while the board opens, so that the open lands half-way whatever
# the machine's load (the open checks every list posted so far: on a busy
# machine the issuer used to finish all 400,000 first).
kill -STOP "$ISSUER_PID"
"$SENIM" admin open --key authority.key >/dev/null
kill -CONT "$ISSUER_PID"
if wait "$ISSUER_PID"; then ISSUER_PID=; fail "all 400,000 were issued before the open: make the count larger"; fi
ISSUER_PID=
grep -qE "credentials were issued and posted, their lines kept; the lines of credentials not posted were removed" cut.err ||
  fail "unexpected failure: $(cat cut.err)"
posted=$(sed -n 's/.*; \([0-9]*\) of the 400000 credentials were issued and posted.*/\1/p' cut.err)
lines=$(cat cut/credentials-*.jsonl | wc -l)
[ "$lines" = "$posted" ] || fail "$lines lines kept for $posted credentials posted"
[ "$(on_board)" = $((cut_base + posted)) ] || fail "the board holds $(on_board), the files $((cut_base + lines))"
echo "cut off after $posted credentials posted" >&2
[ "$posted" -gt 0 ] && [ "$posted" -lt 400000 ] || fail "posted $posted"

# Voters vote with a line; the receipt is named after the file and line.
last_north=$(wc -l <creds/credentials-north.jsonl)
"$SENIM" vote --yes --credential creds/credentials-north.jsonl --line 3 --choose q=yes >/dev/null
"$SENIM" vote --yes --credential creds/credentials-north.jsonl --line "$last_north" --choose q=no >/dev/null
last_cut=$(wc -l <cut/credentials-south.jsonl)
"$SENIM" vote --yes --credential cut/credentials-south.jsonl --line "$last_cut" --choose q=no >/dev/null
[ -s creds/credentials-north.jsonl.3.tlog-proof ] || fail "no receipt for line 3"
"$SENIM" check creds/credentials-north.jsonl.3.tlog-proof --credential creds/credentials-north.jsonl --line 3 >check.txt
grep -q "is on the board" check.txt || fail "senim check: $(cat check.txt)"
# A line the file does not have, and line 0, are refused, and nothing is cast.
before=$("$SENIM" admin status | sed -n 's/^ *ballots *//p')
if "$SENIM" vote --yes --credential creds/credentials-north.jsonl --line 99999 --choose q=yes 2>err.txt; then
  fail "line 99999 voted"
fi
grep -qF "creds/credentials-north.jsonl has fewer than 99999 lines" err.txt || fail "unexpected: $(cat err.txt)"
if "$SENIM" vote --yes --credential creds/credentials-north.jsonl --line 0 --choose q=yes 2>err.txt; then
  fail "line 0 voted"
fi
grep -qF -- "--line: Value 0 not in range 1 to 100000000" err.txt || fail "unexpected: $(cat err.txt)"
[ "$("$SENIM" admin status | sed -n 's/^ *ballots *//p')" = "$before" ] || fail "a refused vote was cast"
echo "bulk credentials: end-to-end test passed"
