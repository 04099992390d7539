#!/usr/bin/env python3
"""profile-report.py: guest instructions per wait, per function, per API.

    scripts/profile-report.py BLOCKS CONSOLE_LOG [--lines MODULE_KO] [--min N]
                              [--names select,poll,native,myepoll]

BLOCKS is what tools/profile/tbprof.cpp wrote at QEMU's exit: a header with
the number of windows each API opened, then one line per translation block
executed in a window ("vaddr insns count0 count1 ..."; window = the value of
the bench's Api: select, poll, native, myepoll).  CONSOLE_LOG holds the
guest's text symbols, gzip + base64 between "@@profile kallsyms begin" and
"end" (scripts/suites/profile.sh).  Each block's instructions times its count
go to the function holding its first address; a window's sum over the waits
it opened is the cost of one wait.  --lines adds myepoll's blocks by source
line (addr2line -i over the module the VM loaded).  --names names the
windows in order ("_" leaves one out), for programs that open windows of
their own; the myepoll - native column needs both names.
"""
import argparse
import base64
import bisect
import gzip
import re
import subprocess
import sys

# The bench's windows: tools/bench/waiter.hpp's Api values.
APIS = "select,poll,native,myepoll"
USER_LIMIT = 0x0000800000000000


def read_blocks(path):
    opened, blocks = None, []
    with open(path) as f:
        for line in f:
            if line.startswith("# tbprof windows opened:"):
                opened = [int(x) for x in line.split(":")[1].split()]
            if line.startswith("#"):
                continue
            fields = line.split()
            blocks.append((int(fields[0], 16), int(fields[1]), [int(x) for x in fields[2:]]))
    if opened is None:
        sys.exit(f"profile-report: {path} has no window header")
    return opened, blocks


def read_kallsyms(log):
    text = open(log, errors="replace").read()
    m = re.search(r"@@profile kallsyms begin\r?\n(.*?)@@profile kallsyms end", text, re.S)
    if not m:
        sys.exit(f"profile-report: no kallsyms in {log}")
    raw = gzip.decompress(base64.b64decode(re.sub(r"\s+", "", m.group(1))))
    syms = []
    for line in raw.decode().splitlines():
        f = line.split()
        if len(f) >= 3:
            syms.append((int(f[0], 16), f[2] + (" " + f[3] if len(f) > 3 else "")))
    syms.sort()
    return syms


def symbol_at(syms, addrs, vaddr):
    """(start, name) of the function holding vaddr."""
    if vaddr < USER_LIMIT:
        return vaddr, "[user space]"
    i = bisect.bisect_right(addrs, vaddr) - 1
    return syms[i] if i >= 0 else (vaddr, "[kernel, no symbol]")


def module_sections(ko):
    """Symbol -> (section, offset) of the module's functions."""
    sections = {}
    for line in subprocess.run(["readelf", "-SW", ko], capture_output=True, text=True).stdout.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if m:
            sections[m.group(1)] = m.group(2)
    funcs = {}
    for line in subprocess.run(["readelf", "-sW", ko], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC" and f[6] in sections:
            funcs[f[7]] = (sections[f[6]], int(f[1], 16))
    return funcs


def source_line(ko, section, offset):
    out = subprocess.run(["addr2line", "-i", "-f", "-j", section, "-e", ko, hex(offset)],
                         capture_output=True, text=True).stdout.split("\n")
    return " < ".join(f"{out[i]}@{out[i + 1].split('/')[-1]}" for i in range(0, len(out) - 1, 2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("blocks")
    ap.add_argument("log")
    ap.add_argument("--lines", metavar="MODULE_KO")
    ap.add_argument("--min", type=float, default=1.0, help="smallest row shown, instructions per wait")
    ap.add_argument("--names", default=APIS, help="the windows' names, in order; _ skips one")
    a = ap.parse_args()

    opened, blocks = read_blocks(a.blocks)
    syms = read_kallsyms(a.log)
    addrs = [s[0] for s in syms]
    names = a.names.split(",")
    apis = [w for w in range(min(len(opened), len(names))) if opened[w] and names[w] != "_"]
    if not apis:
        sys.exit("profile-report: no window was opened")
    native = names.index("native") if "native" in names else None
    mine = names.index("myepoll") if "myepoll" in names else None
    diff = native in apis and mine in apis

    per_func = {}
    for vaddr, insns, counts in blocks:
        row = per_func.setdefault(symbol_at(syms, addrs, vaddr)[1], [0.0] * len(opened))
        for w in apis:
            row[w] += insns * counts[w] / opened[w]
    totals = [sum(r[w] for r in per_func.values()) for w in range(len(opened))]

    head = "".join(f"{names[w]:>10}" for w in apis) + ("  myepoll-native" if diff else "")
    print("guest instructions per window (QEMU TCG plugin; windows: "
          + ", ".join(f"{names[w]} {opened[w]}" for w in apis) + ")")
    print(f"{head}  function")
    print("".join(f"{totals[w]:10.0f}" for w in apis)
          + (f"  {totals[mine] - totals[native]:+15.0f}" if diff else "") + "  all")
    rows = sorted(per_func.items(), key=lambda kv: -max(kv[1][w] for w in apis))
    for name, row in rows:
        if max(row[w] for w in apis) < a.min:
            continue
        print("".join(f"{row[w]:10.1f}" for w in apis)
              + (f"  {row[mine] - row[native]:+15.1f}" if diff else "") + f"  {name}")

    if a.lines and mine in apis:
        funcs = module_sections(a.lines)
        print("\nmyepoll by source line (per window; block start, instructions x executions):")
        for vaddr, insns, counts in sorted(blocks):
            start, name = symbol_at(syms, addrs, vaddr)
            if not counts[mine] or not name.endswith("[myepoll]"):
                continue
            sym = name.split()[0]
            section, offset = funcs.get(sym, (None, 0))
            where = source_line(a.lines, section, offset + vaddr - start) if section else sym
            per = counts[mine] / opened[mine]
            print(f"{insns * per:8.1f}  {insns:3d} x {per:6.2f}  {where}")


if __name__ == "__main__":
    main()
