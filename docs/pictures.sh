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
# One talk in every size, side by side at one scale: the flyer on its
# papers (to scale, A1 at a third of the others' ppi), then every screen
# and post at its pixel size, halved.
for paper in a4 letter a3 tabloid; do
    "$bin" render events/2025-12-04-yang-song.yaml --paper "$paper" --format png --ppi 40 -o "$tmp/paper-$paper" >/dev/null
done
"$bin" render events/2025-12-04-yang-song.yaml --paper a1 --format png --ppi 40 -o "$tmp/paper-a1" >/dev/null
"$bin" render events/2025-12-04-yang-song.yaml --template card,portrait,story,screen,link,cover --format png --ppi 75 \
    -o "$tmp/screens" >/dev/null
python3 - "$tmp" docs/sizes.png <<'PY'
import sys
from PIL import Image, ImageDraw
tmp, target = sys.argv[1], sys.argv[2]
stem = "2025-12-04-yang-song"
papers = [(Image.open(f"{tmp}/paper-{p}/{stem}.png"), label) for p, label in
          (("a4", "A4"), ("letter", "US Letter"), ("a3", "A3"), ("tabloid", "US Tabloid"), ("a1", "A1"))]
screens = [(Image.open(f"{tmp}/screens/{stem}{s}.png"), label) for s, label in
           (("", "card"), ("-portrait", "portrait"), ("-story", "story"), ("-screen", "screen"),
            ("-link", "link"), ("-cover", "cover"), ("-thumb", "thumb"))]
gap, caption = 24, 28
row1 = max(i.height for i, _ in papers)
row2 = max(i.height for i, _ in screens)
width = max(sum(i.width for i, _ in papers), sum(i.width for i, _ in screens)) + gap * 8
out = Image.new("RGB", (width, row1 + row2 + 2 * caption + 3 * gap), "white")
draw = ImageDraw.Draw(out)
for row, (items, top, tall) in enumerate(((papers, gap, row1), (screens, row1 + caption + 2 * gap, row2))):
    x = gap
    for im, label in items:
        y = top + tall - im.height
        out.paste(im, (x, y))
        draw.rectangle((x - 1, y - 1, x + im.width, y + im.height), outline=(160, 160, 160))
        draw.text((x, top + tall + 6), label, fill=(60, 60, 60))
        x += im.width + gap
out.convert("P", palette=Image.ADAPTIVE, colors=128).save(target, optimize=True)
PY
ls -l docs/*.png
# The sheet workflow: the example term's schedule as a spreadsheet shows it,
# beside the contact sheet `batch` makes of it.
"$bin" batch events/cfcs-term/schedule.csv --format png --ppi 60 -o "$tmp/term" >/dev/null
python3 - events/cfcs-term/schedule.csv "$tmp/term/contact-sheet.png" docs/sheet-workflow.png <<'PY'
import csv, sys
from PIL import Image, ImageDraw, ImageFont
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
regular = ImageFont.truetype("fonts/NotoSansCJK-Regular.ttc", 15, index=2)
bold = ImageFont.truetype("fonts/NotoSansCJK-Bold.ttc", 15, index=2)
widths = [140, 110, 140, 150, 170, 250, 130, 110, 100]
row_h, gutter = 30, 40
sheet = Image.new("RGB", (gutter + sum(widths) + 1, row_h * (len(rows) + 1) + 1), "white")
d = ImageDraw.Draw(sheet)
d.rectangle([0, 0, sheet.width, row_h], fill="#eeeeee")
d.rectangle([0, 0, gutter, sheet.height], fill="#eeeeee")
x = gutter
for c, w in enumerate(widths):
    d.text((x + w / 2, row_h / 2), chr(65 + c), fill="#555555", font=regular, anchor="mm")
    x += w
for r, row in enumerate(rows):
    y = row_h * (r + 1)
    d.text((gutter / 2, y + row_h / 2), str(r + 1), fill="#555555", font=regular, anchor="mm")
    if r == 0:
        d.rectangle([gutter, y, sheet.width, y + row_h], fill="#f6e7e7")
    x = gutter
    for c, w in enumerate(widths):
        text = " ".join(row[c].split()) if c < len(row) else ""
        while text and d.textlength(text + "…", font=regular) > w - 10:
            text = text[:-1]
            if d.textlength(text + "…", font=regular) <= w - 10:
                text += "…"
                break
        d.text((x + 5, y + row_h / 2), text, fill="black", font=bold if r == 0 else regular, anchor="lm")
        x += w
for r in range(len(rows) + 2):
    d.line([0, r * row_h, sheet.width, r * row_h], fill="#c8c8c8")
x = gutter
for w in [0] + widths:
    x += w
    d.line([x, 0, x, sheet.height], fill="#c8c8c8")
d.line([0, 0, 0, sheet.height], fill="#c8c8c8")
contact = Image.open(sys.argv[2]).convert("RGB")
scale = 0.8
contact = contact.resize((int(contact.width * scale), int(contact.height * scale)))
gap = 90
out = Image.new("RGB", (sheet.width + gap + contact.width, max(sheet.height, contact.height)), "white")
top = (out.height - sheet.height) // 2
out.paste(sheet, (0, top))
out.paste(contact, (sheet.width + gap, (out.height - contact.height) // 2))
d = ImageDraw.Draw(out)
mid = out.height // 2
d.line([sheet.width + 12, mid, sheet.width + gap - 14, mid], fill="#94070A", width=4)
d.polygon([(sheet.width + gap - 8, mid), (sheet.width + gap - 22, mid - 9), (sheet.width + gap - 22, mid + 9)], fill="#94070A")
d.text((sheet.width + gap / 2, mid - 14), "batch", fill="#94070A", font=bold, anchor="mb")
out.convert("P", palette=Image.ADAPTIVE, colors=192).save(sys.argv[3], optimize=True)
PY
