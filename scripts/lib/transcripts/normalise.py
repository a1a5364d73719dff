"""What legitimately varies from run to run, and how it is shown in the guides.

Two kinds of variation (docs: scripts/check-transcripts --help, README.md):

Stand-ins. Keys, hashes, signatures and tracking codes are random in every
run, and so are the board's ports. Each distinct real value is replaced, in
the guide, by a stand-in fixed by where the story first meets it: the
transcript (or the story's own step) and the command in it, and how many
new values came before it in that command's output. So a stand-in changes
only when what that command prints changes, never because another
transcript did. Every way the same bytes are written gets the same
stand-in: full hex, a hex prefix cut with "…", base64 in JSON, and a
tracking code's short form (computed from the stand-in, so it still is the
short form of the long one). So the transcripts stay consistent with one
another, and look real. A port of a board the story starts gets the
stand-in the story names for it (45093 for the election's board); a port of
a board started on port 0 gets 41245, 36915, then 40003, 40004, … in order.
Stand-ins in a command are turned back into the real values before the
command runs. The story's temporary directory is removed from paths: the
commands run in it.

Colours (terminal escape sequences, from jq for instance), trailing spaces
(an empty answer at a prompt leaves one) and senim-verify's progress lines
(printed every 2 s of checking, so only on a slow machine) are dropped.

Masks. Times ("(0.04 s)", "seconds":0.025), the owner, size and date
columns of `ls -l` (and its "total"), and the time in a restored database's name
(board.sqlite.before-restore-NNN) are ignored when comparing: the guide
keeps the values of the run that last wrote it.
"""

import base64
import hashlib
import re

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_BYTES = 10  # docs/protocol.md: the first 80 bits of the tracking code

_B64_64 = r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}=="
_B64_32 = r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?!=)"
_HEX = r"(?<![0-9A-Za-z])[0-9a-f]{8,}(?![0-9A-Za-z])…?"
_SHORT = r"(?<![0-9A-Z-])[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}(?![0-9A-Z-])"
VALUE = re.compile(f"(?P<b64>{_B64_64}|{_B64_32})|(?P<hex>{_HEX})|(?P<short>{_SHORT})")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# senim-verify's progress, every 2 s of checking: whether there is one depends on the machine.
PROGRESS = re.compile(r"^senim-verify: \d+ entries checked \(\d+% of the record\)\n", re.M)
PORT = re.compile(r"(?<=127\.0\.0\.1:)(\d+)")
FULL_HEX_LENGTHS = (32, 64, 128)

AUTO_PORTS = [41245, 36915]


def short_code(code):
    bits = int.from_bytes(code[:SHORT_CODE_BYTES], "big")
    symbols = [CROCKFORD[(bits >> (75 - 5 * i)) & 31] for i in range(16)]
    return "-".join("".join(symbols[i:i + 4]) for i in range(0, 16, 4))


def short_code_bytes(text):
    bits = 0
    for c in text.replace("-", ""):
        bits = (bits << 5) | CROCKFORD.index(c)
    return bits.to_bytes(SHORT_CODE_BYTES, "big")


def _stream(seed, length):
    out = b""
    block = hashlib.sha256(seed).digest()
    while len(out) < length:
        out += block
        block = hashlib.sha256(block).digest()
    return out[:length]


class Normaliser:
    def __init__(self, workdir):
        self.workdir = workdir.rstrip("/")
        self.standin = {}  # real bytes -> stand-in bytes, in the order met
        self.real = {}  # stand-in bytes -> real bytes (full values only)
        self.ports = {}  # real port -> stand-in port
        self.real_ports = {}  # stand-in port -> real port
        self.auto_ports = 0
        self.context = "start"
        self.met = 0  # new values met in this context

    # Ports -----------------------------------------------------------------

    def name_port(self, real, standin=None):
        """Gives a (new) board's real port its stand-in; None: the next automatic one."""
        if standin is None:
            self.auto_ports += 1
            n = self.auto_ports
            standin = AUTO_PORTS[n - 1] if n <= len(AUTO_PORTS) else 40000 + n
        self.ports[real] = standin
        self.real_ports[standin] = real
        return standin

    # Values ----------------------------------------------------------------

    def _new_standin(self, real):
        # A value first met as a prefix keeps that prefix's stand-in when it
        # is met whole.
        best = b""
        for known, shown in self.standin.items():
            if len(known) < len(real) and real.startswith(known) and len(known) > len(best):
                best = known
        head = self.standin[best] if best else b""
        self.met += 1
        tail = _stream(f"senim transcript stand-in: {self.context}: {self.met}".encode(),
                       len(real) - len(head))
        return head + tail

    def _full(self, real):
        if real not in self.standin:
            shown = self._new_standin(real)
            self.standin[real] = shown
            self.real[shown] = real
        return self.standin[real]

    def _prefix(self, real_prefix):
        for known, shown in self.standin.items():
            if len(known) >= len(real_prefix) and known.startswith(real_prefix):
                return shown[:len(real_prefix)]
        return self._full(real_prefix)

    def _value(self, m):
        if m.group("b64"):
            return base64.b64encode(self._full(base64.b64decode(m.group("b64")))).decode()
        if m.group("short"):
            return short_code(self._prefix(short_code_bytes(m.group("short"))))
        text = m.group("hex")
        cut = text.endswith("…")
        digits = text.rstrip("…")
        if len(digits) % 2:
            return text
        if cut:
            return self._prefix(bytes.fromhex(digits)).hex() + "…"
        if len(digits) not in FULL_HEX_LENGTHS:
            return text
        return self._full(bytes.fromhex(digits)).hex()

    # Both ways ---------------------------------------------------------------

    def to_doc(self, text, context):
        """Real output into what the guide shows (and remembers the values met).

        context names where the output comes from, uniquely in the story."""
        self.context = context
        self.met = 0
        text = PROGRESS.sub("", ANSI.sub("", text))
        text = text.replace(self.workdir + "/", "").replace(self.workdir, ".")
        text = VALUE.sub(self._value, text)
        return PORT.sub(lambda m: str(self.ports.get(int(m.group(1)), m.group(1))), text)

    def _real(self, shown, text, command):
        if shown not in self.real:
            # A value in a command comes from an earlier output; one the story
            # never printed is a stale copy (the output it came from changed).
            raise ValueError(f"`{command}` quotes {text}, which no earlier output of the story "
                             f"printed: copy it again from the transcript that shows it")
        return self.real[shown]

    def to_real(self, command):
        """A command as the guide shows it into the one to run."""

        def value(m):
            if m.group("b64"):
                raw = base64.b64decode(m.group("b64"))
                return base64.b64encode(self._real(raw, m.group(0), command)).decode()
            text = m.group("hex")
            if text and not text.endswith("…") and len(text) in FULL_HEX_LENGTHS:
                return self._real(bytes.fromhex(text), text, command).hex()
            return m.group(0)

        command = VALUE.sub(value, command)
        return PORT.sub(lambda m: str(self.real_ports.get(int(m.group(1)), m.group(1))), command)


_MASKS = [
    # A note verifier key (C2SP signed-note, docs/protocol.md §13.2):
    # NAME+KEYHASH+base64(0x01 ‖ key): the key is made per run.
    (re.compile(r"\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}"), "+<key hash>+<key>"),
    (re.compile(r"\(\d+(?:\.\d+)? s\)"), "(<time> s)"),
    (re.compile(r'"seconds":[0-9.e-]+'), '"seconds":<time>'),
    (re.compile(r"before-restore-\d+"), "before-restore-<time>"),
    (re.compile(r"^total \d+$", re.M), "total <blocks>"),
    (re.compile(r"^([-dlcbps][-rwxsStT]{9}[.+@]?) +\d+ +\S+ +\S+ +\d+ +\w{3} +\d+ +(?:\d\d:\d\d|\d{4}) ",
                re.M), r"\1 <owner size date> "),
]


def mask(line):
    """A line as it is compared: what may vary freely is blanked out."""
    for pattern, replacement in _MASKS:
        line = pattern.sub(replacement, line)
    return line.rstrip()
