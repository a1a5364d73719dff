# Helpers for scripts and tests that run the real binaries. Sourced.

# stop_processes PID...: asks each process to stop (SIGTERM) and waits for
# it, at most 10 s each, then kill -9. Waited for because a server stopping
# cleanly still writes its restart snapshot: a caller removing the directory
# meanwhile fails ("Directory not empty").
stop_processes() {
  local pid tries
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    tries=0
    while kill -0 "$pid" 2>/dev/null && [ $tries -lt 200 ]; do
      sleep 0.05
      tries=$((tries + 1))
    done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# flip_byte FILE OFFSET: inverts the byte at OFFSET of FILE. Always a change
# (writing a fixed byte is none when the file already holds it there).
flip_byte() {
  python3 -c 'import sys
path, at = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(at); b = f.read(1); f.seek(at); f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}
