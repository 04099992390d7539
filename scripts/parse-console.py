#!/usr/bin/env python3
"""parse-console.py: count the results of a test-VM console log (docs/testing.md).

Modes:
  parse-console.py [--suites "a b"] [--timed-out] [--summary-file F] LOG
      Summarise a finished console log.
  parse-console.py --follow --pid QEMU_PID --timeout SECONDS [...] LOG
      Follow LOG while QEMU runs, print progress (suite begin/end, failed cases,
      kernel trouble, a status line every 30 s), kill QEMU on timeout, then
      summarise.  Used by scripts/vm-run.sh.
  parse-console.py --sum FILE...
      Add up the "passed failed" summary files of several runs.

The summary ends with the single line `N passed, M failed`; the exit status is 0
iff M == 0.  M counts failed cases plus one failure for each of: a suite whose
suite-end rc != 0 with no failed case, a suite that began and never ended, a
requested suite that never began, an insmod/rmmod failure, a timeout, a missing
`@@myepoll done`, and kernel trouble (BUG/WARNING/Oops/panic/KASAN/UBSAN/lockdep/
kmemleak/... anywhere in the console; all reports together count once).
"""

import argparse
import os
import re
import signal
import sys
import time

PROTO = re.compile(r"@@myepoll (\S+)(?: (.*))?$")
CASE = re.compile(r"(\S+) (pass|fail) (.+)$")
CASE_START = re.compile(r"(\S+) (.+)$")
SUITE_END = re.compile(r"(\S+) rc=(-?\d+)$")

# Kernel trouble: one of these in a kernel message fails the run.  A kernel
# message is text after a printk timestamp "[   12.345678] " (vm-run.sh boots
# with printk.time=1), anywhere in a console line since a kernel message can
# cut into a line that user space was writing.  User-space output is not
# matched (a test may print "WARNING: retrying"), except the kmemleak report
# that init copies from debugfs.
TROUBLE = re.compile(
    r"\[\s*\d+\.\d+\]\s.*?("
    + "|".join(
        [
            r"BUG:",  # BUG: KASAN/KFENCE/KCSAN, NULL deref, soft lockup, sleeping in atomic...
            r"kernel BUG at",
            r"WARNING:",  # WARN*(), lockdep reports, suspicious RCU usage
            r"\bOops\b",
            r"Kernel panic",
            r"KASAN",
            r"UBSAN",
            r"general protection fault",
            r"Unable to handle kernel",
            r"possible circular locking",
            r"possible recursive locking",
            r"inconsistent lock state",
            r"kmemleak: .*suspected memory leak",
            r"INFO: task .* blocked for more than",
            r"rcu: INFO: .*detected stall",
            r"self-detected stall",
            r"hard LOCKUP",
            r"list_(?:add|del) corruption",
        ]
    )
    + r")|^\s*(unreferenced object 0x)"
)
# "Call Trace:" counts on its own only when no other trouble line came just
# before it (every report above prints one), and not after a fault-injection
# message, which dumps the stack on purpose.
CALL_TRACE = re.compile(r"\[\s*\d+\.\d+\]\s+Call Trace:")
EXPECTED_DUMP = re.compile(r"FAULT_INJECTION: forcing a failure")
# CONFIG_PROVE_RAW_LOCK_NESTING on 6.1 reports the kernel's own serial
# console: a printk in hard-IRQ context (for instance "hrtimer: interrupt
# took N ns" when the host stalls the VM) takes the 8250's port lock, a
# spinlock_t.  Known to the kernel, fixed only by 6.12's atomic consoles;
# no module code is on that path.  Such a report is a note, not trouble,
# when its lock line (a few lines after "Invalid wait context") names
# serial8250_console_write.
INVALID_WAIT = re.compile(r"\[\s*\d+\.\d+\]\s+\[ BUG: Invalid wait context \]")
CONSOLE_LOCK = re.compile(r"port_lock_key.*at: serial8250_console_write")
INVALID_WAIT_WINDOW = 6
DUMP_WINDOW = 25  # lines between a report's first line and its Call Trace
MAX_TROUBLE_SHOWN = 10
MAX_LIVE_FAILS = 20
STATUS_EVERY = 30.0


class Suite:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.failed_names = []
        self.begins = []  # log line numbers
        self.ends = []  # (line number, rc)
        self.begin_time = None
        self.running = None  # the case a case-start line named, until its result


class Parser:
    def __init__(self, expected, live):
        self.expected = expected
        self.live = live
        self.start = time.monotonic()
        self.suites = {}
        self.order = []
        self.current = None
        self.done_line = None
        self.init_time = None
        self.done_time = None
        self.trouble = []  # (line number, text)
        self.events = []  # run-level failures: messages
        self.malformed = []
        self.lineno = 0
        self.last_line = ""
        self.last_expected_dump = -(10**9)
        self.last_trouble = -(10**9)
        self.invalid_wait = None  # (line number, text) of a report being read
        self.live_fails = 0
        self.last_status = time.monotonic()
        for s in expected:
            self.suite(s)

    # -- helpers
    def elapsed(self):
        return time.monotonic() - self.start

    def say(self, msg):
        if self.live:
            print(f"[{self.elapsed():6.1f}s] {msg}", flush=True)
            self.last_status = time.monotonic()

    def suite(self, name):
        if name not in self.suites:
            self.suites[name] = Suite(name)
            self.order.append(name)
        return self.suites[name]

    def totals(self):
        p = sum(s.passed for s in self.suites.values())
        f = sum(s.failed for s in self.suites.values())
        return p, f

    # -- input
    def feed(self, raw):
        self.lineno += 1
        line = raw.rstrip("\r\n").replace("\r", "")
        if line.strip():
            self.last_line = line
        idx = line.find("@@myepoll ")
        if idx >= 0:
            self.protocol(line[idx:])
        if EXPECTED_DUMP.search(line):
            self.last_expected_dump = self.lineno
        if self.invalid_wait_read(line):
            return
        m = TROUBLE.search(line)
        if m:
            self.last_trouble = self.lineno
            if INVALID_WAIT.search(line):
                self.invalid_wait = (self.lineno, line)
            else:
                self.add_trouble(line)
        elif CALL_TRACE.search(line):
            if self.lineno - max(self.last_trouble, self.last_expected_dump) > DUMP_WINDOW:
                self.add_trouble(line)

    def invalid_wait_read(self, line):
        """Classifies a pending Invalid wait context report; True if it
        was the serial console's (the line is consumed)."""
        if self.invalid_wait is None:
            return False
        n, text = self.invalid_wait
        if CONSOLE_LOCK.search(line):
            self.invalid_wait = None
            self.last_expected_dump = self.lineno
            self.say(f"note: log line {n}: Invalid wait context of the kernel's serial console "
                     "(printk in hard-IRQ context), not counted; lockdep is off from here")
            return True
        if self.lineno - n > INVALID_WAIT_WINDOW:
            self.invalid_wait = None
            self.trouble.append((n, text))
            self.say(f"KERNEL TROUBLE at log line {n}: {text.strip()}")
        return False

    def running_case(self):
        """' during case X' when a case-start line named the running case."""
        if self.current is None or self.current.running is None:
            return ""
        return f" during case {self.current.running}"

    def add_trouble(self, line):
        self.trouble.append((self.lineno, line))
        if len(self.trouble) <= 3:
            self.say(f"KERNEL TROUBLE at log line {self.lineno}{self.running_case()}: {line.strip()}")

    def protocol(self, text):
        m = PROTO.match(text)
        if not m:
            return
        kind, rest = m.group(1), (m.group(2) or "").strip()
        if kind == "case":
            c = CASE.match(rest)
            if not c:
                self.malformed.append((self.lineno, text))
                return
            s = self.suite(c.group(1))
            s.running = None
            if c.group(2) == "pass":
                s.passed += 1
            else:
                s.failed += 1
                s.failed_names.append(c.group(3))
                self.live_fails += 1
                if self.live_fails <= MAX_LIVE_FAILS:
                    self.say(f"  FAIL {s.name} {c.group(3)}")
                elif self.live_fails == MAX_LIVE_FAILS + 1:
                    self.say("  (further failures are listed at the end)")
        elif kind == "case-start":
            c = CASE_START.match(rest)
            if not c:
                self.malformed.append((self.lineno, text))
                return
            self.suite(c.group(1)).running = c.group(2)
        elif kind == "suite-begin":
            s = self.suite(rest)
            s.begins.append(self.lineno)
            s.begin_time = self.elapsed()
            self.current = s
            self.say(f"suite {s.name}: started")
        elif kind == "suite-end":
            e = SUITE_END.match(rest)
            if not e:
                self.malformed.append((self.lineno, text))
                return
            s = self.suite(e.group(1))
            rc = int(e.group(2))
            s.ends.append((self.lineno, rc))
            took = f" in {self.elapsed() - s.begin_time:.1f}s" if s.begin_time is not None else ""
            self.say(f"suite {s.name}: finished rc={rc}{took}: {s.passed} passed, {s.failed} failed")
            self.current = None
        elif kind == "init":
            self.init_time = self.elapsed()
            self.say(f"VM init started ({rest})")
        elif kind == "done":
            self.done_line = self.lineno
            self.done_time = self.elapsed()
        elif kind == "insmod-failed":
            self.events.append(f"insmod failed: {rest} (log line {self.lineno})")
            self.say(f"INSMOD FAILED: {rest}")
        elif kind == "rmmod-failed":
            self.events.append(f"rmmod failed at the end of the run: {rest} (log line {self.lineno})")
            self.say(f"RMMOD FAILED: {rest}")
        elif kind == "note":
            self.say(f"note: {rest}")

    def tick(self):
        """Periodic status line while a suite runs."""
        if not self.live or time.monotonic() - self.last_status < STATUS_EVERY:
            return
        p, f = self.totals()
        where = f"suite {self.current.name}" if self.current else "between suites / booting"
        self.say(f"... {where}: {p} passed, {f} failed so far")

    # -- result
    def finish(self, timed_out=None, qemu_status=None):
        if self.invalid_wait is not None:  # the log ended inside the report
            self.trouble.append(self.invalid_wait)
            self.invalid_wait = None
        out = []
        fails = list(self.events)
        if timed_out is not None:
            after = f" after {timed_out:.0f}s" if timed_out else ""
            fails.append(
                f"timeout: the VM was killed{after}{self.running_case()}; last console line "
                f"{self.lineno}: {self.last_line.strip()!r}"
            )
        elif self.done_line is None:
            st = f" (QEMU exit status {qemu_status})" if qemu_status is not None else ""
            fails.append(
                f"the VM stopped without '@@myepoll done'{st}; last console line "
                f"{self.lineno}: {self.last_line.strip()!r}"
            )
        if self.trouble:
            msg = [f"kernel trouble: {len(self.trouble)} console line(s) report kernel problems:"]
            for n, t in self.trouble[:MAX_TROUBLE_SHOWN]:
                msg.append(f"      log line {n}: {t.strip()}")
            if len(self.trouble) > MAX_TROUBLE_SHOWN:
                msg.append(f"      ... and {len(self.trouble) - MAX_TROUBLE_SHOWN} more")
            fails.append("\n".join(msg))

        out.append("per-suite results:")
        for name in self.order:
            s = self.suites[name]
            rcs = ",".join(str(rc) for _, rc in s.ends) or "-"
            out.append(f"  {name:<20} {s.passed:5d} passed {s.failed:5d} failed   rc={rcs}")
            for fn in s.failed_names[:50]:
                out.append(f"      FAIL {fn}")
            if len(s.failed_names) > 50:
                out.append(f"      ... and {len(s.failed_names) - 50} more")
            missing = self.expected.count(name) - len(s.begins)
            if missing > 0:
                fails.append(f"suite {name}: never started" + (f" ({missing} of its runs)" if len(s.begins) else ""))
            for ln in s.begins[len(s.ends):]:
                during = f", during case {s.running}" if s.running else ""
                fails.append(f"suite {name}: began at log line {ln} and never ended (crash or hang{during})")
            for ln, rc in s.ends:
                if rc != 0 and s.failed == 0:
                    fails.append(f"suite {name}: exited rc={rc} (log line {ln}) without reporting a failed case")
        if not self.order:
            out.append("  (none)")
        for n, t in self.malformed[:5]:
            out.append(f"  note: malformed protocol line {n} ignored: {t}")
        if self.init_time is not None and self.live:
            t = f"timing: VM init after {self.init_time:.1f}s"
            if self.done_time is not None:
                t += f", @@myepoll done after {self.done_time:.1f}s (host wall clock)"
            out.append(t)
        if fails:
            out.append("run failures:")
            out.extend(f"  FAIL {f}" for f in fails)
        p, f = self.totals()
        return out, p, f + len(fails)


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (OSError, IndexError):
        return False


def kill(pid):
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except OSError:
            return
        end = time.monotonic() + wait
        while time.monotonic() < end and pid_alive(pid):
            time.sleep(0.1)
        if not pid_alive(pid):
            return


def follow(parser, path, pid, timeout):
    """Feed the log to the parser while QEMU runs. Returns the elapsed time on timeout."""
    while not os.path.exists(path) and pid_alive(pid):
        time.sleep(0.1)
    buf = b""
    timed_out = None
    with open(path, "rb") as fh:
        while True:
            alive = pid_alive(pid)
            chunk = fh.read()
            if chunk:
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for ln in lines:
                    parser.feed(ln.decode("utf-8", "replace"))
            if not alive:
                break
            if timed_out is None and timeout and parser.elapsed() > timeout:
                timed_out = parser.elapsed()
                parser.say(f"TIMEOUT after {timeout}s: killing QEMU (pid {pid})")
                kill(pid)
                continue
            parser.tick()
            if not chunk:
                time.sleep(0.2)
        rest = buf + fh.read()
    for ln in rest.split(b"\n"):
        if ln:
            parser.feed(ln.decode("utf-8", "replace"))
    return timed_out


def write_summary(path, passed, failed):
    if path:
        with open(path, "w") as fh:
            fh.write(f"{passed} {failed}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log", nargs="*")
    ap.add_argument("--suites", default="", help="requested suites (space or comma separated)")
    ap.add_argument("--follow", action="store_true")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--timeout", type=float, default=0)
    ap.add_argument("--timed-out", action="store_true", help="the run was killed on timeout")
    ap.add_argument("--qemu-status-file", help="file holding QEMU's exit status (read at the end)")
    ap.add_argument("--qemu-output", help="file holding QEMU's stdout/stderr (shown at the end)")
    ap.add_argument("--summary-file", help='write "passed failed" to this file')
    ap.add_argument("--sum", action="store_true", help="add up summary files given as arguments")
    a = ap.parse_args()

    if a.sum:
        passed = failed = 0
        for f in a.log:
            try:
                with open(f) as fh:
                    p, m = (int(x) for x in fh.read().split())
            except (OSError, ValueError):
                print(f"FAIL summary file {f} is missing or malformed")
                p, m = 0, 1
            passed += p
            failed += m
        write_summary(a.summary_file, passed, failed)
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1

    if len(a.log) != 1:
        ap.error("exactly one LOG expected")
    expected = [s for s in re.split(r"[\s,]+", a.suites) if s]
    parser = Parser(expected, live=a.follow)
    timed_out = None
    qemu_status = None
    if a.follow:
        if a.pid is None:
            ap.error("--follow needs --pid")
        try:
            timed_out = follow(parser, a.log[0], a.pid, a.timeout)
        except KeyboardInterrupt:
            parser.say("interrupted: killing QEMU")
            kill(a.pid)
            timed_out = parser.elapsed()
    else:
        with open(a.log[0], "rb") as fh:
            data = fh.read()
        for ln in data.split(b"\n")[: -1 if data.endswith(b"\n") else None]:
            parser.feed(ln.decode("utf-8", "replace"))
        if a.timed_out:
            timed_out = 0.0
    if a.qemu_status_file:
        # vm-run.sh writes it after QEMU is reaped; give it a moment.
        for _ in range(50):
            try:
                with open(a.qemu_status_file) as fh:
                    qemu_status = int(fh.read().strip())
                break
            except (OSError, ValueError):
                time.sleep(0.1)
    out, passed, failed = parser.finish(timed_out, qemu_status)
    # isa-debug-exit makes QEMU exit with (code<<1)|1: 1 or 3 is normal.
    if qemu_status is not None and qemu_status not in (1, 3):
        print(f"note: QEMU exit status {qemu_status}")
    if a.qemu_output and os.path.exists(a.qemu_output) and os.path.getsize(a.qemu_output):
        with open(a.qemu_output, errors="replace") as fh:
            print("QEMU printed:\n" + "".join("  " + ln for ln in fh.readlines()[-20:]).rstrip())
    if a.follow:
        print(f"console log: {a.log[0]}")
    print("\n".join(out))
    write_summary(a.summary_file, passed, failed)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException:  # a parser bug must not look like an ordinary test failure
        import traceback

        traceback.print_exc()
        sys.exit(3)
