#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compare sysclean's removal with rm -rf on the same trees, in one run.

For each tree size, builds two identical trees of small files under
ROOT/var/crash, removes one with `rm -rf` and the other with
`sysclean --root=ROOT --operations=crash-data`, and reports wall time and the
peak resident memory of each (GNU time's %M; wait4() in Python would count
the forked interpreter's pages too). Sizes grow tenfold so that a
memory use growing with the number of files shows. Also counts the processes
each one started (clone/fork/vfork seen by strace when it is installed).

Usage: removal.py [--dir=DIR] SYSCLEAN [FILES...]   (default sizes: 10000 100000)
The trees live in DIR, by default /dev/shm: on tmpfs the comparison measures
the two programs, not the disk's writeback, which on a shared virtual disk
varied fourfold between runs. Pass --dir=/var/tmp to include the disk.
Needs GNU time (package time) and, for the fork count, strace. Needs no root.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

FILES_PER_DIRECTORY = 1000
ROUNDS = 3


def build_tree(root, files):
    crash = os.path.join(root, "var", "crash")
    os.makedirs(crash)
    for index in range(files):
        directory = os.path.join(crash, "d%04d" % (index // FILES_PER_DIRECTORY))
        if index % FILES_PER_DIRECTORY == 0:
            os.mkdir(directory)
        with open(os.path.join(directory, "f%06d" % index), "wb") as file:
            file.write(b"x" * 64)
    return crash


def run_measured(command):
    """Returns (seconds, peak RSS in KiB) of one command."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.monotonic()
        result = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + command,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = time.monotonic() - started
        if result.returncode != 0:
            sys.exit("bench: %s failed: %s" % (command[0], result.stderr))
        return elapsed, int(report.read().split()[-1])


def count_processes(command):
    if not shutil.which("strace"):
        return None
    result = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=clone,clone3,fork,vfork", "-o", "/dev/stdout"]
        + command,
        capture_output=True, text=True)
    return sum(1 for line in result.stdout.splitlines() if "clone" in line or "fork" in line)


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    arguments = sys.argv[1:]
    work_parent = "/dev/shm"
    if arguments and arguments[0].startswith("--dir="):
        work_parent = arguments.pop(0)[len("--dir="):]
    if not arguments:
        sys.exit(__doc__)
    sysclean = os.path.abspath(arguments[0])
    sizes = [int(size) for size in arguments[1:]] or [10000, 100000]

    print("%-9s %-9s %10s %12s %8s" % ("files", "tool", "seconds", "peak RSS KiB", "forks"))
    for files in sizes:
        results = {"rm -rf": ([], []), "sysclean": ([], [])}
        forks = {}
        for round_index in range(ROUNDS):
            with tempfile.TemporaryDirectory(prefix="sysclean-bench.", dir=work_parent) as work:
                baseline_root = os.path.join(work, "baseline")
                sysclean_root = os.path.join(work, "sysclean")
                baseline_crash = build_tree(baseline_root, files)
                build_tree(sysclean_root, files)
                subprocess.run(["sync"], check=True)

                directories = sorted(os.listdir(baseline_crash))
                baseline = ["rm", "-rf", "--"] + [os.path.join(baseline_crash, d) for d in directories]
                candidate = [sysclean, "--root=" + sysclean_root, "--operations=crash-data", "-q"]

                # Alternate the order so that neither pays for the other's
                # journal commits and writeback every time.
                order = [("rm -rf", baseline), ("sysclean", candidate)]
                if round_index % 2:
                    order.reverse()
                for name, command in order:
                    seconds, rss = run_measured(command)
                    results[name][0].append(seconds)
                    results[name][1].append(rss)

                if not os.listdir(os.path.join(sysclean_root, "var", "crash")) == []:
                    sys.exit("bench: sysclean left files behind")
                if "sysclean" not in forks:
                    build_tree(os.path.join(work, "forks"), min(files, 2000))
                    forks["sysclean"] = count_processes(
                        [sysclean, "--root=" + os.path.join(work, "forks"),
                         "--operations=crash-data", "-q"])

        for name, (seconds, rss) in results.items():
            fork_count = forks.get(name)
            print("%-9d %-9s %10.3f %12d %8s" % (
                files, name, median(seconds), median(rss),
                "-" if fork_count is None else fork_count))
        ratio = median(results["sysclean"][0]) / median(results["rm -rf"][0])
        print("%-9d ratio     %10.2f  (sysclean / rm -rf, median of %d)" % (files, ratio, ROUNDS))


if __name__ == "__main__":
    main()
