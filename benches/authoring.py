#!/usr/bin/env python3
"""Authoring benchmark: how fast `check` answers and how soon `watch` shows
a saved change.

    benches/authoring.py [EVENT.yaml]    (default: the seed event)

- `check` of one talk, a whole process each time (what an editor's
  on-save hook would run): median and slowest of 20 runs;
- `check` of a folder of 100 talks: time per talk;
- `watch`: the time from saving the event (a new title each time) to the new
  PNG being in place, median and slowest of 20 saves. The PNG's change is
  seen by polling its status every millisecond.
Uses the release binary (cargo build --release).
"""
import os, shutil, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN") or os.path.join(ROOT, "target/release/talkposter")
EVENT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "events/2024-06-13-yilun-xu.yaml")


def seconds(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def stamp(path):
    try:
        st = os.stat(path)
        return (st.st_ino, st.st_mtime_ns, st.st_size)
    except FileNotFoundError:
        return None


def main():
    work = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(ROOT, "events/assets"), os.path.join(work, "assets"))
        text = open(EVENT, encoding="utf-8").read().replace("../events/assets", "assets")
        event = os.path.join(work, "talk.yaml")
        open(event, "w", encoding="utf-8").write(text)

        runs = [seconds([BIN, "check", event]) for _ in range(20)]
        print(f"check, one talk (whole process): median {statistics.median(runs)*1000:.1f} ms, slowest {max(runs)*1000:.1f} ms")

        folder = os.path.join(work, "many")
        os.mkdir(folder)
        for i in range(100):
            open(os.path.join(folder, f"talk-{i:03}.yaml"), "w", encoding="utf-8").write(
                text.replace("assets/", "../assets/").replace("title:", f"title: Talk {i} —", 1))
        t = seconds([BIN, "check", folder])
        print(f"check, 100 talks in a folder: {t:.3f} s, {t*10:.1f} ms per talk")

        out = os.path.join(work, "out")
        png = os.path.join(out, "talk.png")
        watch = subprocess.Popen([BIN, "watch", event, "-o", out], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        lines = []
        threading.Thread(target=lambda: [lines.append(l) for l in watch.stdout], daemon=True).start()
        deadline = time.time() + 60
        while not any(" rendered " in l for l in lines):
            if time.time() > deadline:
                sys.exit("watch did not render the first time")
            time.sleep(0.01)
        latencies = []
        for i in range(20):
            before = stamp(png)
            time.sleep(0.3)  # saves of a person typing, not a burst
            t = time.perf_counter()
            with open(event, "w", encoding="utf-8") as f:
                f.write(text.replace("title:", f"title: Edit {i} —", 1))
            while stamp(png) == before:
                if time.perf_counter() - t > 30:
                    sys.exit(f"save {i}: no new PNG after 30 s")
                time.sleep(0.001)
            latencies.append(time.perf_counter() - t)
        watch.kill()
        failed = [l for l in lines if "not rendered" in l]
        if failed:
            sys.exit(f"watch failed to render: {failed[0]}")
        print(f"watch, save to new PNG (PDF+PNG): median {statistics.median(latencies)*1000:.0f} ms, "
              f"slowest {max(latencies)*1000:.0f} ms over {len(latencies)} saves (target < 100 ms)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
