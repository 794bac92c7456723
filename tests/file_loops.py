#!/usr/bin/env python3
"""No two source files call each other: for each pair of src/*.c whose objects (build/*.o, read
with nm) use a function or variable the other defines, names both and what each uses. Layers
stay layers (the server core below the pages, the storage facade above its drivers, ...), so a
file can be understood, tested and replaced from below. Exit 1 when such a pair exists."""
import collections
import glob
import os
import subprocess
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
sources = {os.path.basename(p)[:-2] for p in glob.glob(os.path.join(root, "src", "*.c"))}
defines, uses = {}, collections.defaultdict(set)
for name in sorted(sources):
    obj = os.path.join(build, name + ".o")
    if not os.path.exists(obj):
        sys.exit("file_loops: %s is missing (build first)" % obj)
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TDRB":
            defines[f[2]] = name
        elif len(f) == 2 and f[0] == "U":
            uses[name].add(f[1])
calls = collections.defaultdict(lambda: collections.defaultdict(list))
for name, symbols in uses.items():
    for s in sorted(symbols):
        if defines.get(s, name) != name:
            calls[name][defines[s]].append(s)
loops = sorted({tuple(sorted((a, b))) for a in calls for b in calls[a] if a in calls.get(b, {})})
for a, b in loops:
    print("src/%s.c uses %s; src/%s.c uses %s" % (a, ", ".join(calls[a][b][:3]), b, ", ".join(calls[b][a][:3])))
if loops:
    print("%d pairs of files call each other" % len(loops))
sys.exit(1 if loops else 0)
