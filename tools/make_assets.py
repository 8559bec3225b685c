"""Draw the app's images into assets/ (icon and splash for `flet build`, favicon and web-manifest
icons for web mode, the top bar's logo): a purple rounded mark with a white "S".
Run: .venv/bin/python tools/make_assets.py   (Pillow, dev group; DejaVu Sans Bold)"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
PURPLE = (0x5B, 0x2A, 0x86, 255)
WHITE = (255, 255, 255, 255)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def mark(size: int, *, fg=WHITE, bg=PURPLE, radius: float = 0.22, full_bleed: bool = False) -> Image.Image:
    """The mark: a rounded square (full_bleed: a plain square, for maskable icons) with an S."""
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, big, big), fill=bg)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * radius), fill=bg)
    font = ImageFont.truetype(FONT, int(big * (0.52 if full_bleed else 0.68)))
    draw.text((big / 2, big / 2), "S", font=font, fill=fg, anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def splash(size: int = 1152) -> Image.Image:
    """The mark and the name below it, on transparent (flet build puts it on the splash colour)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    m = mark(size // 3)
    image.alpha_composite(m, ((size - m.width) // 2, size // 2 - m.height + size // 24))
    draw = ImageDraw.Draw(image)
    draw.text((size / 2, size // 2 + size // 8), "Skolhub", font=ImageFont.truetype(FONT, size // 10), fill=PURPLE, anchor="mm")
    return image


def main() -> None:
    (ASSETS / "icons").mkdir(parents=True, exist_ok=True)
    mark(1024).save(ASSETS / "icon.png")
    splash().save(ASSETS / "splash.png")
    mark(32).save(ASSETS / "favicon.png")
    for size in (192, 512):
        mark(size).save(ASSETS / "icons" / f"icon-{size}.png")
        mark(size, full_bleed=True).convert("RGB").save(ASSETS / "icons" / f"icon-maskable-{size}.png")
    mark(192, full_bleed=True).convert("RGB").save(ASSETS / "icons" / "apple-touch-icon-192.png")
    mark(96, fg=PURPLE, bg=WHITE).save(ASSETS / "logo.png")  # the top bar's logo: white on the purple bar
    print("assets written to", ASSETS)


if __name__ == "__main__":
    main()
