#!/usr/bin/env python3
"""Runs the curl examples of docs/api.md against a real board, so the docs
cannot drift: every `curl` line of a ```sh block that reads the board (no
POST) is run with the board's URL in place of http://127.0.0.1:8080 and
$SHORT, $CODE, $CHALLENGED set to real tracking codes. A `$ curl` example
followed by JSON must answer JSON of the same shape: the same keys at every
level (`…` stands for any value, `[…]` for any list, `{…}` for any object),
and values of the same JSON type.

Usage: api_examples.py --url URL --short CODE --full HEX --challenged CODE
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANY = "__any__"


def examples(markdown):
    """(command, documented output or None) for each read example."""
    out = []
    for block in re.findall(r"```sh\n(.*?)```", markdown, re.S):
        lines = block.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i].strip()
            i += 1
            command = line[2:] if line.startswith("$ ") else line
            if not command.startswith("curl ") or "-X POST" in command or "--data" in command:
                continue
            shown = []
            while line.startswith("$ ") and i < len(lines) and lines[i] and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            out.append((command, "\n".join(shown) if shown else None))
    return out


def documented(text):
    text = text.replace("[…]", '["%s"]' % ANY).replace("{…}", '{"%s": 1}' % ANY)
    return json.loads(text)


def same_shape(doc, real, where):
    if doc == ANY or (isinstance(doc, dict) and ANY in doc and isinstance(real, dict)):
        return []
    if isinstance(doc, dict):
        if not isinstance(real, dict):
            return ["%s: documented an object, got %r" % (where, real)]
        problems = []
        if set(doc) != set(real):
            problems.append("%s: documented keys %s, the board's %s" % (where, sorted(doc), sorted(real)))
        for k in set(doc) & set(real):
            problems += same_shape(doc[k], real[k], where + "." + k)
        return problems
    if isinstance(doc, list):
        if not isinstance(real, list):
            return ["%s: documented a list, got %r" % (where, real)]
        if doc == [ANY] or not doc or not real:
            return []
        return same_shape(doc[0], real[0], where + "[0]")
    if type(doc) is not type(real) and not (doc is None):
        return ["%s: documented %r, the board gave %r" % (where, doc, real)]
    return []


def main():
    p = argparse.ArgumentParser()
    for name in ("url", "short", "full", "challenged"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    markdown = open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8").read()
    env = dict(os.environ, SHORT=a.short, CODE=a.full, CHALLENGED=a.challenged)
    failures, checked = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for command, shown in examples(markdown):
            real_command = command.replace("http://127.0.0.1:8080", a.url)
            run = subprocess.run(["bash", "-c", real_command], cwd=tmp, env=env, capture_output=True,
                                 text=True, timeout=30)
            if run.returncode != 0:
                failures.append("%s: exit %d %s" % (command, run.returncode, run.stderr))
                continue
            checked += 1
            if shown is None or not shown.lstrip().startswith("{"):
                continue
            try:
                real = json.loads(run.stdout)
            except ValueError:
                failures.append("%s: the board did not answer JSON: %r" % (command, run.stdout[:300]))
                continue
            if "code" in real and "message" in real and "code" not in documented(shown):
                failures.append("%s: the board refused: %s" % (command, real["message"]))
                continue
            failures += ["%s: %s" % (command, p) for p in same_shape(documented(shown), real, "answer")]
    for f in failures:
        print("FAIL: docs/api.md: " + f, file=sys.stderr)
    print("docs/api.md: %d curl examples run, %d failures" % (checked, len(failures)))
    expected_endpoints = ["/v1/manifest", "/v1/turnout", "/v1/result", "/v1/challenges/", "/v1/log",
                          "/v1/ballots/", "/v1/election", "/v1/entries", "/checkpoint", "/tile/",
                          "/v1/proofs/consistency", "/v1/record", "/metrics", "/web/", "/v1/witnessed-checkpoint",
                          "/v1/proofs/inclusion", "/v1/credentials/", "/v1/voter-view/"]
    commands = " ".join(c for c, _ in examples(markdown))
    missing = [e for e in expected_endpoints if e not in commands]
    for e in missing:
        print("FAIL: docs/api.md has no curl example for " + e, file=sys.stderr)
    sys.exit(1 if failures or missing else 0)


if __name__ == "__main__":
    main()
