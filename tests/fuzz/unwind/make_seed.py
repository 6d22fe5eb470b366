#!/usr/bin/env python3
"""Writes a fuzz seed for eh_frame_fuzz.cpp from an ELF file's .eh_frame_hdr and .eh_frame.

usage: make_seed.py ELF FUNCTION_ADDRESS_HEX OUTPUT
The seed holds the bytes from .eh_frame_hdr to the end of .eh_frame, laid out at their
virtual addresses relative to .eh_frame_hdr, preceded by the pc offset and header offset."""
import re
import struct
import subprocess
import sys


def sections(path):
    out = subprocess.run(["readelf", "-SW", path], check=True, capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            found[m.group(1)] = tuple(int(x, 16) for x in m.group(2, 3, 4))
    return found


def main():
    path, function, output = sys.argv[1], int(sys.argv[2], 16), sys.argv[3]
    s = sections(path)
    hdr_addr, hdr_off, _ = s[".eh_frame_hdr"]
    frame_addr, frame_off, frame_size = s[".eh_frame"]
    data = open(path, "rb").read()
    start, end = hdr_addr, frame_addr + frame_size
    segment = bytearray(end - start)
    for addr, off, size in (s[".eh_frame_hdr"], s[".eh_frame"]):
        segment[addr - start:addr - start + size] = data[off:off + size]
    # The pc lies outside the segment; the fuzz target reaches it as lo + pc_offset.
    pc_offset = (function + 4 - start) & (2**64 - 1)
    with open(output, "wb") as f:
        f.write(struct.pack("<QI", pc_offset, 0) + bytes(segment))


main()
