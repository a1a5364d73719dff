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
Every failure names what differed. Screenshots: --shots DIR.
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--phase", choices=["voting", "finished"], required=True)
    parser.add_argument("--shots", required=True)
    a = parser.parse_args()
    (check_voting if a.phase == "voting" else check_finished)(a.url, a.work, a.shots)
    print("web page, phase %s: every check passed" % a.phase)


if __name__ == "__main__":
    main()
