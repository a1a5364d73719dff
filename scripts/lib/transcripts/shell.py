"""Runs a guide's commands as a person at a terminal would.

Each command runs under `bash -c` with a pseudo-terminal as its standard
input, output and error, so that what is captured is what a terminal shows:
both streams in the order they were written, `ls` in columns, and the
answers typed at a prompt echoed after it. An interactive command gets the
block's answers one by one, each when it waits at a prompt (output that ends
in ": " or "? " and then stops).

A command that starts a board (`senim-server … --listen …`) runs in the
background instead, its output going to a log: its transcript is what it
printed until it listens (or until it exits, when it refuses to start).
"""

import ctypes
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time

PROMPT_END = (": ", "? ")
IDLE = 0.3  # seconds without output after a prompt before an answer is typed
STUCK = 10  # seconds at a prompt, with no answer left, before the command is given up
TIMEOUT = 120


class StoryError(Exception):
    """The story cannot go on: a step it depends on did not do what it must."""


class Server:
    def __init__(self, proc, log, url):
        self.proc = proc
        self.log = log
        self.url = url
        self.named = False

    @property
    def port(self):
        return int(self.url.rsplit(":", 1)[1])

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _die_with_parent():
    # A board must not outlive the story (a killed check-transcripts, a
    # ctest timeout): the kernel sends it SIGTERM when its parent dies.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def starts_board(command):
    words = command.split()
    return bool(words) and words[0] == "senim-server" and "--listen" in words


class Shell:
    def __init__(self, workdir, env):
        self.workdir = workdir
        self.env = env
        self.servers = []
        self.logs = 0

    def run(self, command, inputs=None, cwd=None):
        """Runs one command (in cwd, under the work directory); returns (exit status, what the
        terminal shows)."""
        cwd = os.path.join(self.workdir, cwd) if cwd else self.workdir
        if starts_board(command):
            return self._serve(command, cwd)
        return self._terminal(command, inputs if inputs is not None else [], cwd)

    def _terminal(self, command, inputs, cwd):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        proc = subprocess.Popen(["bash", "-c", command], stdin=slave, stdout=slave, stderr=slave,
                                cwd=cwd, env=self.env, start_new_session=True)
        os.close(slave)
        out = b""
        waiting_since = None
        deadline = time.monotonic() + TIMEOUT
        try:
            while True:
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:  # every process holding the terminal has exited
                        data = b""
                    if not data:
                        break
                    out += data
                    waiting_since = None
                    continue
                if time.monotonic() > deadline:
                    raise StoryError(f"`{command}` did not finish in {TIMEOUT} s; it printed:\n"
                                     + out.decode(errors="replace"))
                text = out.decode(errors="replace")
                if not text.endswith(PROMPT_END):
                    continue
                now = time.monotonic()
                if waiting_since is None:
                    waiting_since = now
                elif not inputs and now - waiting_since > STUCK:
                    raise StoryError(f"`{command}` waits for an answer the transcript does not give "
                                     f"(input=[...] in its marker); it printed:\n{text}")
                elif inputs and now - waiting_since > IDLE:
                    os.write(master, inputs.pop(0).encode() + b"\n")
                    waiting_since = None
            # The terminal closes a moment before the command exits (coreutils
            # close their output first); closing it earlier would hang it up.
            proc.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise StoryError(f"`{command}` closed its terminal but did not exit") from None
        finally:
            os.close(master)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        text = out.decode(errors="replace").replace("\r\n", "\n")
        return proc.returncode, text

    def _serve(self, command, cwd):
        self.logs += 1
        log = os.path.join(self.workdir, f".server-{self.logs}.log")
        with open(log, "wb") as f:
            proc = subprocess.Popen(["bash", "-c", "exec " + command], stdin=subprocess.DEVNULL,
                                    stdout=f, stderr=subprocess.STDOUT, cwd=cwd,
                                    env=self.env, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while True:
            with open(log, encoding="utf-8", errors="replace") as f:
                text = f.read()
            m = re.search(r"listening on (http://\S+)", text)
            if m:
                self.servers.append(Server(proc, log, m.group(1)))
                return 0, text
            if proc.poll() is not None:
                with open(log, encoding="utf-8", errors="replace") as f:
                    return proc.returncode, f.read()
            if time.monotonic() > deadline:
                proc.kill()
                raise StoryError(f"`{command}` neither listened nor exited in 30 s:\n{text}")
            time.sleep(0.02)

    def stop_all(self):
        for server in self.servers:
            server.stop()
