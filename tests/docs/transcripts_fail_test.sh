#!/usr/bin/env bash
# scripts/check-transcripts can fail: on a copy of the guides with one word
# changed in a transcript it exits 1 with a unified diff naming the line and
# both versions; --update puts back exactly the real output; a marked block
# that the story never plays is an error; a command that quotes a value no
# output printed (a stale copy) stops the story. Usage: transcripts_fail_test.sh BUILD_DIR [PYTHON]
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
PYTHON="${2:-python3}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d /tmp/senim-transcripts-test.XXXXXX)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
check() { "$PYTHON" "$ROOT/scripts/check-transcripts" --build "$BUILD" --docs "$WORK/docs" "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir "$WORK/docs"
cp "$ROOT"/docs/*.md "$WORK/docs/"
guide="$WORK/docs/operator-guide.md"
real='authority key written to authority.key (keep it secret)'
wrong='authority key written to authority.key (keep it safe)'
grep -qxF -- "$real" "$guide" || fail "the operator guide has no line \"$real\" to change"
sed -i "s/^authority key written to authority.key (keep it secret)\$/$wrong/" "$guide"

# 1. The changed word is found, as a diff, and the exit status is 1.
set +e
check --until operator/admin-keygen >"$WORK/out" 2>&1
status=$?
set -e
cat "$WORK/out"
[ "$status" -eq 1 ] || fail "expected exit status 1 for a changed word, got $status"
grep -qxF -- "--- docs/operator-guide.md (transcript operator/admin-keygen, as the guide shows it)" "$WORK/out" ||
  fail "no diff header naming the guide and the transcript"
grep -qxF -- "-$wrong" "$WORK/out" || fail "the diff does not show the guide's line"
grep -qxF -- "+$real" "$WORK/out" || fail "the diff does not show the real line"
line=$(grep -nxF -- "$wrong" "$guide" | cut -d: -f1)
grep -qE "^@@ -$((line - 1)),[0-9]+ \+$((line - 1)),[0-9]+ @@$" "$WORK/out" ||
  fail "the diff's hunk does not start at the block's lines in the guide (line $line)"
echo "ok: a changed word fails with a diff"

# 2. --update writes back the real output: the guide is the original again.
check --update --until operator/admin-keygen
cmp "$guide" "$ROOT/docs/operator-guide.md" || fail "--update did not restore the guide byte for byte"
check --until operator/admin-keygen || fail "the updated guide does not pass"
echo "ok: --update restores the guide"

# 3. A marked block that the story never plays is an error, named.
cat >>"$WORK/docs/voter-guide.md" <<'MD'

<!-- transcript: voter/nowhere -->
```
$ senim --version
```
MD
set +e
check >"$WORK/out" 2>&1
status=$?
set -e
tail -n 3 "$WORK/out"
[ "$status" -eq 1 ] || fail "expected exit status 1 for a block never played, got $status"
grep -qF "transcript voter/nowhere is marked, but the story (scripts/lib/transcripts/story.py) never plays voter/nowhere" \
  "$WORK/out" || fail "the block never played is not named"
echo "ok: a block never played fails"

# 4. A command quoting a value that no output printed stops the story (exit 2):
#    --update must never write what a stale command printed.
cp "$ROOT/docs/voter-guide.md" "$WORK/docs/voter-guide.md"
code=$(sed -n 's|.*/v1/ballots/\([0-9a-f]\{64\}\)?format=json.*|\1|p' "$WORK/docs/voter-guide.md")
[ -n "$code" ] || fail "the voter guide has no ballot look-up to change"
stale=$(printf '%s' "$code" | tr '0123456789abcdef' '123456789abcdef0')
sed -i "/v1\/ballots\//s/$code/$stale/" "$WORK/docs/voter-guide.md"
cp "$WORK/docs/voter-guide.md" "$WORK/voter-guide.before"
set +e
check --update --until voter/ballot-lookup >"$WORK/out" 2>&1
status=$?
set -e
tail -n 2 "$WORK/out"
[ "$status" -eq 2 ] || fail "expected exit status 2 for a stale value in a command, got $status"
grep -qF "quotes $stale, which no earlier output of the story printed" "$WORK/out" ||
  fail "the stale value is not named"
cmp "$WORK/voter-guide.before" "$WORK/docs/voter-guide.md" || fail "--update rewrote the voter guide"
echo "ok: a stale value in a command stops the story"
