#!/usr/bin/env python3
"""bench-report.py: the host side of `make bench`.

Reads the VM console log of a bench run, writes every table the VM printed as
`@@bench csv <name> <fields>` lines to <outdir>/<name>.csv, prints the aligned
tables the VM printed, and draws the scaling plots (wait-round cost against
the number of connections, log-log, one line per API; one SVG per K) as
hand-written SVG, so that no plotting package is needed.

  scripts/bench-report.py CONSOLE_LOG OUTDIR
"""
import csv
import math
import os
import re
import sys
from collections import defaultdict

COLORS = {"select": "#8c564b", "poll": "#ff7f0e", "native": "#1f77b4", "myepoll": "#d62728"}


def read_log(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace").replace("\r", "")
    return text.split("\n")


def extract_csv(lines):
    tables = defaultdict(list)
    for line in lines:
        m = re.match(r"^@@bench csv (\S+) (.*)$", line)
        if m:
            rows = tables[m.group(1)]
            fields = m.group(2).split(",")
            if rows and fields == rows[0]:
                continue  # a repeated header
            rows.append(fields)
    return tables


def print_tables(lines):
    """The aligned tables: from the bench header to the last table line."""
    show = False
    for line in lines:
        if line.startswith("bench: timing="):
            show = True
        if not show or line.startswith("@@") or re.match(r"^\[\s*\d+\.\d+\]", line):
            continue
        print(line)


def nice_ticks(lo, hi):
    """1-2-5 ticks over a few decades, one per decade over many."""
    ticks = []
    e = math.floor(math.log10(lo))
    steps = (1, 2, 5) if math.log10(hi / lo) <= 3 else (1,)
    while 10 ** e <= hi * 1.0001:
        for m in steps:
            v = m * 10 ** e
            if lo <= v * 1.0001 and v <= hi * 1.0001:
                ticks.append(v)
        e += 1
    return ticks


def svg_scaling(rows, k, timing, path):
    use_instr = timing == "icount"
    column = "wait_med_instr" if use_instr else "wait_med_ns"
    series = defaultdict(list)
    for r in rows:
        if r["k"] == str(k):
            series[r["api"]].append((int(r["n"]), float(r[column])))
    if not series:
        return False
    scale = 1.0
    pts = [(n, v * scale) for s in series.values() for n, v in s if v > 0]
    xmin, xmax = min(p[0] for p in pts), max(p[0] for p in pts)
    ymin, ymax = min(p[1] for p in pts), max(p[1] for p in pts)
    ymin = 10 ** math.floor(math.log10(ymin))
    ymax = 10 ** math.ceil(math.log10(ymax))
    xmin = 10 ** math.floor(math.log10(xmin))
    xmax = 10 ** math.ceil(math.log10(xmax))
    W, H, L, R, T, B = 640, 420, 80, 130, 40, 50
    pw, ph = W - L - R, H - T - B

    def X(v):
        return L + pw * (math.log10(v) - math.log10(xmin)) / (math.log10(xmax) - math.log10(xmin))

    def Y(v):
        return T + ph * (1 - (math.log10(v) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin)))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="14">'
           f'Cost of one wait round, K={k} ready (median, {timing})</text>']
    for t in nice_ticks(ymin, ymax):
        y = Y(t)
        out.append(f'<line x1="{L}" y1="{y:.1f}" x2="{L + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{t:,.0f}</text>')
    for e in range(int(math.log10(xmin)), int(math.log10(xmax)) + 1):
        x = X(10 ** e)
        out.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{T + ph}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{T + ph + 18}" text-anchor="middle">{10 ** e:,}</text>')
    out.append(f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="black"/>')
    out.append(f'<text x="{L + pw / 2}" y="{H - 10}" text-anchor="middle">'
               'connections watched (N)</text>')
    ylabel = "guest instructions" if use_instr else "ns"
    out.append(f'<text transform="translate(18,{T + ph / 2}) rotate(-90)" '
               f'text-anchor="middle">{ylabel} per round</text>')
    for i, api in enumerate(["select", "poll", "native", "myepoll"]):
        if api not in series:
            continue
        s = sorted((n, v * scale) for n, v in series[api])
        color = COLORS[api]
        dash = ' stroke-dasharray="6,3"' if api == "myepoll" else ""
        d = " ".join(f"{X(n):.1f},{Y(v):.1f}" for n, v in s)
        out.append(f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for n, v in s:
            out.append(f'<circle cx="{X(n):.1f}" cy="{Y(v):.1f}" r="3" fill="{color}"/>')
        ly = T + 10 + 20 * i
        out.append(f'<line x1="{L + pw + 12}" y1="{ly}" x2="{L + pw + 40}" y2="{ly}" '
                   f'stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{L + pw + 46}" y="{ly + 4}">{api}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return True


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lines = read_log(sys.argv[1])
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    tables = extract_csv(lines)
    if not tables:
        print(f"bench-report: no @@bench csv lines in {sys.argv[1]}")
        return 1
    print_tables(lines)
    for name, rows in tables.items():
        with open(os.path.join(outdir, f"{name}.csv"), "w", newline="") as f:
            csv.writer(f).writerows(rows)
    written = [f"{name}.csv" for name in tables]
    if "scaling" in tables:
        header, *data = tables["scaling"]
        rows = [dict(zip(header, r)) for r in data]
        timing = rows[0]["timing"] if rows else "unknown"
        for k in sorted({int(r["k"]) for r in rows}):
            name = f"scaling-k{k}.svg"
            if svg_scaling(rows, k, timing, os.path.join(outdir, name)):
                written.append(name)
    print(f"bench-report: wrote {', '.join(written)} in {outdir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
