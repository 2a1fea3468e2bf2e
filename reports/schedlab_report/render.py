"""Turns the report's blocks into Markdown (figures as files beside it) and into one
self-contained HTML page (figures embedded as data URIs: no network, opens from a file)."""

import base64
import html
import os
import re

CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { border-bottom: 2px solid #444; padding-bottom: .2em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .8em 0; font-size: 90%; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f0f0; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 90%; }
code { background: #f4f4f4; padding: 0 .2em; }
"""


def _inline_md(text):
    return text


def _inline_html(text):
    out = html.escape(text, quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"`(.+?)`", r"<code>\1</code>", out)
    return out


def markdown(blocks):
    lines = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + b[1], ""]
        elif kind == "p":
            lines += [_inline_md(b[1]), ""]
        elif kind == "list":
            lines += [f"- {_inline_md(item)}" for item in b[1]] + [""]
        elif kind == "table":
            header, rows = b[1], b[2]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
            for row in rows:
                lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
            lines.append("")
        elif kind == "figure":
            path, caption = b[1], b[2]
            lines += [f"![{caption}]({path})", "", f"*{caption}*", ""]
    return "\n".join(lines)


def html_page(title, blocks, figure_dir):
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"]
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            parts.append(f"<{kind}>{_inline_html(b[1])}</{kind}>")
        elif kind == "p":
            parts.append(f"<p>{_inline_html(b[1])}</p>")
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "table":
            header, rows = b[1], b[2]
            parts.append("<table><thead><tr>" + "".join(f"<th>{_inline_html(h)}</th>" for h in header) +
                         "</tr></thead><tbody>")
            for row in rows:
                parts.append("<tr>" + "".join(f"<td>{_inline_html(str(c))}</td>" for c in row) + "</tr>")
            parts.append("</tbody></table>")
        elif kind == "figure":
            path, caption = b[1], b[2]
            with open(os.path.join(figure_dir, os.path.basename(path)), "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
            parts.append(f"<figure><img alt=\"{html.escape(caption)}\" src=\"data:image/png;base64,{data}\">"
                         f"<figcaption>{_inline_html(caption)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
