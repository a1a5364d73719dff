"""Plays the guides' marked blocks in a story, and compares what they print."""

import difflib
import os
import re
import subprocess
import time

from . import markdown
from .normalise import Normaliser, mask
from .shell import Shell, StoryError, starts_board


class Stop(Exception):
    """--until reached, or --first found a mismatch."""


class Session:
    def __init__(self, blocks, workdir, build, until=None, first=False, verbose=False):
        self.blocks = {}
        self.excerpts = [b for b in blocks if b.kind == "excerpt"]
        for block in blocks:
            if block.kind == "excerpt":
                continue
            if block.name in self.blocks:
                raise markdown.MarkupError(f"{block.where()}: transcript {block.name} is marked twice "
                                           f"(also at {self.blocks[block.name].where()})")
            self.blocks[block.name] = block
        self.workdir = workdir
        self.until = until
        self.first = first
        self.verbose = verbose
        self.norm = Normaliser(workdir)
        path = os.pathsep.join(os.path.join(build, d) for d in ("client", "server", "verifier", "tools", "tests"))
        self.env = {
            "PATH": path + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
            "HOME": workdir,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "TERM": "dumb",
        }
        self.shell = Shell(workdir, self.env)
        self.board = None
        self.played = []  # (block, actual lines, matches)
        self.steps = {}  # the story's own commands, how often each ran
        self.servers_before = 0
        self.completed = False
        self.facts = {}  # what the story keeps for its later steps
        self.started = time.monotonic()

    # The story's means ---------------------------------------------------------

    def use(self, board):
        """Points SENIM_SERVER (and BOARD_PID) at a board."""
        self.board = board
        self.env["SENIM_SERVER"] = board.url
        self.env["BOARD_PID"] = str(board.proc.pid)

    def _ran(self, command, text, port, context):
        """Gives a board the command started its stand-in port; returns the output as shown."""
        servers = self.shell.servers
        if servers and not servers[-1].named:
            server = servers[-1]
            server.named = True
            on_port_0 = re.search(r"--listen\s+\S+:0(\s|$)", command) is not None
            if on_port_0 or server.port not in self.norm.ports:
                self.norm.name_port(server.port, port)
        return self.norm.to_doc(text, context)

    def sh(self, command, ok=(0,), port=None, cwd=None):
        """A step of the story that no guide shows; it must succeed (exit status in ok)."""
        self.servers_before = len(self.shell.servers)
        real = self._to_real(command)
        status, text = self.shell.run(real if starts_board(real) else "set -o pipefail; " + real, [], cwd)
        self.steps[command] = self.steps.get(command, 0) + 1
        shown = self._ran(command, text, port, f"step {command} ({self.steps[command]})")
        if status not in ok:
            raise StoryError(f"the story's step `{command}` exited with status {status}:\n{text}")
        return shown.rstrip("\n")

    def _to_real(self, command, block=None):
        try:
            return self.norm.to_real(command)
        except ValueError as e:
            raise StoryError((f"{block.where()}: " if block else "") + str(e)) from None

    def server(self):
        """The board the last step (or block) started."""
        if len(self.shell.servers) == self.servers_before:
            raise StoryError("the story's last step started no board (see the transcript's diff)")
        return self.shell.servers[-1]

    def _settle(self, command):
        # `kill` returns before its target is gone; a person typing the next
        # command is slower than that, the story is not: it waits.
        if command.split()[:1] == ["kill"] and self.board is not None:
            try:
                self.board.proc.wait(10)
            except subprocess.TimeoutExpired:
                raise StoryError(f"`{command}` did not stop the board in 10 s") from None

    def file(self, name, path):
        """Writes the content of a transcript-file block to path (in the work directory)."""
        block = self._block(name, want_file=True)
        with open(os.path.join(self.workdir, path), "w", encoding="utf-8") as f:
            f.write("\n".join(block.lines) + "\n")
        self.played.append((block, block.lines, True))

    def play(self, name, port=None, cwd=None):
        """Runs a marked block's commands in order; compares what they print with the block."""
        block = self._block(name, want_file=False)
        self.servers_before = len(self.shell.servers)
        inputs = list(block.inputs)
        actual = []
        for n, command in enumerate(block.commands(), 1):
            status, text = self.shell.run(self._to_real(command.text, block), inputs, cwd)
            self._settle(command.text)
            shown = self._ran(command.text, text, port, f"{name} {n}")
            lines = [line.rstrip() for line in shown.split("\n")]
            while lines and not lines[-1]:
                lines.pop()
            actual += ["$ " + command.text.split("\n")[0]] + command.text.split("\n")[1:] + lines
        if inputs:
            raise StoryError(f"{block.where()}: transcript {name} has answers left over: {inputs}")
        matches = [mask(line) for line in block.lines] == [mask(line) for line in actual]
        self.played.append((block, actual, matches))
        if self.verbose:
            print(f"{time.monotonic() - self.started:6.1f} s  {'ok  ' if matches else 'DIFF'} {name}")
        if not matches and self.first:
            raise Stop()
        if name == self.until:
            raise Stop()
        return actual

    def _block(self, name, want_file):
        block = self.blocks.get(name)
        if block is None:
            raise StoryError(f"the story plays transcript {name}, but no guide marks a block with that name")
        if block.is_file != want_file:
            kind = "transcript-file" if want_file else "transcript"
            raise StoryError(f"{block.where()}: {name} should be marked as a {kind}")
        if any(b is block for b, _, _ in self.played):
            raise StoryError(f"the story plays transcript {name} twice")
        return block

    # Results -----------------------------------------------------------------------

    def unplayed(self):
        """Marked blocks the story never played, and excerpts of transcripts it never played."""
        done = {b.name for b, _, _ in self.played}
        return [b for b in list(self.blocks.values()) + self.excerpts if b.name not in done]

    def mismatches(self):
        return [(b, actual) for b, actual, ok in self.played if not ok] + self.excerpt_mismatches()

    def excerpt_mismatches(self):
        """Each excerpt not found in its transcript, with the lines there most like it."""
        printed = {b.name: actual for b, actual, _ in self.played}
        out = []
        for excerpt in self.excerpts:
            if excerpt.name not in printed:
                continue
            lines = printed[excerpt.name]
            want = [mask(x) for x in excerpt.lines]
            have = [mask(x) for x in lines]
            n = len(want)
            windows = [have[i:i + n] for i in range(max(1, len(have) - n + 1))]
            if want in windows:
                continue
            best = max(range(len(windows)), key=lambda i: difflib.SequenceMatcher(
                None, "\n".join(want), "\n".join(windows[i])).ratio())
            out.append((excerpt, lines[best:best + n]))
        return out


def unified_diff(block, actual, base):
    """The block against what was run, as a unified diff of the guide's file.

    Lines are matched as compared (masked), but printed as they are."""
    old = block.lines
    matcher = difflib.SequenceMatcher(None, [mask(x) for x in old], [mask(x) for x in actual],
                                      autojunk=False)
    what = ("excerpt of transcript " if block.kind == "excerpt" else "transcript ") + block.name
    path = os.path.relpath(block.path, base)
    out = [f"--- {path} ({what}, as the guide shows it)",
           f"+++ {path} ({what}, as the binaries print it)"]
    for group in matcher.get_grouped_opcodes(3):
        a0, a1, b0, b1 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"@@ -{block.first + a0 + 1},{a1 - a0} +{block.first + b0 + 1},{b1 - b0} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + x for x in old[i1:i2]]
                continue
            out += ["-" + x for x in old[i1:i2]]
            out += ["+" + x for x in actual[j1:j2]]
    return "\n".join(out)
