"""Runs issue 16's benchmark: Comptoir and its peers alternately on the same input, each as a
whole process, and prints a markdown table of medians and the SPEC §7 ratios. Called by
scripts/bench-peers.sh, which sets up the virtual environments and the input; needs only
the standard library.

    harness.py xlsx FILE --cli BIN --bench BIN --py LATEST_PYTHON --py144 PYTHON_1_4_4 [--pandas-rounds N]
    harness.py csv  DIR  --cli BIN --py LATEST_PYTHON

Each run gets a fresh folder for its DuckDB file (and Comptoir's lake beside it), removed
afterwards. Wall time is from spawn to reap. Peak RSS is the larger of the kernel's peak for
any single process of the run (GNU time's %M; os.wait4's ru_maxrss without it) and the sum of
the resident memory of the run's whole process tree, sampled every 50 ms (Comptoir parses in
a child process; its memory counts too).
"""

import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "peer.py")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
NEIGHBOURS = None


class Importer:
    def __init__(self, key, label, argv, rounds, expect_rows=None):
        self.key, self.label, self.argv, self.rounds = key, label, argv, rounds
        self.expect_rows = expect_rows  # parse the peer's JSON row counts
        self.walls, self.peaks = [], []
        self.unavailable = None  # the reason, when it could not run
        self.rows = None


def tree_rss_kb(pid):
    """Resident memory of pid and all its descendants, in KB (0 once gone)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE_KB
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (OSError, ValueError, IndexError):
            pass
    return total


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(argv, cwd):
    """Runs argv; returns (wall seconds, peak RSS KB, exit status, stdout, stderr).

    With GNU time (Debian package `time`) the command runs under `/usr/bin/time -f %M`, whose
    own few MB are what the command inherits at exec. Without it, os.wait4's ru_maxrss is used,
    which also counts this harness's ~17 MB (the child is forked from it: Linux keeps the
    pre-exec high-water mark), so small processes then read ~17 MB at least."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    peak_file = tempfile.NamedTemporaryFile(prefix="peak-", delete=False)
    peak_file.close()
    wrapped = [GNU_TIME, "-f", "%M", "-o", peak_file.name, *argv] if GNU_TIME else argv
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    sampled = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.05):
            if GNU_TIME:  # the tree under time, without time itself
                try:
                    with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
                        kids = [int(c) for c in f.read().split()]
                except OSError:
                    kids = []
                rss = sum(tree_rss_kb(k) for k in kids)
            else:
                rss = tree_rss_kb(proc.pid)
            sampled[0] = max(sampled[0], rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    peak = usage.ru_maxrss
    if GNU_TIME:
        try:
            with open(peak_file.name) as f:
                peak = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    os.unlink(peak_file.name)
    out.seek(0)
    err.seek(0)
    return wall, max(peak, sampled[0]), proc.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace")


FOREIGN = {"rustc", "cc1plus", "cc1", "ld", "node", "tsc", "chromium", "WebKitWebProcess"}


class Neighbours:
    """Notes, once a second, the compilers and other heavy programs running beside the
    benchmark (the machine is shared): a run that overlapped a build says so."""

    def __init__(self):
        self.seen = set()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        while True:
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        with open(f"/proc/{pid}/comm") as f:
                            name = f.read().strip()
                    except OSError:
                        continue
                    if name in FOREIGN:
                        self.seen.add(name)
            time.sleep(1.0)

    def take(self):
        seen, self.seen = self.seen, set()
        return seen


def loadavg():
    """The 1-minute load average: on 2 shared cores, anything much above 0 means someone else runs."""
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def run_round_robin(importers, rounds, work):
    for r in range(1, rounds + 1):
        for imp in importers:
            if imp.unavailable or r > imp.rounds:
                continue
            run_dir = tempfile.mkdtemp(prefix=f"{imp.key}-", dir=work)
            db = os.path.join(run_dir, "store.duckdb")
            argv = [a.replace("{db}", db) for a in imp.argv]
            load = loadavg()
            NEIGHBOURS.take()
            wall, peak, code, out, err = measure(argv, run_dir)
            others = NEIGHBOURS.take()
            shutil.rmtree(run_dir, ignore_errors=True)
            if code != 0:
                imp.unavailable = f"failed (exit {code}): " + " ".join((err or out).strip().splitlines()[-3:])[:300]
                print(f"round {r}  {imp.label}: {imp.unavailable}", flush=True)
                continue
            if imp.expect_rows:
                try:
                    imp.rows = json.loads(out.strip().splitlines()[-1])["rows"]
                except (ValueError, KeyError, IndexError):
                    imp.rows = None
            imp.walls.append(wall)
            imp.peaks.append(peak)
            print(f"round {r}  {imp.label}: {wall:.2f} s, peak {peak / 1024:.0f} MB (load before: {load}{'; beside it: ' + ', '.join(sorted(others)) if others else ''})", flush=True)


def available(python, modules):
    """None when `python` imports every module, else the reason."""
    if not python or not os.path.exists(python):
        return "its virtual environment could not be set up"
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)"
    p = subprocess.run([python, "-c", code, *modules], capture_output=True, text=True)
    if p.returncode != 0:
        return "unavailable: " + (p.stderr.strip().splitlines() or ["?"])[-1]
    return None


def versions(python, dists):
    """The installed version of each distribution in python's environment, "?" where unknown."""
    code = "import sys\nfrom importlib import metadata\nfor d in sys.argv[1:]:\n    try: print(metadata.version(d))\n    except Exception: print('?')"
    try:
        p = subprocess.run([python, "-c", code, *dists], capture_output=True, text=True)
    except OSError:
        return ["?"] * len(dists)
    got = p.stdout.split()
    return got if p.returncode == 0 and len(got) == len(dists) else ["?"] * len(dists)


def median(xs):
    return statistics.median(xs) if xs else None


def fmt_s(x):
    return f"{x:.2f} s" if x is not None else "—"


def fmt_mb(kb):
    return f"{kb / 1024:.0f} MB" if kb is not None else "—"


def print_table(importers, bold_key, first_column):
    print()
    print(f"| {first_column} | median wall | runs (s) | peak RSS (median) |")
    print("|---|---|---|---|")
    for imp in importers:
        b = "**" if imp.key == bold_key else ""
        if imp.unavailable and not imp.walls:
            print(f"| {b}{imp.label}{b} | {imp.unavailable} | | |")
            continue
        runs = " / ".join(f"{w:.2f}" for w in imp.walls)
        note = f" ({imp.unavailable})" if imp.unavailable else ""
        print(f"| {b}{imp.label}{b} | {b}{fmt_s(median(imp.walls))}{b}{note} | {runs} | {b}{fmt_mb(median(imp.peaks))}{b} |")


def print_checks(checks):
    """checks: (what, value or None, target text, passes(value) -> bool)."""
    print()
    print("| ratio (medians) | value | target | result |")
    print("|---|---|---|---|")
    failed = False
    for what, value, target, ok in checks:
        if value is None:
            print(f"| {what} | n/a | {target} | n/a (a side did not run) |")
            continue
        passed = ok(value)
        failed |= not passed
        print(f"| {what} | {value:.2f} × | {target} | {'PASS' if passed else 'FAIL'} |")
    return failed


def ratio(a, b):
    return a / b if a is not None and b else None


def check_rows(importers, table):
    counts = {imp.label: imp.rows.get(table) for imp in importers if imp.rows}
    if len(set(counts.values())) > 1:
        print(f"\nWARNING: the peers did not load the same number of {table} rows: {counts}")
    elif counts:
        print(f"\nEvery peer that ran loaded {next(iter(counts.values())):,} {table} rows.")


def header(what):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"# {what}: {now}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GB, {platform.platform(terse=True)}; load {loadavg()}")


def xlsx(args):
    file = os.path.abspath(args.source)
    pv, dv, fv, pdv, ov = versions(args.py, ["polars", "duckdb", "fastexcel", "pandas", "openpyxl"])
    old_dv, ext_v = versions(args.py144, ["duckdb", "duckdb-ext-excel"])
    imps = [
        Importer("read", "calamine's bare streaming read (`bench read`, no store)", [args.bench, "read", file], args.rounds),
        Importer("comptoir", "comptoir import (whole CLI process)", [args.cli, "--db", "{db}", "import", file], args.rounds),
        Importer("polars", f"Python polars {pv} `read_excel` → DuckDB {dv}", [args.py, PEER, "polars", file, "{db}"], args.rounds, True),
        Importer("fastexcel", f"Python fastexcel {fv} → Arrow → DuckDB {dv}", [args.py, PEER, "fastexcel", file, "{db}"], args.rounds, True),
        Importer(
            "read_xlsx",
            f"DuckDB {old_dv}'s own `read_xlsx` (duckdb-ext-excel {ext_v}), each sheet into a table",
            [args.py144, PEER, "read_xlsx", file, "{db}"],
            args.rounds,
            True,
        ),
        Importer("pandas", f"pandas {pdv} + openpyxl {ov} → DuckDB {dv}", [args.py, PEER, "pandas", file, "{db}"], args.pandas_rounds, True),
    ]
    by = {i.key: i for i in imps}
    for key, path in (("read", args.bench), ("comptoir", args.cli)):
        if not os.access(path, os.X_OK):
            by[key].unavailable = f"not built ({path})"
    by["polars"].unavailable = available(args.py, ["polars", "duckdb", "pyarrow"])
    by["fastexcel"].unavailable = available(args.py, ["fastexcel", "duckdb", "pyarrow"])
    by["pandas"].unavailable = available(args.py, ["pandas", "openpyxl", "duckdb"])
    by["read_xlsx"].unavailable = available(args.py144, ["duckdb"])
    if not by["read_xlsx"].unavailable:
        p = subprocess.run([args.py144, PEER, "find-excel-extension"], capture_output=True, text=True)
        by["read_xlsx"].unavailable = None if p.returncode == 0 else "unavailable: excel.duckdb_extension not found in duckdb-ext-excel"
    if args.pandas_rounds == 0:
        by["pandas"].unavailable = "skipped (SKIP_PANDAS=1)"
    for imp in imps:
        if imp.unavailable:
            print(f"{imp.label}: {imp.unavailable}")

    header("Import vs peers")
    size = os.path.getsize(file) / 1e6
    print(f"file: {file} ({size:.1f} MB); {args.rounds} round(s), alternating; pandas {args.pandas_rounds} round(s)")
    # Once through the file so that the first importer does not pay for a cold page cache.
    with open(file, "rb") as f:
        while f.read(1 << 20):
            pass
    run_round_robin(imps, args.rounds, args.work)
    print_table(imps, "comptoir", "importer (each writes a DuckDB file, but the bare read)")
    check_rows([i for i in imps if i.expect_rows], "InvoiceLines")

    c = median(by["comptoir"].walls)
    peers = [median(by[k].walls) for k in ("polars", "fastexcel", "read_xlsx", "pandas") if by[k].walls]
    fastest = min(peers) if peers else None
    fastest_name = next((by[k].key for k in ("polars", "fastexcel", "read_xlsx", "pandas") if by[k].walls and median(by[k].walls) == fastest), "?")
    return print_checks(
        [
            (f"comptoir / fastest peer ({fastest_name})", ratio(c, fastest), "≤ 1.00", lambda v: v <= 1.0),
            ("comptoir / bare read", ratio(c, median(by["read"].walls)), "≤ 1.25", lambda v: v <= 1.25),
            ("pandas / comptoir", ratio(median(by["pandas"].walls), c), "≥ 15", lambda v: v >= 15),
            ("comptoir peak RSS / read_xlsx peak RSS", ratio(median(by["comptoir"].peaks), median(by["read_xlsx"].peaks)), "≤ 2.00", lambda v: v <= 2.0),
        ]
    )


def csv(args):
    folder = os.path.abspath(args.source)
    files = sorted(glob.glob(os.path.join(folder, "*.csv")))
    dv = versions(args.py, ["duckdb"])[0]
    imps = [
        Importer("comptoir", f"comptoir import of the {len(files)} files (whole CLI process)", [args.cli, "--db", "{db}", "import", *files], args.rounds),
        Importer(
            "read_csv",
            f"DuckDB {dv}'s own `read_csv('{os.path.basename(folder)}/*.csv')` into a table",
            [args.py, PEER, "read_csv", os.path.join(folder, "*.csv"), "{db}"],
            args.rounds,
            True,
        ),
    ]
    if not os.access(args.cli, os.X_OK):
        imps[0].unavailable = f"not built ({args.cli})"
    imps[1].unavailable = available(args.py, ["duckdb"])
    for imp in imps:
        if imp.unavailable:
            print(f"{imp.label}: {imp.unavailable}")
    header("CSV import vs DuckDB read_csv")
    print(f"input: {len(files)} CSV files in {folder} ({sum(map(os.path.getsize, files)) / 1e6:.1f} MB); {args.rounds} round(s), alternating")
    for f in files:
        with open(f, "rb") as h:
            h.read()
    run_round_robin(imps, args.rounds, args.work)
    print_table(imps, "comptoir", "importer (each writes a DuckDB file)")
    if imps[1].rows:
        print(f"\nDuckDB's read_csv loaded {imps[1].rows['sales']:,} lines.")
    return print_checks(
        [("comptoir / DuckDB read_csv", ratio(median(imps[0].walls), median(imps[1].walls)), "≤ 1.00", lambda v: v <= 1.0)]
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["xlsx", "csv"])
    ap.add_argument("source")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--bench", default="")
    ap.add_argument("--py", default="")
    ap.add_argument("--py144", default="")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pandas-rounds", type=int, default=1)
    ap.add_argument("--work", default=None)
    ap.add_argument("--strict", action="store_true", help="exit 1 when a ratio misses its target")
    args = ap.parse_args()
    global NEIGHBOURS
    NEIGHBOURS = Neighbours()
    args.work = args.work or tempfile.mkdtemp(prefix="bench-peers-")
    os.makedirs(args.work, exist_ok=True)
    failed = xlsx(args) if args.mode == "xlsx" else csv(args)
    sys.exit(1 if failed and args.strict else 0)


if __name__ == "__main__":
    main()
