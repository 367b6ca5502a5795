"""The declared rust-version, checked as far as this machine allows.

Only one toolchain can be installed here, so the build with the declared
rust-version itself cannot run. What can be checked: clippy's
incompatible_msrv (on in the clippy run) flags any standard-library item
newer than it, and this script fails when a locked dependency declares a
newer rust-version than ours.
"""
import json
import subprocess
import sys


def version(text):
    parts = [int(p) for p in text.split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


meta = json.loads(subprocess.check_output(["cargo", "metadata", "--format-version", "1", "--locked"]))
ours = next(p for p in meta["packages"] if p["id"] in meta["workspace_members"])
declared = version(ours["rust_version"])
newer = [
    f"{p['name']} {p['version']} needs Rust {p['rust_version']}"
    for p in meta["packages"]
    if p.get("rust_version") and version(p["rust_version"]) > declared
]
print(f"rust-version {ours['rust_version']}: {len(meta['packages'])} packages, {len(newer)} need a newer Rust")
for line in newer:
    print("  " + line)
sys.exit(1 if newer else 0)
