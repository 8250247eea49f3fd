#!/usr/bin/env python3
# pngcheck.py -- check a picture drawn by vbgmm
#
# Copyright (C) 2026 The vbgmm developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.
#
# This program is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
# GNU General Public License for more details.
#
# You should have received a copy of the GNU General Public License
# along with this program.  If not, see <https://www.gnu.org/licenses/>.

"""Usage: pngcheck.py FILE WIDTH HEIGHT MIN_COLOURS [PALETTE]

Checks that FILE is a well-formed PNG (signature, chunk order, every
CRC, the zlib stream), that it is WIDTH x HEIGHT, that its commonest
colour is white (the background), and that at least MIN_COLOURS of the
cluster palette appear in it, each on at least MIN_PIXELS pixels.
PALETTE is a comma-separated list of hex colours (RRGGBB); without it,
the palette of src/plot.c (print it with `test_plot --palette`).

Only what the cairo driver writes is decoded: 8-bit RGB or RGBA,
not interlaced, with any of the five filter types.  Python's standard
library only.  Exit status 0 when every check passes, 1 when one
fails (with a message on stderr), 2 on bad usage.
"""

import struct
import sys
import zlib

# Kept in sync with plot_palette in src/plot.c.
DEFAULT_PALETTE = ("1f77b4,ff7f0e,2ca02c,d62728,9467bd,"
                   "8c564b,e377c2,bcbd22,17becf,"
                   "000075,800000,469990,f032e6,808000,"
                   "911eb4,ffc000,4d2600,7cfc00,0000ff,006400")
MIN_PIXELS = 10
SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PNGError(Exception):
    pass


def read_chunks(data):
    """The (type, payload) of each chunk, after checking every CRC."""
    if data[:8] != SIGNATURE:
        raise PNGError("not a PNG file (bad signature)")
    pos, chunks = 8, []
    while pos < len(data):
        if pos + 12 > len(data):
            raise PNGError("truncated chunk header at byte %d" % pos)
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise PNGError("chunk %r runs past the end of the file" % ctype)
        payload = data[pos + 8:end]
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if zlib.crc32(ctype + payload) & 0xffffffff != crc:
            raise PNGError("bad CRC in chunk %r" % ctype)
        chunks.append((ctype, payload))
        pos = end + 4
        if ctype == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise PNGError("first chunk is not IHDR")
    if chunks[-1][0] != b"IEND":
        raise PNGError("no IEND chunk")
    if pos != len(data):
        raise PNGError("%d bytes after IEND" % (len(data) - pos))
    return chunks


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    """The image rows, each a bytearray, with the filters undone."""
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise PNGError("image data is %d bytes, expected %d"
                       % (len(raw), height * (stride + 1)))
    rows, prev = [], bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        ftype = raw[base]
        line = bytearray(raw[base + 1:base + 1 + stride])
        if ftype == 0:
            pass
        elif ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xff
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xff
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ftype == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, prev[i], upleft)) & 0xff
        else:
            raise PNGError("row %d has unknown filter type %d" % (y, ftype))
        rows.append(line)
        prev = line
    return rows


def colour_counts(path):
    """Width, height and a dict {0xRRGGBB: opaque pixel count}."""
    with open(path, "rb") as f:
        data = f.read()
    chunks = read_chunks(data)
    ihdr = chunks[0][1]
    if len(ihdr) != 13:
        raise PNGError("IHDR has %d bytes, not 13" % len(ihdr))
    width, height, depth, ctype, comp, filt, interlace = \
        struct.unpack(">IIBBBBB", ihdr)
    if width == 0 or height == 0:
        raise PNGError("empty image")
    if depth != 8 or ctype not in (2, 6):
        raise PNGError("only 8-bit RGB or RGBA is decoded "
                       "(bit depth %d, colour type %d)" % (depth, ctype))
    if comp != 0 or filt != 0:
        raise PNGError("unknown compression or filter method")
    if interlace != 0:
        raise PNGError("interlaced images are not decoded")
    idat = b"".join(p for t, p in chunks if t == b"IDAT")
    if not idat:
        raise PNGError("no IDAT chunk")
    try:
        raw = zlib.decompress(idat)
    except zlib.error as e:
        raise PNGError("bad zlib stream: %s" % e)
    bpp = 3 if ctype == 2 else 4
    counts = {}
    for line in unfilter(raw, width, height, bpp):
        for i in range(0, len(line), bpp):
            if bpp == 4 and line[i + 3] != 255:
                continue
            c = (line[i] << 16) | (line[i + 1] << 8) | line[i + 2]
            counts[c] = counts.get(c, 0) + 1
    return width, height, counts


def main(argv):
    if len(argv) not in (5, 6):
        sys.stderr.write(__doc__)
        return 2
    path = argv[1]
    try:
        width, height, min_colours = int(argv[2]), int(argv[3]), int(argv[4])
        palette = [int(h, 16) for h in
                   (argv[5] if len(argv) == 6 else DEFAULT_PALETTE).split(",")]
    except ValueError as e:
        sys.stderr.write("pngcheck.py: bad argument: %s\n" % e)
        return 2

    try:
        w, h, counts = colour_counts(path)
    except (OSError, PNGError) as e:
        sys.stderr.write("pngcheck.py: %s: %s\n" % (path, e))
        return 1
    if (w, h) != (width, height):
        sys.stderr.write("pngcheck.py: %s: %dx%d, expected %dx%d\n"
                         % (path, w, h, width, height))
        return 1
    commonest = max(counts, key=counts.get) if counts else None
    if commonest != 0xffffff:
        sys.stderr.write("pngcheck.py: %s: background is not white "
                         "(commonest colour %s)\n"
                         % (path, "none" if commonest is None
                            else "#%06x" % commonest))
        return 1
    present = [c for c in palette if counts.get(c, 0) >= MIN_PIXELS]
    if len(present) < min_colours:
        sys.stderr.write("pngcheck.py: %s: %d palette colours (%s), "
                         "expected at least %d\n"
                         % (path, len(present),
                            " ".join("#%06x" % c for c in present),
                            min_colours))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
