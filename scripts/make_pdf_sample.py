"""Print a text as a PDF, laid out as government websites publish them.

    python scripts/make_pdf_sample.py data/city-reports-2024/鄂州.txt data/pdf/鄂州.pdf
    python scripts/make_pdf_sample.py data/seeds/000_c640d4500c71a10a.txt tests/fixtures/000-block.pdf --layout block
    python scripts/make_pdf_sample.py tests/fixtures/吉林-七个要义.txt tests/fixtures/吉林-two-columns.pdf --columns 2

Each paragraph of the text becomes a paragraph of an A4 page in Noto Sans CJK (Debian's
fonts-noto-cjk), printed by headless Chromium (Playwright, from the test extra), so the PDF's
text layer is a real one: a subset font with a ToUnicode map, one line per printed line, words
and figures cut at the page's edge. Two layouts:

- ``indented`` (the default): justified lines, each paragraph's first line indented by two
  characters, a running head (政府工作报告) and "— 3 —" on every page;
- ``block``: lines set flush left (ragged), no indent, a space between paragraphs, a running head
  with the printing date and "第 3 页 共 9 页" on every page.

``--columns 2`` sets either layout in two columns. The text is the source file's, word for word; only the layout, the running head and the page
numbers are added. ``metrics.reader`` must give back the source's paragraphs, and the tests hold
it to that.
"""

from __future__ import annotations

import argparse
import html
from pathlib import Path

from playwright.sync_api import sync_playwright

FONT = "Noto Sans CJK SC"
LAYOUTS = {
    "indented": {
        "css": "p { text-indent: 2em; margin: 0; text-align: justify; }",
        "head": "政府工作报告",
        "foot": '— <span class="pageNumber"></span> —',
    },
    "block": {
        "css": "p { margin: 0 0 9pt 0; text-align: left; }",
        "head": '<span class="date"></span>',
        "foot": '第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页',
    },
}
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body {{ font-family: "{font}", sans-serif; font-size: 16pt; line-height: 1.75; margin: 0; }}
{css}
</style></head><body>{body}</body></html>"""
BOX = '<div style="width:100%;text-align:center;font-size:{size}pt;font-family:{font}">{content}</div>'


def main(src: str, dst: str, layout: str = "indented", columns: int = 1) -> None:
    style = dict(LAYOUTS[layout])
    if columns > 1:
        style["css"] += f" body {{ column-count: {columns}; column-gap: 10mm; font-size: 12pt; }}"
    paragraphs = [line.strip() for line in Path(src).read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content(PAGE.format(font=FONT, css=style["css"], body=body), wait_until="load")
        page.pdf(path=dst, format="A4", display_header_footer=True,
                 header_template=BOX.format(size=9, font=FONT, content=style["head"]),
                 footer_template=BOX.format(size=11, font=FONT, content=style["foot"]),
                 margin={"top": "28mm", "bottom": "26mm", "left": "26mm", "right": "24mm"})
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src")
    parser.add_argument("dst")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="indented")
    parser.add_argument("--columns", type=int, default=1)
    args = parser.parse_args()
    main(args.src, args.dst, args.layout, args.columns)
