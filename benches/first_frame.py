#!/usr/bin/env python3
"""Exec-to-first-frame: the wizard vs a bare ratatui program (examples/bare_frame.rs).

Each run starts the binary in a fresh pseudo-terminal (100x30, TERM=xterm-256color) and
measures the wall time from just before exec until the bytes of the first frame contain a
marker text; then it sends a key (and `q`/Ctrl-C) and reaps the process. Prints the median
and the spread of N runs for each program, and their ratio.

    cargo build --release --bin passkey-triage --example bare_frame
    python3 benches/first_frame.py [runs]
"""
import fcntl, os, pty, select, statistics, struct, subprocess, sys, tempfile, termios, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REL = os.environ.get("FIRST_FRAME_BIN_DIR") or os.path.join(ROOT, "target", "release")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 100


def first_frame(argv, marker, quit_keys):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, TERM="xterm-256color",
                   PASSKEY_TRIAGE_CONFIG_DIR=os.path.join(tmp, "c"),
                   PASSKEY_TRIAGE_DATA_DIR=os.path.join(tmp, "d"))
        env.pop("NO_COLOR", None)
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                             start_new_session=True, close_fds=True)
        os.close(slave)
        out = b""
        elapsed = None
        deadline = t0 + 10
        while time.perf_counter() < deadline:
            r, _, _ = select.select([master], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                out += chunk
                if b"\x1b[6n" in chunk:  # answer cursor-position queries like a terminal
                    os.write(master, b"\x1b[1;1R")
                if marker in out:
                    elapsed = time.perf_counter() - t0
                    break
        os.write(master, quit_keys)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        os.close(master)
        if elapsed is None:
            raise SystemExit(f"no first frame from {argv}: {out[-400:]!r}")
        return elapsed


def main():
    bare = ([os.path.join(REL, "examples", "bare_frame")], b"paragraph", b"x")
    wizard = ([os.path.join(REL, "passkey-triage"), "--ticket", "BENCH-1"], b"quit", b"\x03")
    first_frame(*bare)  # warm the page cache
    first_frame(*wizard)
    # Interleaved, so a machine that speeds up or slows down during the run affects both alike.
    pairs = [(first_frame(*bare), first_frame(*wizard)) for _ in range(RUNS)]
    for name, xs in (("bare", [b for b, _ in pairs]), ("wizard", [w for _, w in pairs])):
        print(f"{name:8} median {statistics.median(xs) * 1000:6.2f} ms   min {min(xs) * 1000:6.2f}   "
              f"max {max(xs) * 1000:6.2f}   ({RUNS} runs)")
    ratio = statistics.median(w / b for b, w in pairs)
    print(f"ratio    {ratio:.2f}x, the median of {RUNS} paired runs (target: within 1.5x)")


main()
