"""Small charts drawn on the server as SVG (no script): horizontal bars for budget by theme or
district, stacked columns for the tranche timeline. Pages show the data table beside them."""
from decimal import Decimal


def bars(items, *, width=420, bar_h=18, gap=8, label_w=170):
    """Geometry for `grants/includes/bars.svg`: [(label, Decimal)] -> rows with x/y/width."""
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
