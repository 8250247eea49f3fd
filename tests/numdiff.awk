# numdiff.awk -- compare two files number by number
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.
#
# Usage: awk -v rel=1e-6 -v abs=1e-12 -f numdiff.awk A B
# Fields are separated by blanks and commas; words must be equal,
# numbers a and b must satisfy |a - b| <= rel * max(|a|, |b|) + abs.

function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
BEGIN { FS = "[ \t,]+"; if (rel == "") rel = 1e-9; if (abs == "") abs = 0 }
FNR == NR { n1 = FNR; nf[FNR] = NF; for (i = 1; i <= NF; i++) a[FNR, i] = $i; next }
{
  n2 = FNR
  if (NF != nf[FNR]) { printf "line %d: %d fields, expected %d\n", FNR, NF, nf[FNR]; bad++; next }
  for (i = 1; i <= NF; i++) {
    x = a[FNR, i]; y = $i
    if (isnum(x) && isnum(y)) {
      x += 0; y += 0
      d = x - y; if (d < 0) d = -d
      m = x < 0 ? -x : x; t = y < 0 ? -y : y; if (t > m) m = t
      if (d > rel * m + abs) {
        if (bad < 10) printf "line %d field %d: %s vs %s\n", FNR, i, a[FNR, i], $i
        bad++
      }
    } else if (x != y) {
      if (bad < 10) printf "line %d field %d: '%s' vs '%s'\n", FNR, i, x, y
      bad++
    }
  }
}
END {
  if (n1 != n2) { printf "%d lines against %d\n", n1, n2; bad++ }
  exit bad > 0
}
