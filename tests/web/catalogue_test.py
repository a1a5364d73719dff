#!/usr/bin/env python3
"""The web page's one message catalogue (web/messages.json): every message
the page's scripts and HTML name is there in kk, ru and en, no language has
a message the others lack or leave empty, and each language's text has the
same {placeholders}. Usage: catalogue_test.py WEB_DIR"""

import json
import os
import re
import sys

web = sys.argv[1]
messages = json.load(open(os.path.join(web, "messages.json"), encoding="utf-8"))
failures = []
if sorted(messages) != ["en", "kk", "ru"]:
    failures.append("the languages are %s, not kk, ru, en" % sorted(messages))
keys = set().union(*(set(m) for m in messages.values()))
for lang, table in messages.items():
    for key in sorted(keys - set(table)):
        failures.append("%s lacks %s" % (lang, key))
    for key, text in table.items():
        if not text.strip():
            failures.append("%s: %s is empty" % (lang, key))
for key in sorted(keys):
    shapes = {lang: sorted(set(re.findall(r"\{(\w+)\}", table.get(key, "")))) for lang, table in messages.items()}
    if len({tuple(s) for s in shapes.values()}) != 1:
        failures.append("%s: the placeholders differ: %s" % (key, shapes))

# The keys the page names literally: t("key"…), t(c ? "a" : "b"…),
# Refusal("key"…) and data-msg="key". (Keys built at run time, such as
# "phase_" + phase, are the browser test's to see.)
named = set()
for name in ("app.js", "receipt.js", "index.html"):
    source = open(os.path.join(web, name), encoding="utf-8").read()
    named |= set(re.findall(r'\bt\(\s*"(\w+)"(?!\s*\+)', source))
    named |= set(re.findall(r'new Refusal\(\s*"(\w+)"', source))
    named |= set(re.findall(r'data-msg="(\w+)"', source))
    for a, b in re.findall(r'\bt\([^()"]*\?\s*"(\w+)"\s*:\s*"(\w+)"', source):
        named |= {a, b}
for key in sorted(named - keys):
    failures.append("the page names %s, which the catalogue lacks" % key)
if len(named) < 50:
    failures.append("only %d keys found in the page's sources: the patterns no longer match" % len(named))

for f in failures:
    print("FAIL: " + f, file=sys.stderr)
if failures:
    sys.exit(1)
print("web/messages.json: %d messages in kk, ru and en; the page names %d of them" % (len(keys), len(named)))
