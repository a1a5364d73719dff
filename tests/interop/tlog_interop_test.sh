#!/usr/bin/env bash
# tlog interoperability (tests/interop/README.md): senim writes, Go's
# golang.org/x/mod checks and signs, senim checks back.
# Usage: tlog_interop_test.sh SENIM_TLOG_INTEROP GO_PROGRAM WORK_DIR
set -euo pipefail
tool=$1 go_program=$2 dir=$3
rm -rf "$dir"
mkdir -p "$dir"
"$tool" write "$dir"
"$go_program" "$dir"
"$tool" check "$dir"
