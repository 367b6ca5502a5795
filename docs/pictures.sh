#!/usr/bin/env bash
# Redraws the pictures in the README and docs/ from the example events, at
# 60 ppi. Run after a change to a layout, look at them, commit them.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/talkposter
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
draw() { # event layout picture
    "$bin" render "$1" --template "$2" --format png --ppi 60 -o "$tmp/$2" >/dev/null
    cp "$tmp/$2/$(basename "${1%.yaml}").png" "docs/$3"
}
draw events/2024-06-13-yilun-xu.yaml flyer example-flyer.png
draw events/2025-11-06-weijian-luo.yaml flyer example-flyer-zh.png
draw events/2025-12-04-yang-song.yaml card example-card.png
draw events/2025-12-04-yang-song.yaml screen example-screen.png
# The programme of the example series.
"$bin" batch events/cfcs-2024 --format png --ppi 60 -o "$tmp/series" >/dev/null
cp "$tmp/series/programme.png" docs/example-programme.png
# A short, a middling and a long talk side by side (the length ladder of
# tests/it/lengths.rs, drawn by its ignored test).
TALKPOSTER_LOOK="$tmp/ladder" cargo test --release --quiet --test it look_at_the_ladder -- --ignored >/dev/null
python3 - "$tmp/ladder/flyer" docs/lengths.png <<'PY'
import sys
from PIL import Image
ims = [Image.open(f"{sys.argv[1]}/{n}-photo.png") for n in ("000-000", "080-060", "400-120")]
out = Image.new("RGB", (sum(i.width for i in ims) + 40, ims[0].height), "white")
for k, im in enumerate(ims):
    out.paste(im, (k * (im.width + 20), 0))
out.convert("P", palette=Image.ADAPTIVE, colors=128).save(sys.argv[2], optimize=True)
PY
ls -l docs/*.png
