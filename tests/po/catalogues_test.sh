#!/bin/bash
# The message catalogues are complete (client/language.hpp, po/):
#  1. po/senim.pot is what xgettext makes of the sources now, so that no
#     message marked with tr(), trn() or mark() is missing from it;
#  2. every message of the template has a Kazakh and a Russian translation,
#     none of them fuzzy;
#  3. each translation keeps the placeholders {1}, {2}, … of its message;
#  4. the compiled catalogues in the build tree are those of po/.
# Usage: catalogues_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

"$src/scripts/update-po" --pot "$tmp/senim.pot"
if ! diff -u "$src/po/senim.pot" "$tmp/senim.pot"; then
  echo "FAIL: po/senim.pot is not what the sources mark; run scripts/update-po and translate" >&2
  status=1
fi

for lang in kk ru; do
  po="$src/po/$lang.po"
  # msgcmp: each message of the template must have a translation (untranslated
  # and fuzzy ones count as missing).
  if ! msgcmp "$po" "$tmp/senim.pot"; then
    echo "FAIL: po/$lang.po lacks translations (above)" >&2
    status=1
  fi
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
  if [ "$fuzzy" != 0 ]; then
    echo "FAIL: po/$lang.po has $fuzzy fuzzy translation(s)" >&2
    status=1
  fi
  msgfmt --check --output-file="$tmp/$lang.mo" "$po"
  if ! cmp -s "$tmp/$lang.mo" "$build/share/locale/$lang/LC_MESSAGES/senim.mo"; then
    echo "FAIL: build/share/locale/$lang/LC_MESSAGES/senim.mo is not compiled from po/$lang.po" >&2
    status=1
  fi
  python3 - "$tmp/$lang.mo" "$lang" <<'PY' || status=1
import gettext, re, sys
catalogue = gettext.GNUTranslations(open(sys.argv[1], "rb"))._catalog
bad = 0
for key, text in catalogue.items():
    msgid = key[0] if isinstance(key, tuple) else key
    if msgid == "":
        continue
    if isinstance(key, tuple):
        # Plural forms: compare with the plural message id's placeholders.
        msgid = msgid.split("\x00")[-1]
    want = sorted(set(re.findall(r"\{[1-9]\}", msgid)))
    got = sorted(set(re.findall(r"\{[1-9]\}", text)))
    if want != got:
        print("FAIL: %s: %r has placeholders %s, its translation %r has %s"
              % (sys.argv[2], msgid, want, text, got), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
done
[ $status = 0 ] && echo "catalogues complete: $(grep -c '^msgid ' "$src/po/senim.pot") messages in kk and ru"
exit $status
