"""A small readiness chart drawn on the server as SVG (no script): the mean readiness (1-5) of a
team in each workshop. Pages show the data table beside it for screen readers."""
from dataclasses import dataclass

WIDTH, HEIGHT = 260, 140
LEFT, RIGHT, TOP, BOTTOM = 28, 12, 12, 26


@dataclass
class Point:
    x: float
    y: float
    value: float
    label: str


def readiness_chart(values, labels):
    """Geometry for `incubation/includes/readiness_chart.svg`: points of the values present,
    the polyline, grid lines for 1..5 and the x labels."""
    n = max(len(values), 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(i):
        return LEFT + (plot_w * (i + 0.5) / n)

    def y(v):
        return TOP + plot_h * (5 - v) / 4

    points = [Point(round(x(i), 1), round(y(v), 1), v, str(labels[i])) for i, v in enumerate(values) if v is not None]
    return {
        "width": WIDTH, "height": HEIGHT,
        "points": points,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "grid": [{"y": round(y(v), 1), "value": v} for v in (1, 2, 3, 4, 5)],
        "xlabels": [{"x": round(x(i), 1), "text": str(lab)} for i, lab in enumerate(labels)],
        "left": LEFT, "right": WIDTH - RIGHT, "bottom": HEIGHT - 8,
    }
