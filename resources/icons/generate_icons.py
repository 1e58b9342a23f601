#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draw VT Relay's tray and application icons as SVG and PNG.

The tray uses the PNGs, because Qt 6.4 on Debian 12 loads SVG only with the extra package
qt6-svg-plugins. The SVGs are the sources for icon themes.

Run from this folder: python3 generate_icons.py (Python standard library only).
"""

import math
import struct
import zlib

# name: (disc colour, glyph)
ICONS = {
    "tray-serving": ("#1a7f37", "check"),
    "tray-paused": ("#9a6700", "pause"),
    "tray-problem": ("#cf222e", "alert"),
    "vtrelay": ("#0969da", "relay"),
}
SIZES = {"tray-serving": [64], "tray-paused": [64], "tray-problem": [64], "vtrelay": [256]}

# Glyphs in a 64x64 design grid: strokes (polylines with a width) and filled rectangles/circles.
GLYPHS = {
    "check": {"strokes": [([(19, 33), (28, 42), (45, 23)], 7)], "rects": [], "dots": []},
    "pause": {"strokes": [], "rects": [(21, 18, 8, 28), (35, 18, 8, 28)], "dots": []},
    "alert": {"strokes": [([(32, 16), (32, 36)], 7)], "rects": [], "dots": [(32, 46, 4.5)]},
    "relay": {"strokes": [([(16, 32), (46, 32)], 6), ([(36, 21), (47, 32), (36, 43)], 6)], "rects": [], "dots": []},
}


def hex_rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    cx, cy = ax + t * dx, ay + t * dy
    return math.hypot(px - cx, py - cy)


def in_glyph(glyph, x, y):
    for points, width in glyph["strokes"]:
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            if segment_distance(x, y, ax, ay, bx, by) <= width / 2:
                return True
    for rx, ry, rw, rh in glyph["rects"]:
        if rx <= x <= rx + rw and ry <= y <= ry + rh:
            return True
    for cx, cy, r in glyph["dots"]:
        if math.hypot(x - cx, y - cy) <= r:
            return True
    return False


def render(colour, glyph_name, size, samples=4):
    disc = hex_rgb(colour)
    glyph = GLYPHS[glyph_name]
    scale = 64.0 / size
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter type: none
        for px in range(size):
            disc_hits = glyph_hits = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * scale
                    y = (py + (sy + 0.5) / samples) * scale
                    if math.hypot(x - 32, y - 32) <= 30:
                        disc_hits += 1
                        if in_glyph(glyph, x, y):
                            glyph_hits += 1
            total = samples * samples
            alpha = disc_hits / total
            white = glyph_hits / disc_hits if disc_hits else 0
            rgb = [round(c * (1 - white) + 255 * white) for c in disc]
            row.extend(rgb + [round(alpha * 255)])
        rows.append(bytes(row))
    return b"".join(rows)


def write_png(path, size, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                  + chunk(b"IEND", b""))


def write_svg(path, colour, glyph_name):
    glyph = GLYPHS[glyph_name]
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">',
             '  <circle cx="32" cy="32" r="30" fill="%s"/>' % colour]
    for points, width in glyph["strokes"]:
        coords = " ".join("%g,%g" % p for p in points)
        parts.append('  <polyline points="%s" fill="none" stroke="#ffffff" stroke-width="%g" '
                     'stroke-linecap="round" stroke-linejoin="round"/>' % (coords, width))
    for rx, ry, rw, rh in glyph["rects"]:
        parts.append('  <rect x="%g" y="%g" width="%g" height="%g" rx="2" fill="#ffffff"/>' % (rx, ry, rw, rh))
    for cx, cy, r in glyph["dots"]:
        parts.append('  <circle cx="%g" cy="%g" r="%g" fill="#ffffff"/>' % (cx, cy, r))
    parts.append("</svg>")
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(parts) + "\n")


def main():
    for name, (colour, glyph) in ICONS.items():
        write_svg(name + ".svg", colour, glyph)
        for size in SIZES[name]:
            write_png(name + ".png", size, render(colour, glyph, size))


if __name__ == "__main__":
    main()
