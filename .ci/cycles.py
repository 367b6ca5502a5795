"""No import cycle between the library's top-level modules.

An edge A -> B when code of module A (tests and comments left out) names
`crate::B`. Fails, naming the modules, if any of them reach each other.
The binary's modules (main, cli, commands) sit above the library.
"""
import collections
import os
import re
import sys

edges = collections.defaultdict(set)
for root, _, files in os.walk("src"):
    for name in files:
        if not name.endswith(".rs"):
            continue
        path = os.path.join(root, name)
        module = path[len("src/"):-len(".rs")].split("/")[0]
        if module in ("main", "cli", "commands"):
            continue
        with open(path, encoding="utf-8") as f:
            code = f.read().split("#[cfg(test)]")[0]
        code = re.sub(r"//[^\n]*", "", code)
        for used in re.findall(r"crate::([a-z_]+)", code):
            if used != module:
                edges[module].add(used)

# Tarjan's strongly connected components: any with two modules is a cycle.
index, low, stack, on_stack, cycles = {}, {}, [], set(), []


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            component.append(w)
            if w == v:
                break
        if len(component) > 1:
            cycles.append(sorted(component))


for v in list(edges):
    if v not in index:
        visit(v)
print(f"{len(edges)} modules, {sum(map(len, edges.values()))} imports between them, {len(cycles)} cycles")
for c in cycles:
    print("  cycle among: " + ", ".join(c))
sys.exit(1 if cycles else 0)
