"""Print a sample report as a PDF, laid out as government websites publish them.

    python scripts/make_pdf_sample.py data/city-reports-2024/鄂州.txt data/pdf/鄂州.pdf

Each paragraph of the text becomes an indented paragraph of an A4 page in Noto Sans CJK
(Debian's fonts-noto-cjk); every page carries a running head (政府工作报告) and a page number
in the form "— 3 —". Headless Chromium prints it (Playwright, from the test extra), so the
PDF's text layer is a real one: a subset font with a ToUnicode map, one line per printed line,
words and figures cut at the page's edge. The text is the source file's, word for word; only the
layout and the running head and page numbers are added. ``metrics.reader`` must give back the
source's paragraphs, and the tests hold it to that.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 16pt; line-height: 1.75; margin: 0; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
</style></head><body>{body}</body></html>"""
HEAD = '<div style="width:100%;text-align:center;font-size:9pt;font-family:Noto Sans CJK SC">政府工作报告</div>'
FOOT = ('<div style="width:100%;text-align:center;font-size:11pt;font-family:Noto Sans CJK SC">'
        '— <span class="pageNumber"></span> —</div>')


def main(src: str, dst: str) -> None:
    paragraphs = [line.strip() for line in Path(src).read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.set_content(PAGE.format(body=body), wait_until="load")
        page.pdf(path=dst, format="A4", display_header_footer=True, header_template=HEAD, footer_template=FOOT,
                 margin={"top": "28mm", "bottom": "26mm", "left": "26mm", "right": "24mm"})
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
