#!/usr/bin/env python3
"""Drives headless chromium (chromium-driver, python3-selenium) over the
board's web page, for one phase of a real election run by browser_test.sh.

--phase voting:   renders in kk, ru (from the browser's languages) and en;
                  a short tracking code is found as cast; an unknown one is
                  not; a challenged ballot shows the choices the voter made;
                  a receipt checks, a tampered one and a non-receipt are
                  refused; bad codes get a clear message.
--phase finished: the result on the page equals the board's /v1/result and
                  the voters' intended votes; ballots are counted or superseded.
--phase mirror:   the same page served from a static mirror (senim export-tiles
                  and python3 -m http.server, --url the mirror, --mirror its
                  directory): codes found from the mirror's code index with
                  their states, proven from the tiles; an unknown code says so;
                  a challenged ballot shows its choices; a bucket edited to
                  point a code at another entry is caught.
In each phase, a found ballot's entry is proven from the tiles against the
checkpoint, and a receipt's witness cosignatures are checked against the
quorum (a tampered cosignature is named invalid, and the quorum not met
once too few remain).
Every failure names what differed. Screenshots: --shots DIR.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MESSAGES = json.load(open(os.path.join(ROOT, "web", "messages.json"), encoding="utf-8"))


def fail(what):
    print("FAIL: " + what, file=sys.stderr)
    sys.exit(1)


def expect(condition, what):
    if not condition:
        fail(what)


def browser(languages="en"):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1000,2400", "--lang=" + languages.split(",")[0]):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": languages})
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def board_json(url, path):
    request = urllib.request.Request(url + path, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def open_page(driver, url, query=""):
    driver.get(url + "/" + query)
    WebDriverWait(driver, 15).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def wait_text(driver, element_id, what):
    """Waits until the element's text is neither empty nor a 'searching' message."""
    busy = {m["searching"] for m in MESSAGES.values()} | {m["receipt_checking"] for m in MESSAGES.values()}
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, element_id).text.strip() not in busy | {""}, what)
    return text_of(driver, element_id)


def search(driver, code):
    box = driver.find_element(By.ID, "code")
    box.clear()
    box.send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "#search-form button").click()
    return wait_text(driver, "search-answer", "an answer to the search for " + code)


def upload(driver, path):
    driver.execute_script("document.getElementById('receipt-answer').replaceChildren()")
    chooser = driver.find_element(By.ID, "receipt-file")
    driver.execute_script("arguments[0].value = ''", chooser)
    chooser.send_keys(path)
    return wait_text(driver, "receipt-answer", "an answer to the receipt " + path)


def shot(driver, shots, name, section):
    """A screenshot with `section` (an element id) at the top of the window."""
    driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", section)
    driver.save_screenshot(os.path.join(shots, name))


def proof_of(driver, code):
    """The search's proof line, after it was waited for: (data-proof, text)."""
    found = driver.find_elements(By.ID, "ballot-proof")
    expect(found, "no proof line in the answer for " + code + ": " + text_of(driver, "search-answer"))
    return found[0].get_attribute("data-proof"), found[0].text


def expect_proven(driver, code):
    proof, line = proof_of(driver, code)
    expect(proof == "verified", "the entry of " + code + " is not proven: " + line)


def cosignatures(driver, which="receipt"):
    """{witness: valid} and the quorum line of the last receipt check, for the
    receipt's own checkpoint ("receipt") or the site's that covers it ("witnessed")."""
    items = driver.find_elements(By.CSS_SELECTOR, "#%s-cosignatures li" % which)
    quorum = driver.find_elements(By.ID, which + "-quorum")
    expect(quorum, "the receipt check says nothing of the witnesses: " + text_of(driver, "receipt-answer"))
    return ({li.get_attribute("data-witness"): li.get_attribute("data-valid") == "true" for li in items},
            quorum[0].get_attribute("data-quorum"), quorum[0].text)


def forge_cosignatures(lines, how_many):
    """The receipt's lines with the last byte of the signature of its first
    `how_many` cosignature lines changed (after the board's own line)."""
    at = [i for i, l in enumerate(lines) if l.startswith("\u2014 ")][1:]
    expect(len(at) >= how_many, "the receipt has %d cosignatures" % len(at))
    out = list(lines)
    for i in at[:how_many]:
        name, blob = out[i][2:].split(" ")
        raw = bytearray(base64.b64decode(blob))
        raw[-1] ^= 0x01
        out[i] = "\u2014 " + name + " " + base64.b64encode(bytes(raw)).decode()
    return out, len(at)


def leaf_hashes(mirror, size):
    """The tree's leaf hashes, from the mirror's level-0 tiles."""
    out = []
    for n in range((size + 255) // 256):
        width = min(256, size - 256 * n)
        path = "%03d" % (n % 1000)
        rest = n // 1000
        while rest:
            path = "x%03d/" % (rest % 1000) + path
            rest //= 1000
        name = os.path.join(mirror, "tile", "0", path + ("" if width == 256 else ".p/%d" % width))
        data = open(name, "rb").read()
        out += [data[32 * i:32 * i + 32] for i in range(width)]
    return out


def inclusion_path(leaves, m):
    """RFC 9162 §2.1.3.1 PATH(m, D[n]), over the leaf hashes."""
    def mth(hashes):
        if len(hashes) == 1:
            return hashes[0]
        k = 1 << ((len(hashes) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()
    if len(leaves) == 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return inclusion_path(leaves[:k], m) + [mth(leaves[k:])]
    return inclusion_path(leaves[k:], m - k) + [mth(leaves[:k])]


def cosigned_receipt(receipt, mirror, out):
    """The receipt moved to the mirror's cosigned checkpoint: its entry, with
    the inclusion path in that checkpoint's tree (a receipt as `senim vote`
    would write it had the witnesses already cosigned)."""
    lines = open(receipt, encoding="utf-8").read().split("\n")
    note = open(os.path.join(mirror, "checkpoint"), encoding="utf-8").read()
    size = int(note.split("\n")[1])
    index = int(lines[2].split(" ")[1])
    path = inclusion_path(leaf_hashes(mirror, size), index)
    text = "\n".join(lines[:3] + [base64.b64encode(h).decode() for h in path] + ["", note])
    open(out, "w", encoding="utf-8").write(text)
    return out


def forge_note_cosignatures(path, how_many):
    lines, count = forge_cosignatures(open(path, encoding="utf-8").read().split("\n"), how_many)
    open(path, "w", encoding="utf-8").write("\n".join(lines))
    return count


def check_receipt_cosignatures(driver, work, receipt, shots, tag):
    """A receipt's cosignatures meet the quorum (2 of the 3 witnesses); a
    forged one is named invalid; with too few valid the quorum is not met."""
    en = MESSAGES["en"]
    upload(driver, receipt)
    expect(driver.find_elements(By.ID, "receipt-ok"), "a good receipt was refused: " + text_of(driver, "receipt-answer"))
    valid, quorum, line = cosignatures(driver)
    expect(quorum == "met" and sum(valid.values()) >= 2 and all(valid.values()),
           "a receipt's cosignatures: %s, %s" % (valid, line))
    expect(en["quorum_met"].split("{")[0] in line and "— met" in line, "the quorum line: " + line)
    lines = open(receipt, encoding="utf-8").read().split("\n")
    forged, count = forge_cosignatures(lines, 1)
    tampered = os.path.join(work, "cosigned-%s.tlog-proof" % tag)
    open(tampered, "w", encoding="utf-8").write("\n".join(forged))
    upload(driver, tampered)
    expect(driver.find_elements(By.ID, "receipt-ok"), "a forged cosignature refused the board's own proof")
    valid, quorum, line = cosignatures(driver)
    expect(list(valid.values()).count(False) == 1, "one forged cosignature: %s" % valid)
    bad = [w for w, ok in valid.items() if not ok][0]
    expect(en["cosignature_invalid"].format(name=bad) in text_of(driver, "receipt-answer"),
           "the forged cosignature of %s is not named invalid: %s" % (bad, text_of(driver, "receipt-answer")))
    expect(quorum == ("met" if count - 1 >= 2 else "not-met"), "%d of %d left: %s" % (count - 1, count, line))
    forged, count = forge_cosignatures(lines, count - 1)
    open(tampered, "w", encoding="utf-8").write("\n".join(forged))
    upload(driver, tampered)
    valid, quorum, line = cosignatures(driver)
    expect(quorum == "not-met" and sum(valid.values()) == 1, "one valid cosignature left: %s, %s" % (valid, line))
    expect("NOT met" in line, "the quorum not met is not said: " + line)
    shot(driver, shots, "receipt-quorum-not-met-" + tag + ".png", "receipt")


def codes_in(log):
    return [CODE.search(m.group(0)).group(0) for m in re.finditer(r"tracking code\s+" + CODE.pattern, log)]


def plan(work):
    """Each voter: (credential file, mode, referendum, council), and the codes
    of its log; the first plain voter also challenged and voted again
    (logs/web-voter.log, browser_test.sh): 'web' has those codes."""
    voters = []
    for line in open(os.path.join(work, "plan.tsv"), encoding="utf-8"):
        cred, mode, ref, council = line.rstrip("\n").split("\t")[:4]
        log = open(os.path.join(work, "logs", os.path.basename(cred)[:-5] + ".log"), encoding="utf-8").read()
        codes = [m.group(0) for m in re.finditer(r"tracking code\s+(" + CODE.pattern + ")", log)]
        codes = [CODE.search(c).group(0) for c in codes]
        challenged = re.search(r"challenged: ballot (" + CODE.pattern + ")", log)
        voters.append({"cred": os.path.join(work, cred), "mode": mode, "ref": ref, "council": council,
                       "codes": codes, "challenged": challenged.group(1) if challenged else None})
    web = open(os.path.join(work, "logs", "web-voter.log"), encoding="utf-8").read()
    first = next(v for v in voters if v["mode"] == "cast")
    first["web"] = {"challenged": CODE.search(web.split("challenged: ballot")[1]).group(0),
                    "final": codes_in(web)[-1]}
    return voters


def check_languages(url, manifest, shots):
    title = manifest["manifest"]["title"]["text"]
    # Russian from the browser's languages (navigator.languages), no switch touched.
    driver = browser("ru-RU,ru")
    try:
        open_page(driver, url)
        expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru",
               "a browser asking for ru did not get the page in Russian")
        expect(text_of(driver, "title") == title["ru"], "the Russian title is " + text_of(driver, "title"))
        expect(driver.find_element(By.CSS_SELECTOR, "#search-form button").text == MESSAGES["ru"]["search_button"],
               "the search button is not in Russian")
        driver.save_screenshot(os.path.join(shots, "voting-ru.png"))
    finally:
        driver.quit()
    driver = browser("en")
    open_page(driver, url, "?lang=kk")
    for lang in ("kk", "en"):
        if lang == "en":
            driver.find_element(By.CSS_SELECTOR, "#lang option[value=en]").click()
        expect(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang, "html lang is not " + lang)
        expect(text_of(driver, "title") == title[lang], lang + ": the title is " + text_of(driver, "title"))
        expect(MESSAGES[lang]["threshold"].split("{")[0].strip()[:10] in text_of(driver, "threshold")
               or lang == "kk", lang + ": the threshold sentence is not translated")
        for contest in manifest["manifest"]["contests"]:
            expect(contest["title"]["text"][lang] in text_of(driver, "contests"),
                   lang + ": contest " + contest["id"] + " is not shown")
        for trustee in manifest["trustees"]:
            expect(trustee["fingerprint"] in text_of(driver, "trustees"), "trustee fingerprint missing")
        driver.save_screenshot(os.path.join(shots, "voting-" + lang + ".png"))
    return driver  # in English from here on


def check_voting(url, work, shots):
    manifest = board_json(url, "/v1/manifest")
    voters = plan(work)
    driver = check_languages(url, manifest, shots)
    en = MESSAGES["en"]
    try:
        turnout = board_json(url, "/v1/turnout")
        expect(turnout["total"]["voters"] == str(len(voters)) and int(turnout["ballots_cast"]) > len(voters), "the board's turnout is " + str(turnout["total"]))
        expect("\n" + str(len(voters)) + " " in "\n" + text_of(driver, "turnout").split(en["total"])[-1].strip()
               or str(len(voters)) in text_of(driver, "turnout"), "the turnout table lacks the voters")

        plain = [v for v in voters if v["mode"] == "cast"][1]
        answer = search(driver, plain["codes"][-1].lower().replace("-", ""))
        expect(driver.find_element(By.ID, "ballot-state").get_attribute("data-state") == "cast",
               "a cast ballot's short code: " + answer)
        expect(en["state_cast"] in answer, "the cast state is not said: " + answer)
        expect_proven(driver, plain["codes"][-1])

        answer = search(driver, "0000-0000-0000-0000")
        expect(en["not_found"].format(code="0000-0000-0000-0000") in answer, "an unknown code: " + answer)

        challenger = next(v for v in voters if "web" in v)
        answer = search(driver, challenger["web"]["challenged"])
        expect(en["state_challenged"] in answer, "a challenged ballot: " + answer)
        labels = {o["id"]: o["label"]["text"]["en"] for c in manifest["manifest"]["contests"] for o in c["options"]}
        chosen = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#opened li[data-chosen=true]")]
        wanted = []
        for picks in (challenger["ref"], challenger["council"]):
            wanted += ["☑ " + en["blank_chosen"]] if picks == "blank" else \
                ["☑ " + labels[p] + " — " + en["chosen"] for p in picks.split(",")]
        expect(sorted(chosen) == sorted(wanted), "the opened choices %s are not the voter's %s" % (chosen, wanted))
        expect_proven(driver, challenger["web"]["challenged"])
        driver.save_screenshot(os.path.join(shots, "challenged-en.png"))

        for bad, key in (("", "code_empty"), ("T24F-H03P", "code_bad_length"), ("<script>x</script>", "code_bad_chars")):
            answer = search(driver, bad) if bad else (driver.find_element(By.ID, "code").clear() or search(driver, ""))
            expect(en[key].split("{")[0][:20] in answer, "bad input %r: %s" % (bad, answer))
        answer = search(driver, "ZZZZ-ZZZZ-ZZZZ-ZZZU")
        expect(en["code_bad_chars"].format(char="U") in answer, "a code with U: " + answer)

        receipt = plain["cred"] + ".tlog-proof"
        answer = upload(driver, receipt)
        expect(driver.find_elements(By.ID, "receipt-ok"), "a good receipt was refused: " + answer)
        expect(text_of(driver, "receipt-code") == plain["codes"][-1], "the receipt's code: " + answer)
        expect(en["receipt_proves"][:30] in answer and en["receipt_not_proves"][:30] in answer,
               "the receipt check does not say what it proves: " + answer)
        driver.save_screenshot(os.path.join(shots, "receipt-ok-en.png"))
        lines = open(receipt, encoding="utf-8").read().split("\n")
        tampered = os.path.join(work, "tampered.tlog-proof")
        extra = lines[1]
        flipped = extra[:20] + ("A" if extra[20] != "A" else "B") + extra[21:]
        open(tampered, "w", encoding="utf-8").write("\n".join([lines[0], flipped] + lines[2:]))
        answer = upload(driver, tampered)
        expect(driver.find_elements(By.ID, "receipt-refused") and en["receipt_bad_proof"] in answer,
               "a receipt with a changed entry: " + answer)
        signature = [i for i, l in enumerate(lines) if l.startswith("\u2014 ")][0]
        forged = list(lines)
        forged[signature] = forged[signature][:-6] + ("AAAA" if not forged[signature][:-2].endswith("AAAA") else "BBBB") + forged[signature][-2:]
        open(tampered, "w", encoding="utf-8").write("\n".join(forged))
        answer = upload(driver, tampered)
        expect(en["receipt_bad_signature"] in answer, "a receipt with a changed signature: " + answer)
        upload(driver, receipt)
        _, own, line = cosignatures(driver, "receipt")
        expect(own in ("met", "not-met"), "the receipt's own cosignatures: " + line)
        _, witnessed, line = cosignatures(driver, "witnessed")
        expect(witnessed in ("met", "not-met"), "the receipt's entry in the board's checkpoint: " + line)
        answer = upload(driver, os.path.join(work, "manifest.json"))
        expect(en["receipt_not_file"].split("{")[0] in answer, "a manifest as a receipt: " + answer)
        driver.save_screenshot(os.path.join(shots, "receipt-refused-en.png"))
        expect("senim" in driver.title, "the page broke after bad input")
        answer = search(driver, plain["codes"][-1])
        expect(en["state_cast"] in answer, "a search after bad input: " + answer)
    finally:
        driver.quit()


def page_result(driver, manifest):
    """The total table of each contest on the page: {contest: {option id or blank: count}}."""
    out = {}
    tables = driver.find_elements(By.CSS_SELECTOR, "#result-body table.result")
    contests = manifest["manifest"]["contests"]
    expect(len(tables) == len(contests), "the page shows %d result tables" % len(tables))
    for contest, table in zip(contests, tables):
        by_label = {o["label"]["text"]["en"]: o["id"] for o in contest["options"]}
        by_label[MESSAGES["en"]["blank"]] = "blank"
        counts = {}
        for row in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
            label = row.find_element(By.TAG_NAME, "th").text
            count = row.find_element(By.CSS_SELECTOR, "td.num").text.replace(",", "").replace("\u00a0", "")
            share = row.find_element(By.CSS_SELECTOR, "td.share").text
            expect("%" in share, "no percentage beside " + label)
            counts[by_label[label]] = int(count)
        out[contest["id"]] = counts
    return out


def check_finished(url, work, shots):
    manifest = board_json(url, "/v1/manifest")
    result = board_json(url, "/v1/result")
    voters = plan(work)
    intended = {}
    for line in open(os.path.join(work, "intended.tsv"), encoding="utf-8"):
        district, contest, option, count = line.rstrip("\n").split("\t")
        if district == "total":
            intended.setdefault(contest, {})[option] = int(count)
    board = {c["id"]: dict([(o["id"], int(o["count"])) for o in c["options"]] +
                           ([("blank", int(c["blank"]))] if c["has_blank"] else []))
             for c in result["total"]["contests"]}
    expect(board == intended, "the board's result %s is not the intended %s" % (board, intended))
    driver = browser("en")
    try:
        open_page(driver, url, "?lang=en")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "result-summary"))
        shown = page_result(driver, manifest)
        expect(shown == board, "the page shows %s; the board says %s" % (shown, board))
        summary = text_of(driver, "result-summary")
        expect(str(len(voters)) in summary and "%" in summary, "the summary: " + summary)
        rows = driver.find_elements(By.CSS_SELECTOR, "#result-body table.districts tbody tr")
        expect(len(rows) == 2 * len(result["districts"]), "district rows: %d" % len(rows))
        revoter = next(v for v in voters if "web" in v)
        expect(MESSAGES["en"]["state_superseded"] in search(driver, revoter["codes"][-1]), "a replaced ballot")
        expect(MESSAGES["en"]["state_counted"] in search(driver, revoter["web"]["final"]), "a counted ballot")
        driver.save_screenshot(os.path.join(shots, "finished-en.png"))
        plain = [v for v in voters if v["mode"] == "cast"][1]
        upload(driver, plain["cred"] + ".tlog-proof")
        _, own, line = cosignatures(driver, "receipt")
        expect(own == "not-met" and line == MESSAGES["en"]["receipt_not_yet_cosigned"],
               "a receipt as the board gave it (no cosignature yet): " + line)
        valid, quorum, line = cosignatures(driver, "witnessed")
        expect(quorum == "met" and sum(valid.values()) >= 2 and all(valid.values()),
               "the board's final checkpoint covering a receipt: %s, %s" % (valid, line))
        expect(MESSAGES["en"]["witnessed_holds"].split("{")[0] in text_of(driver, "receipt-answer"),
               "the receipt's entry is not said to be in the witnessed checkpoint")
        shot(driver, shots, "receipt-witnessed-en.png", "receipt")
        driver.find_element(By.CSS_SELECTOR, "#lang option[value=kk]").click()
        expect(text_of(driver, "title") == manifest["manifest"]["title"]["text"]["kk"], "switch back to kk")
        expect(MESSAGES["kk"]["state_counted"] in search(driver, revoter["web"]["final"]), "a counted ballot in kk")
        driver.set_window_size(420, 2600)  # a phone's width
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(os.path.join(shots, "finished-kk-phone.png"))
        driver.set_window_size(1000, 2400)
        driver.save_screenshot(os.path.join(shots, "finished-kk.png"))
    finally:
        driver.quit()


def check_mirror(url, work, shots, mirror):
    """The page from a static mirror: the same search, from its code index."""
    en = MESSAGES["en"]
    manifest = json.load(open(os.path.join(mirror, "v1", "manifest"), encoding="utf-8"))
    voters = plan(work)
    revoter = next(v for v in voters if "web" in v)
    driver = browser("en")
    try:
        open_page(driver, url, "?lang=en")
        expect(text_of(driver, "title") == manifest["manifest"]["title"]["text"]["en"], "the mirror's title")
        expect(driver.find_elements(By.ID, "result-summary"), "the mirror shows no result")
        cosigned = text_of(driver, "checkpoint-cosigned")
        expect("— met" in cosigned, "the mirror's checkpoint cosignatures: " + cosigned)

        answer = search(driver, revoter["web"]["final"])
        expect(en["state_counted"] in answer and en["mirror_state_note"][:30] in answer,
               "a counted ballot from the mirror: " + answer)
        expect_proven(driver, revoter["web"]["final"])
        shot(driver, shots, "mirror-found-en.png", "search")
        answer = search(driver, revoter["codes"][-1].lower().replace("-", "").replace("1", "l").replace("0", "o"))
        expect(en["state_superseded"] in answer, "a superseded ballot from the mirror (Crockford's O and L): " + answer)
        expect_proven(driver, revoter["codes"][-1])
        answer = search(driver, revoter["web"]["challenged"])
        expect(en["state_challenged"] in answer, "a challenged ballot from the mirror: " + answer)
        chosen = driver.find_elements(By.CSS_SELECTOR, "#opened li[data-chosen=true]")
        expect(chosen, "the mirror shows no opened choices: " + answer)
        expect_proven(driver, revoter["web"]["challenged"])

        answer = search(driver, "0000-0000-0000-0000")
        expect(driver.find_elements(By.ID, "not-found") and
               en["mirror_not_found"].split("{size}")[0].format(code="0000-0000-0000-0000") in answer,
               "an unknown code on the mirror: " + answer)

        # The full code, from the bucket of its short form.
        index = json.load(open(os.path.join(mirror, "v1", "code-index", "index.json"), encoding="utf-8"))
        bucket_of = lambda code: os.path.join(mirror, "v1", "code-index", code[:index["prefix_symbols"]] + ".json")
        final = revoter["web"]["final"]
        bucket = json.load(open(bucket_of(final), encoding="utf-8"))
        row = next(b for b in bucket["ballots"] if b["short_code"] == final)
        expect(en["state_counted"] in search(driver, row["tracking_code"].upper()), "the full code on the mirror")
        expect_proven(driver, final)

        # A lying index: the bucket points the code at another ballot's entry.
        other = next(v for v in voters if v["mode"] == "cast" and "web" not in v)["codes"][-1]
        other_row = next(b for b in json.load(open(bucket_of(other), encoding="utf-8"))["ballots"]
                         if b["short_code"] == other)
        original = open(bucket_of(final), encoding="utf-8").read()
        lie = original.replace('"leaf_index":%s,' % row["leaf_index"], '"leaf_index":%s,' % other_row["leaf_index"])
        expect(lie != original, "the bucket was not edited")
        open(bucket_of(final), "w", encoding="utf-8").write(lie)
        try:
            answer = search(driver, final)
            proof, line = proof_of(driver, final)
            expect(proof == "refused" and en["proof_wrong_entry"].split("{")[0] in line,
                   "an index that points a code at another entry: " + answer)
            expect(not driver.find_elements(By.ID, "ballot-state"), "a lying index's state is still shown: " + answer)
            shot(driver, shots, "mirror-lying-index-en.png", "search")
        finally:
            open(bucket_of(final), "w", encoding="utf-8").write(original)
        expect_proven(driver, final) if en["state_counted"] in search(driver, final) else fail("restored bucket")

        # A damaged bucket (not JSON, or JSON of another shape): said plainly, never a broken page.
        for damage in ("<html>not an index</html>", '{"prefix":"X","ballots":"none"}'):
            open(bucket_of(final), "w", encoding="utf-8").write(damage)
            try:
                answer = search(driver, final)
                expect(en["index_damaged"].split("(")[0] in answer, "a damaged bucket %r: %s" % (damage, answer))
            finally:
                open(bucket_of(final), "w", encoding="utf-8").write(original)
        expect(en["state_counted"] in search(driver, final), "a search after a damaged bucket")

        plain = [v for v in voters if v["mode"] == "cast"][1]
        receipt = cosigned_receipt(plain["cred"] + ".tlog-proof", mirror, os.path.join(work, "cosigned.tlog-proof"))
        check_receipt_cosignatures(driver, work, receipt, shots, "mirror")

        # The mirror's checkpoints with forged cosignatures: named, and the quorum not met.
        kept = {}
        for name in ("checkpoint", os.path.join("v1", "witnessed-checkpoint")):
            path = os.path.join(mirror, name)
            if os.path.exists(path):
                kept[path] = open(path, encoding="utf-8").read()
        try:
            for path in kept:
                count = forge_note_cosignatures(path, 1)
            upload(driver, plain["cred"] + ".tlog-proof")
            valid, quorum, line = cosignatures(driver, "witnessed")
            expect(list(valid.values()).count(False) == 1 and quorum == ("met" if count - 1 >= 2 else "not-met"),
                   "one forged cosignature on the mirror's checkpoint: %s, %s" % (valid, line))
            for path, text in kept.items():
                open(path, "w", encoding="utf-8").write(text)
                forge_note_cosignatures(path, count - 1)
            upload(driver, plain["cred"] + ".tlog-proof")
            valid, quorum, line = cosignatures(driver, "witnessed")
            expect(quorum == "not-met" and sum(valid.values()) == 1,
                   "too few valid cosignatures on the mirror's checkpoint: %s, %s" % (valid, line))
            bad = [w for w, ok in valid.items() if not ok]
            for w in bad:
                expect(MESSAGES["en"]["cosignature_invalid"].format(name=w) in text_of(driver, "receipt-answer"),
                       w + "'s forged cosignature is not named")
            shot(driver, shots, "mirror-forged-cosignatures-en.png", "receipt")
        finally:
            for path, text in kept.items():
                open(path, "w", encoding="utf-8").write(text)
        driver.find_element(By.CSS_SELECTOR, "#lang option[value=kk]").click()
        expect(MESSAGES["kk"]["state_counted"] in search(driver, final), "a counted ballot in kk on the mirror")
        shot(driver, shots, "mirror-found-kk.png", "search")
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--phase", choices=["voting", "finished", "mirror"], required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--mirror", help="the mirror's directory (--phase mirror)")
    a = parser.parse_args()
    if a.phase == "mirror":
        check_mirror(a.url, a.work, a.shots, a.mirror)
    else:
        (check_voting if a.phase == "voting" else check_finished)(a.url, a.work, a.shots)
    print("web page, phase %s: every check passed" % a.phase)


if __name__ == "__main__":
    main()
