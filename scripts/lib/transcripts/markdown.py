"""Marked blocks in the guides, and rewriting them in place.

A transcript is a fenced block right after a line

    <!-- transcript: NAME -->
    <!-- transcript: NAME input=["1", "2 4", "", "c"] -->

whose lines are `$ command` lines (a command may go on over lines ending in
a backslash), each followed by what it prints. `input` (JSON, optional) lists
the answers typed at the prompts of the block's interactive commands, in
order. The marker and the fence may be indented alike (a block in a list item); the
indentation is not part of the transcript. A block after

    <!-- transcript-file: NAME -->

is not a transcript but a file the story uses (the manifest, for instance):
what the guide shows is what the commands are run with. A block after

    <!-- transcript-excerpt: NAME -->

holds lines cut from transcript NAME (shown again elsewhere in a guide):
they must appear, one after another, in what that transcript's commands
print.
"""

import json
import re
from dataclasses import dataclass, field

MARKER = re.compile(r"^ *<!-- transcript(?:-(?P<kind>file|excerpt))?: (?P<name>\S+)(?: (?P<opts>.*?))? -->\s*$")
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)")


class MarkupError(Exception):
    pass


@dataclass
class Command:
    text: str  # as the guide shows it, continuation lines included
    output: list  # the lines the guide shows after it


@dataclass
class Block:
    path: str
    name: str
    kind: str  # "transcript", "file" or "excerpt"
    first: int  # index of the block's first content line in the file's lines
    end: int  # index of the closing fence
    lines: list  # the content, without the fence's indentation
    indent: str = ""
    inputs: list = field(default_factory=list)

    @property
    def is_file(self):
        return self.kind == "file"

    def where(self):
        return f"{self.path}:{self.first + 1}"

    def commands(self):
        """The block's commands and the output the guide shows for each."""
        cmds = []
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if not line.startswith("$ "):
                if not cmds:
                    raise MarkupError(f"{self.where()}: transcript {self.name} must start with a `$ ` line")
                cmds[-1].output.append(line)
                i += 1
                continue
            text = line[2:]
            while text.endswith("\\") and i + 1 < len(self.lines):
                i += 1
                text += "\n" + self.lines[i]
            cmds.append(Command(text, []))
            i += 1
        return cmds


def parse_options(opts, where):
    inputs = []
    if not opts:
        return inputs
    m = re.fullmatch(r"input=(\[.*\])", opts.strip())
    if not m:
        raise MarkupError(f"{where}: unknown transcript option {opts!r} (only input=[...] is known)")
    try:
        inputs = json.loads(m.group(1))
    except json.JSONDecodeError as e:
        raise MarkupError(f"{where}: input is not a JSON list of strings: {e}") from e
    if not all(isinstance(s, str) for s in inputs):
        raise MarkupError(f"{where}: input must list strings")
    return inputs


def read_blocks(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        where = f"{path}:{i + 1}"
        fence = FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
        if not fence:
            raise MarkupError(f"{where}: the marker must be followed at once by a fenced block")
        closing = i + 2
        while closing < len(lines) and lines[closing].strip() != fence.group("fence"):
            closing += 1
        if closing == len(lines):
            raise MarkupError(f"{where}: the block after the marker is not closed")
        indent = fence.group("indent")
        content = [line[len(indent):] if line.startswith(indent) else line.lstrip(" ")
                   for line in lines[i + 2:closing]]
        blocks.append(Block(path, m.group("name"), m.group("kind") or "transcript", i + 2, closing,
                            content, indent, parse_options(m.group("opts"), where)))
        i = closing + 1
    return blocks


def rewrite(path, replacements):
    """Replaces blocks' contents: replacements maps a block's first line index to its new lines."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = {b.first: b for b in read_blocks(path)}
    for first in sorted(replacements, reverse=True):
        block = blocks[first]
        lines[block.first:block.end] = [(block.indent + line) if line else line
                                        for line in replacements[first]]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
