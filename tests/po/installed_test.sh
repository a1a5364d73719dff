#!/bin/bash
# An installed senim finds its catalogues (client/language.hpp): installed
# into a fresh prefix, with nothing of the caller's environment and only the
# C.UTF-8 locale, it speaks Kazakh and Russian.
# Usage: installed_test.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/senim bin/senim-verify bin/senim-server share/locale/kk/LC_MESSAGES/senim.mo \
  share/locale/ru/LC_MESSAGES/senim.mo; do
  [ -e "$prefix/$f" ] || { echo "FAIL: $f is not installed" >&2; exit 1; }
done
echo hello >"$prefix/not-a-receipt"
check() {
  local env=$1 expected=$2 out
  out=$(env -i $env "$prefix/bin/senim" check "$prefix/not-a-receipt" 2>&1) && {
    echo "FAIL: senim check accepted a file that is not a receipt" >&2
    exit 1
  }
  case "$out" in
  "senim: $prefix/not-a-receipt $expected"*) echo "$env: $out" ;;
  *) echo "FAIL: with $env the installed senim said: $out" >&2; exit 1 ;;
  esac
}
check LANG=kk_KZ.UTF-8 "— senim түбіртегі емес: "
check LANG=ru_RU.UTF-8 "— не квитанция senim: "
check LANG=C.UTF-8 "is not a senim receipt: "
