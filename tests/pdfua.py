#!/usr/bin/env python3
"""Validates PDFs as PDF/UA-1 with an offline validator (page-validation,
from PyPI), for CI: `python3 tests/pdfua.py [--profile PDF_A_2A] FILE.pdf...`
(another of page-validation's profiles, PDF/A-2a say, with --profile).

Where the validator and Typst disagree on a font's glyph widths
(PDFUA1-FONT-GLYPH-WIDTH-001), the widths are checked a second way and the
disagreement is reported, not hidden: for a CID-keyed CFF font (Noto Sans CJK)
the width of each glyph from its charstring and Private dict (fontTools)
against the PDF's /W; for a Type3 font (colour emoji) the width each CharProc
declares with d0/d1 against /Widths. Only when those agree is the validator's
finding counted as its own error; any other failure fails the run.

Needs: pip install page-validation fonttools pypdf
"""
import io
import re
import sys

import page
from fontTools.cffLib import CFFFontSet
from fontTools.pens.basePen import NullPen
from pypdf import PdfReader

# The rule each profile names its glyph-width check with ends so.
WIDTH_RULE = "GLYPH-WIDTH-001"


def cid_widths(w):
    """The /W array as {cid: width}."""
    out, i = {}, 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], list):
            for k, width in enumerate(w[i + 1]):
                out[first + k] = float(width)
            i += 2
        else:
            for cid in range(first, int(w[i + 1]) + 1):
                out[cid] = float(w[i + 2])
            i += 3
    return out


def widths_agree(reader, number):
    """Whether font object `number`'s glyph widths agree between the font
    program and the PDF's width table, checked independently."""
    font = reader.get_object(number)
    if font.get("/Subtype") == "/Type3":
        widths = [float(x) for x in font["/Widths"]]
        first = int(font["/FirstChar"])
        encoding = font["/Encoding"].get_object()
        names, code = {}, 0
        for item in encoding["/Differences"]:
            if isinstance(item, (int, float)):
                code = int(item)
            else:
                names[code] = item
                code += 1
        for code, name in names.items():
            proc = font["/CharProcs"][name].get_object().get_data().decode("latin1")
            m = re.search(r"(-?[\d.]+)\s+(-?[\d.]+)\s+d[01]", proc)
            if not m or abs(float(m.group(1)) - widths[code - first]) > 0.5:
                return False
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    if font.get("/Subtype") != "/CIDFontType0":
        return False
    table = cid_widths(font.get("/W", []))
    default = float(font.get("/DW", 1000))
    data = font["/FontDescriptor"]["/FontFile3"].get_object().get_data()
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(data), None)
    top = cff[cff.fontNames[0]]
    for cid, name in enumerate(top.charset):
        if cid == 0:
            continue
        charstring, _ = top.CharStrings.getItemAndSelector(name)
        charstring.draw(NullPen())
        if abs(charstring.width - table.get(cid, default)) > 0.5:
            return False
    return True


def main():
    args = sys.argv[1:]
    profile = "PDF_UA_1"
    if args[:1] == ["--profile"]:
        profile, args = args[1], args[2:]
    failed, disagreements = 0, 0
    for path in args:
        report = page.validate_pdf(path, profile=getattr(page.ValidationProfile, profile))
        if report.is_compliant:
            continue
        reader = PdfReader(path)
        own = []
        for f in report.failures:
            m = re.search(r"font object (\d+) ", f.message)
            if f.rule_id.endswith(WIDTH_RULE) and m and widths_agree(reader, int(m.group(1))):
                disagreements += 1
                continue
            own.append(f"{f.rule_id}: {f.message}")
        if own:
            failed += 1
            print(f"{path}: not {profile}")
            for line in dict.fromkeys(own):
                print(f"  {line}")
    print(
        f"{profile} (page-validation {page.__version__}): {len(args)} PDFs, {failed} failed; "
        f"{disagreements} glyph-width findings of the validator where the font program and the PDF agree "
        f"(checked with fontTools and the Type3 CharProcs)"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
