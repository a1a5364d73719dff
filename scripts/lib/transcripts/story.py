"""The election in which the guides' transcripts are played.

One story, in the order things happen (not the order of the guides): the
operator guide's election "city-2026" on one board, three trustees with
threshold two, eight issued and three voter-made credentials in two
districts, the voters of the voter guide, the count, the public check, and
then the board's bad days (a crash, an old backup, a lost board.head, a
damaged database and index, a rollback). Beside it, in directories and on
boards of their own: a ceremony that fails on a complaint, and the new board
the election would start again on (§6.4).

s.play(NAME) runs the commands of the block marked NAME at that point (and
returns what they printed, as the guide shows it); s.sh(...) is a step no
guide shows, which must succeed; s.facts keeps what later steps need. Each
played block's output is compared with the guide (scripts/check-transcripts).
"""

import json
import os
import re
import sqlite3

from .shell import StoryError

ELECTION_PORT = 45093  # the stand-in port of the election's board in the guides
NEW_BOARD_PORT = 45094  # of the board started again after a failed ceremony (§6.4)
FAILED_BOARD_PORT = 45092  # of the board whose ceremony fails (§6.4)


def run(s):
    setup(s)
    ceremony(s)
    complaint(s)
    credentials(s)
    voting(s)
    count(s)
    verify(s)
    bad_days(s)
    new_board(s)


def setup(s):
    s.play("operator/start-board", port=ELECTION_PORT)
    s.use(s.server())
    s.play("operator/data-dir")
    s.play("operator/admin-keygen")
    s.play("operator/trustee-keygen")
    for t in (2, 3):
        s.sh(f'senim trustee keygen --name "Trustee {t}" --out trustee-{t}.key')
    s.play("operator/trustee-key-file")
    s.play("operator/keygen-refuses")
    # The board of §6.4, where the election would start again; §3.1 shows
    # what box-key says about it while it is empty.
    s.sh("senim-server --data board-b --listen 127.0.0.1:0", port=NEW_BOARD_PORT)
    s.facts["new board"] = s.server()
    s.play("operator/box-key")
    s.play("operator/box-key-pub")
    s.play("operator/box-key-again")
    for t in (2, 3):
        s.sh(f"senim trustee box-key --key trustee-{t}.key --election city-2026")
    # A public file made for another election (a typo in --election).
    s.sh("senim trustee box-key --key trustee-3.key --election city-2025 --state typo.state --public typo.pub")
    s.file("operator/manifest", "manifest.json")
    bad_manifests(s)
    s.play("operator/manifest-check")
    s.play("operator/manifest-mistakes")
    s.play("operator/create-typo")
    s.play("operator/create")
    s.play("operator/status-ceremony")
    s.play("operator/box-key-refusals")


def ceremony(s):
    s.play("operator/deal")
    s.play("operator/finalize-early")
    for t in (2, 3):
        s.sh(f"senim trustee deal --key trustee-{t}.key")
    s.play("operator/finalize")
    for t in (2, 3):
        s.sh(f"senim trustee finalize --key trustee-{t}.key")
    s.play("operator/status-after-ceremony")


def complaint(s):
    """§6.4 on a board and in a directory of their own: trustee 1 cheats, trustee 2 complains."""
    here = "complaint"
    os.makedirs(os.path.join(s.workdir, here))
    election = s.board
    s.sh("senim-server --data board --listen 127.0.0.1:0", port=FAILED_BOARD_PORT, cwd=here)
    s.use(s.server())
    s.sh("senim admin keygen --out authority.key", cwd=here)
    for t in (1, 2, 3):
        s.sh(f'senim trustee keygen --name "Trustee {t}" --out trustee-{t}.key', cwd=here)
        s.sh(f"senim trustee box-key --key trustee-{t}.key --election city-2026", cwd=here)
    s.sh("senim admin create --key authority.key --manifest ../manifest.json --trustee trustee-1.key.pub "
         "--trustee trustee-2.key.pub --trustee trustee-3.key.pub --threshold 2", cwd=here)
    s.sh("senim-test-cheating-dealer --server $SENIM_SERVER --key trustee-1.key --bad-share-for 2", cwd=here)
    for t in (2, 3):
        s.sh(f"senim trustee deal --key trustee-{t}.key", cwd=here)
    s.play("operator/complaint", cwd=here)
    s.play("operator/complaint-after", cwd=here)
    s.play("operator/complaint-verified", cwd=here)
    s.board.stop()
    s.use(election)


def credentials(s):
    s.play("operator/credentials")
    s.play("operator/credential-file")
    s.play("voter/credential-file")
    s.play("operator/status-credentials")
    mine = s.play("operator/voter-keygen")[-1]
    friends = [s.sh(f"senim keygen --out friend-{n}.cred --election city-2026 --district {d} "
                    "--server $SENIM_SERVER").split("\n")[-1]
               for n, d in ((1, "north"), (2, "south"))]
    with open(os.path.join(s.workdir, "public-keys.txt"), "w") as f:
        f.write("# collected by the authority, one voter a line\n")
        for line in [mine] + friends:
            f.write(s.norm.to_real(line.strip()) + "\n")
    s.play("operator/register")
    s.play("operator/open")
    s.play("operator/follow")


def voting(s):
    cast = s.play("voter/vote")
    s.facts["voter 1 entry"] = entry_of(cast, r"^cast: your ballot is entry (\d+)")
    s.play("voter/challenge")
    s.play("voter/challenge-first")
    s.play("voter/check-cast")
    s.play("voter/interactive")
    s.play("voter/no-terminal")
    s.play("voter/interactive-kk")
    s.play("voter/revote")
    s.play("voter/vote-blank")
    s.play("voter/ballot-lookup")
    # Voter 7's credential was copied: the voter casts, then the copy does.
    s.sh("senim vote --yes --credential credentials/voter-000007.cred --choose referendum=no "
         "--choose council=gulnar --receipt my-receipt")
    s.sh("senim vote --yes --credential credentials/voter-000007.cred --choose referendum=yes "
         "--choose council=dauren")
    # An observer saves the record, and the operator backs the board up.
    s.sh("senim-verify -q --partial --server $SENIM_SERVER --save early.senim")
    s.sh('sqlite3 board/board.sqlite ".backup early-backup.sqlite"')
    s.sh("cp -p board/board.head early-backup.head")
    # Voter 8 votes five times, the most the manifest allows.
    for n in range(5):
        s.sh(f"senim vote --yes --credential credentials/voter-000008.cred --choose referendum=yes "
             f"--choose council={'aigul' if n % 2 else 'yerzhan'}")
    s.play("voter/max-ballots")


def count(s):
    s.play("operator/status-voting")
    s.play("operator/close")
    s.play("operator/vote-after-close")
    s.play("operator/tally")
    s.play("operator/tally-again")
    s.play("voter/check-counted")
    s.play("voter/check-superseded")
    s.play("operator/decrypt")
    s.play("operator/decrypt-3")
    s.play("operator/decrypt-refusals")
    s.play("operator/result")
    s.play("operator/result-again")
    s.play("operator/result-replica")
    s.play("operator/result-tsv")
    s.play("operator/election-json")


def verify(s):
    s.play("operator/verify")
    s.play("operator/verify-json")
    # One byte changed in voter 1's ballot, in a copy of the record.
    record = read(s, "city-2026.senim")
    start, length = entry_frame(record, s.facts["voter 1 entry"])
    tampered = bytearray(record)
    tampered[start + length // 2] ^= 0x01
    write(s, "tampered.senim", bytes(tampered))
    s.play("operator/verify-tampered")
    s.play("verifier/lines")
    s.play("verifier/last-lines")
    s.play("operator/verify-errors")
    # A receipt damaged in its last byte: the inclusion proof's last hash.
    receipt = bytearray(read(s, "my-receipt"))
    receipt[-1] ^= 0x01
    write(s, "damaged.tlog-proof", bytes(receipt))
    s.play("voter/check-bad-receipt")
    s.play("voter/check-unreachable")
    s.play("voter/check-offline")


def bad_days(s):
    s.play("operator/crash")
    s.use(s.server())
    s.board.stop()
    s.play("operator/key-missing")
    s.sh("mv board.key.elsewhere board/board.key")
    s.play("operator/restore-old-backup")
    s.play("operator/restore-too-early")
    s.play("operator/restore")
    s.use(s.server())
    s.board.stop()
    s.play("operator/head-missing")
    s.play("operator/damaged-db")
    s.sh("senim-server --data board --restore-from city-2026.senim")
    flip_in_index(s, "board/board.sqlite", "leaves_by_tracking_code")
    s.play("operator/damaged-index")
    s.use(s.server())
    s.board.stop()
    # The board rolled back to the backup together with its board.head
    # (§2.3 says never to), on its own address: receipts name it.
    s.sh("cp early-backup.sqlite board/board.sqlite && cp early-backup.head board/board.head "
         "&& rm -f board/board.sqlite-wal board/board.sqlite-shm")
    s.sh(f"senim-server --data board --listen 127.0.0.1:{ELECTION_PORT}")
    s.use(s.server())
    s.play("voter/check-rolled-back")
    s.play("operator/check-rolled-back")


def new_board(s):
    s.use(s.facts["new board"])
    s.play("operator/new-board-old-files")
    for t in (2, 3):
        s.sh(f"senim trustee box-key --key trustee-{t}.key --election city-2026 "
             f"--state trustee-{t}.city-2026-b.state --public trustee-{t}.city-2026-b.pub")
    # The old public file of trustee 1, edited to name the new board.
    edited = json.loads(read(s, "trustee-1.key.pub"))
    edited["board_key"] = json.loads(read(s, "trustee-1.city-2026-b.pub"))["board_key"]
    write(s, "edited.pub", (json.dumps(edited, indent=1, ensure_ascii=False) + "\n").encode())
    s.play("operator/new-board-create")


# Files the story changes behind the commands' backs -------------------------------------

def bad_manifests(s):
    """bad/NN-….json: the manifest with one mistake each, in the order §4.1 lists them."""
    good = json.loads(read(s, "manifest.json"))

    def contest(m, cid):
        return next(c for c in m["contests"] if c["id"] == cid)

    def option(m, cid, oid):
        return next(o for o in contest(m, cid)["options"] if o["id"] == oid)

    def big(m):  # more options than one entry can carry, once challenged
        m["contests"] = [{"id": f"c{i}", "title": {"text": {lang: f"Contest {i}" for lang in m["languages"]}},
                          "min_selections": 0, "max_selections": 1,
                          "options": [{"id": f"o{j}", "label": {"text": {lang: f"Option {j}"
                                                                         for lang in m["languages"]}}}
                                      for j in range(63)]} for i in range(3)]

    edits = [
        ("election-id", lambda m: m.update(election_id="City 2026")),
        ("no-languages", lambda m: m.update(languages=[])),
        ("language-missing", lambda m: m["languages"].append("de")),
        ("option-text-missing", lambda m: option(m, "referendum", "no")["label"]["text"].pop("kk")),
        ("control-character", lambda m: option(m, "council", "aigul")["label"]["text"].update(ru="Айгуль\t")),
        ("district-repeats", lambda m: m["districts"][1].update(id="north")),
        ("no-contests", lambda m: m.update(contests=[])),
        ("option-repeats", lambda m: option(m, "council", "baurzhan").update(id="aigul")),
        ("option-id", lambda m: option(m, "council", "aigul").update(id="Aigul")),
        ("min-over-max", lambda m: contest(m, "council").update(min_selections=3)),
        ("max-over-options", lambda m: contest(m, "referendum").update(max_selections=3)),
        ("max-ballots", lambda m: m.update(max_ballots_per_credential=0)),
        ("too-big", big),
    ]
    os.makedirs(os.path.join(s.workdir, "bad"), exist_ok=True)
    for n, (name, edit) in enumerate(edits, 1):
        m = json.loads(json.dumps(good))
        edit(m)
        write(s, f"bad/{n:02}-{name}.json", json.dumps(m, ensure_ascii=False, indent=1).encode())
    text = json.dumps(good, ensure_ascii=False, indent=1)
    n = len(edits)
    raw = [
        ("field-misspelt", text.replace('"max_selections"', '"max_selection"', 1)),
        ("number-in-quotes", text.replace('"max_ballots_per_credential": 5', '"max_ballots_per_credential": "2"')),
        ("negative", text.replace('"min_selections": 0', '"min_selections": -1', 1)),
        ("not-json", text[:text.index('"districts"') + 20]),
    ]
    for k, (name, body) in enumerate(raw, n + 1):
        write(s, f"bad/{k:02}-{name}.json", body.encode())


def entry_of(lines, pattern):
    """The entry number a transcript printed, matched by pattern."""
    for line in lines:
        m = re.search(pattern, line)
        if m:
            return int(m.group(1))
    raise StoryError(f"no line matching {pattern!r} in:\n" + "\n".join(lines))


def read(s, name):
    with open(os.path.join(s.workdir, name), "rb") as f:
        return f.read()


def write(s, name, data):
    with open(os.path.join(s.workdir, name), "wb") as f:
        f.write(data)


def entry_frame(record, leaf):
    """Where entry `leaf`'s payload is in a record (docs/record.md): (offset, length)."""
    at, entries = 12, 0
    while at < len(record):
        kind, length = record[at], int.from_bytes(record[at + 1:at + 5], "big")
        if kind == 1:
            if entries == leaf:
                return at + 5, length
            entries += 1
        at += 5 + length
    raise ValueError(f"the record has no entry {leaf}")


def flip_in_index(s, path, index):
    """Flips one bit of the first key in an index's root page (a small board's fits there)."""
    path = os.path.join(s.workdir, path)
    db = sqlite3.connect(path)
    root, page_size = db.execute("SELECT rootpage, (SELECT page_size FROM pragma_page_size()) "
                                 "FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    code = db.execute(f"SELECT tracking_code FROM leaves INDEXED BY {index} "
                      "WHERE tracking_code IS NOT NULL LIMIT 1").fetchone()[0]
    db.close()
    data = bytearray(read(s, path))
    page = (root - 1) * page_size
    at = data.find(code, page, page + page_size)
    if at < 0:
        raise StoryError(f"no tracking code in the root page of {index}")
    data[at + len(code) - 1] ^= 0x01
    write(s, path, bytes(data))
