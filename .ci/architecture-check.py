#!/usr/bin/env python3
"""Architecture guard (issue 12): the README's module table lists exactly the targets of Package.swift, in an
order no import runs against, and every target declares exactly the modules its sources import."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
readme = open(os.path.join(root, "README.md")).read()
table = readme.split("## Architecture")[1].split("\n## ")[0]
rows = re.findall(r"^\| `(\w[\w-]*)` \|", table, re.M)
order = {m: i for i, m in enumerate(rows)}
package = open(os.path.join(root, "Package.swift")).read()
system = set(re.findall(r'systemLibrary\(name: "(\w+)"', package))
products = {"HeapModule": "HeapModule", "Yams": "Yams", "ArgumentParser": "ArgumentParser"}

# Each source target's declared dependencies. Targets start at the top level of `targets: [...]` (8 spaces), so
# a conditional `.target(name: "CMPI", condition: ...)` inside a dependency list stays with its owner.
declared = {}
for block in re.split(r"\n {8}\.", package):
    head = re.match(r'(target|executableTarget)\(name: "(\w+)"', block)
    if not head:
        continue
    name = head.group(2)
    deps = block[block.find("dependencies"):] if "dependencies" in block else ""
    names = set(re.findall(r'"(\w+)"', re.sub(r'package: "[\w-]+"|traits: \[[^]]*\]', "", deps)))
    names.discard(name)
    declared[name] = names

problems = []
for t in declared:
    if t not in order:
        problems.append(f"target {t} has no row in the README's architecture table")
for m in rows:
    if m not in declared:
        problems.append(f"README row {m} names no target of Package.swift")
for t, deps in declared.items():
    imports = set()
    for folder, _, files in os.walk(os.path.join(root, "Sources", t)):
        for f in files:
            if f.endswith(".swift"):
                text = open(os.path.join(folder, f)).read()
                imports |= set(re.findall(r"^(?:@testable |@_implementationOnly )?import (\w+)", text, re.M))
    ours = {i for i in imports if i.startswith("Linkscope") or i in system or i in products}
    for i in sorted(ours - deps):
        problems.append(f"{t} imports {i} without declaring it")
    for d in sorted(deps - ours):
        problems.append(f"{t} declares {d} but never imports it")
    for i in ours:
        if i in order and t in order and order[i] >= order[t]:
            problems.append(f"{t} imports {i}, which the README lists after it")
for p in problems:
    print("architecture:", p)
print(f"architecture: {'OK' if not problems else 'MISMATCH'}: {len(rows)} README rows, {len(declared)} targets")
sys.exit(1 if problems else 0)
