"""Small charts drawn on the server as SVG (no script): horizontal bars for budget by theme or
district, stacked columns for the tranche timeline. Pages show the data table beside them.

`bars` and `timeline` compute the geometry; `bars_svg` and `timeline_svg` write the figure. The
markup is written in Python, not in a template: a chart has a dozen elements with several
attributes each, and the template language would take longer than the rest of the page (numbers
in attributes are written as Python writes them, like `|unlocalize`; the words are escaped)."""
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tsf.core.money import euro

COLOURS = {"paid": "#008055", "payable": "#0066cc", "planned": "#a6b8cc"}


def bars(items, *, width=420, bar_h=18, gap=8, label_w=170):
    """Geometry for `bars_svg`: [(label, Decimal)] -> rows with x/y/width."""
    items = list(items)
    top = max((v for _l, v in items), default=Decimal(0)) or Decimal(1)
    plot_w = width - label_w - 70
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * (bar_h + gap)
        w = float(value) / float(top) * plot_w
        short = str(label).split(" - ")[0]
        rows.append({"label": short if len(short) <= 28 else short[:27] + "…", "full_label": str(label), "value": value, "y": y,
                     "text_y": y + bar_h * 0.72, "x": label_w, "w": round(max(w, 1), 1),
                     "value_x": round(label_w + max(w, 1) + 4, 1)})
    return {"width": width, "height": max(len(items) * (bar_h + gap), bar_h), "bar_h": bar_h, "rows": rows,
            "label_w": label_w - 6}


def timeline(items, *, width=560, height=180, left=10, bottom=28, top=10):
    """Stacked columns per quarter: [(quarter, {"paid", "payable", "planned"})]."""
    items = list(items)
    n = max(len(items), 1)
    peak = max((sum(v.values()) for _q, v in items), default=Decimal(0)) or Decimal(1)
    plot_h = height - bottom - top
    col_w = (width - left * 2) / n
    cols = []
    for i, (quarter, values) in enumerate(items):
        x = left + i * col_w + col_w * 0.15
        y = height - bottom
        parts = []
        for key in ("paid", "payable", "planned"):
            h = float(values[key]) / float(peak) * plot_h
            if h > 0:
                y -= h
                parts.append({"key": key, "y": round(y, 1), "h": round(h, 1)})
        cols.append({"quarter": quarter, "x": round(x, 1), "w": round(col_w * 0.7, 1), "parts": parts,
                     "label_x": round(x + col_w * 0.35, 1), "values": values})
    return {"width": width, "height": height, "cols": cols, "label_y": height - 10, "axis_y": height - bottom}


def _svg_open(chart, title_id, title):
    return (f'<figure class="mb-3">\n  <svg role="img" aria-labelledby="{title_id}" width="100%" '
            f'viewBox="0 0 {chart["width"]} {chart["height"]}" style="max-width: {chart["width"]}px" '
            f'xmlns="http://www.w3.org/2000/svg">\n    <title id="{title_id}">{escape(title)}</title>\n    ')


def bars_svg(items, *, id, title, **geometry):
    """The bar chart of [(label, amount)] as a <figure>: `id` names its title for screen readers."""
    chart = bars(items, **geometry)
    out = [_svg_open(chart, f"{escape(id)}-title", title)]
    label_x, bar_h = chart["label_w"], chart["bar_h"]
    for r in chart["rows"]:
        value = r["value"]
        out.append(
            f'<g>\n      <text x="{label_x}" y="{r["text_y"]}" text-anchor="end" font-size="12" fill="#1a1a1a">'
            f'{escape(r["label"])}</text>\n'
            f'      <rect x="{r["x"]}" y="{r["y"]}" width="{r["w"]}" height="{bar_h}" fill="#0066cc"><title>'
            f'{escape(r["full_label"])}: {escape(euro(value, 0))}</title></rect>\n'
            f'      <text x="{r["value_x"]}" y="{r["text_y"]}" font-size="12" fill="#1a1a1a">'
            f'{escape(floatformat(value, "0g"))}</text>\n    </g>')
    out.append(f'\n  </svg>\n  <figcaption class="small text-muted">{escape(title)} '
               f'({escape(_("EUR; the data are in the table"))})</figcaption>\n</figure>\n')
    return mark_safe("".join(out))  # noqa: S308 - every word in it went through escape()


def timeline_svg(items, **geometry):
    """The tranche timeline of [(quarter, {"paid", "payable", "planned"})] as a <figure>."""
    chart = timeline(items, **geometry)
    out = [_svg_open(chart, "timeline-title", _("Tranches by quarter: paid, payable and planned")),
           f'<line x1="0" x2="{chart["width"]}" y1="{chart["axis_y"]}" y2="{chart["axis_y"]}" stroke="#5c6f82"/>\n    ']
    for c in chart["cols"]:
        quarter = escape(c["quarter"])
        out.append("<g>\n      ")
        out.extend(f'<rect x="{c["x"]}" y="{p["y"]}" width="{c["w"]}" height="{p["h"]}" fill="{COLOURS[p["key"]]}">'
                   f'<title>{quarter} {p["key"]}</title></rect>' for p in c["parts"])
        out.append(f'\n      <text x="{c["label_x"]}" y="{chart["label_y"]}" text-anchor="middle" font-size="10" '
                   f'fill="#1a1a1a">{quarter}</text>\n    </g>')
    out.append(f'\n  </svg>\n  <figcaption class="small"><span style="color:#008055">■</span> {escape(_("paid"))} · '
               f'<span style="color:#0066cc">■</span> {escape(_("payable"))} · '
               f'<span style="color:#5c6f82">■</span> {escape(_("planned"))}</figcaption>\n</figure>\n')
    return mark_safe("".join(out))  # noqa: S308 - every word in it went through escape()
