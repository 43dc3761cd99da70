#!/usr/bin/env python3
"""Counts the classes and the methods they define in jars (AAR classes.jar included), the figure
that matters against Android's 64K method limit of one dex file before multidex.
Usage: method_count.py JAR_OR_AAR..."""
import io
import struct
import sys
import zipfile

# Constant pool entry sizes by tag (Long and Double also take two slots).
SIZES = {7: 2, 9: 4, 10: 4, 11: 4, 8: 2, 3: 4, 4: 4, 5: 8, 6: 8, 12: 4, 15: 3, 16: 2, 17: 4, 18: 4, 19: 2, 20: 2}


def methods(data):
    count = struct.unpack_from(">H", data, 8)[0]
    pos, i = 10, 1
    while i < count:
        tag = data[pos]
        if tag == 1:
            pos += 3 + struct.unpack_from(">H", data, pos + 1)[0]
        else:
            pos += 1 + SIZES[tag]
        i += 2 if tag in (5, 6) else 1
    pos += 6
    interfaces = struct.unpack_from(">H", data, pos)[0]
    pos += 2 + 2 * interfaces
    for _ in range(2):  # fields, then methods
        n = struct.unpack_from(">H", data, pos)[0]
        pos += 2
        if _ == 1:
            return n
        for _f in range(n):
            pos += 6
            attrs = struct.unpack_from(">H", data, pos)[0]
            pos += 2
            for _a in range(attrs):
                pos += 6 + struct.unpack_from(">I", data, pos + 2)[0]


def count(path):
    z = zipfile.ZipFile(path)
    if path.endswith(".aar"):
        z = zipfile.ZipFile(io.BytesIO(z.read("classes.jar")))
    names = [n for n in z.namelist() if n.endswith(".class") and not n.endswith("module-info.class")
             and not n.startswith("META-INF/")]
    return len(names), sum(methods(z.read(n)) for n in names)


total = [0, 0]
for p in sys.argv[1:]:
    c, m = count(p)
    total[0] += c
    total[1] += m
    print(f"{m:8d} methods {c:6d} classes  {p.rsplit('/', 1)[-1]}")
print(f"{total[1]:8d} methods {total[0]:6d} classes  total")
