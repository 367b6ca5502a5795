#!/usr/bin/env python3
"""The benchmark's warm Typst: Typst 0.15 as a Python library (typst-py,
`pip install typst`), compiling the flyer of benches/bench.sh's CLI folder
for each talk to a PDF and a 150-ppi PNG, in one process per core, each
with one Compiler kept warm from talk to talk (its fonts and caches built
once), the talk named in `sys_inputs` as for the CLI.

    typst_py.py ROOT FONTS OUT TALK.yaml...

ROOT holds talkposter/flyer.typ (reading its data with adapter.typ) and the
talks; prints nothing, exits non-zero if a talk fails."""
import multiprocessing
import os
import sys

import typst


def compile_all(args):
    root, fonts, out, names = args
    compiler = typst.Compiler(
        os.path.join(root, "talkposter", "flyer.typ"), root=root, font_paths=[fonts], ignore_system_fonts=True
    )
    for name in names:
        inputs = {"event": f"/{name}"}
        stem = os.path.splitext(name)[0]
        compiler.compile(output=os.path.join(out, stem + ".pdf"), format="pdf", sys_inputs=inputs)
        compiler.compile(output=os.path.join(out, stem + ".png"), format="png", ppi=150, sys_inputs=inputs)


def main():
    root, fonts, out, *names = sys.argv[1:]
    jobs = os.cpu_count() or 2
    shares = [(root, fonts, out, names[i::jobs]) for i in range(jobs)]
    with multiprocessing.Pool(jobs) as pool:
        pool.map(compile_all, shares)


if __name__ == "__main__":
    main()
