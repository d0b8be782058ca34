"""Simple illustrations drawn with Pillow, for the demo posts and the default share image: a
coloured composition of shapes with a title, no download needed."""
import io
import random

from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ("#0b3d6b", "#f2a900", "#ffffff"),
    ("#1e6b3a", "#f4d35e", "#ffffff"),
    ("#7a1f3d", "#f7b267", "#ffffff"),
    ("#23395b", "#59c3c3", "#ffffff"),
    ("#5c2d91", "#ffb400", "#ffffff"),
    ("#004e64", "#9fffcb", "#ffffff"),
    ("#8c2f39", "#fed0bb", "#ffffff"),
]
FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


def _font(size):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # very old Pillow
        return ImageFont.load_default()


def _wrap(draw, text, font, width):
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def illustration(title: str, subtitle: str = "", *, seed: int = 0, size=(1200, 630)) -> bytes:
    """A PNG: background colour, circles and bands in the palette, the title in large type."""
    rnd = random.Random(seed)
    bg, accent, fg = PALETTES[seed % len(PALETTES)]
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    w, h = size
    for _ in range(6):
        r = rnd.randint(h // 8, h // 2)
        x, y = rnd.randint(w // 2, w + r // 2), rnd.randint(-r // 2, h)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=accent, width=rnd.randint(4, 14))
    draw.rectangle((0, h - h // 10, w, h), fill=accent)
    draw.polygon([(w * 0.62, h), (w * 0.78, h * 0.55), (w * 0.94, h)], fill=accent)
    margin = w // 16
    font = _font(max(28, w // 20))
    lines = _wrap(draw, title, font, w * 0.62)[:4]
    y = h // 6
    for line in lines:
        draw.text((margin, y), line, font=font, fill=fg)
        y += int(font.size * 1.25)
    if subtitle:
        small = _font(max(16, w // 42))
        draw.text((margin, y + font.size // 2), subtitle, font=small, fill=accent)
    draw.text((margin, h - h // 10 + h // 40), "Torino Social Factory", font=_font(max(14, w // 50)), fill=bg)
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=6)  # not `optimize`: five times slower for 7% smaller files
    return out.getvalue()
