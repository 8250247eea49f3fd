# compare.awk -- compare records of numbers to a relative tolerance
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.
#
# Records are the lines of the reference vectors: "bound t L" and
# "T t k j alpha A beta B nu V", "T t k j m ...", "T t z n ...", and
# "T t W ..." (shared by every component).  The key is the leading
# "bound t", "T t k j" or "T t" with every word after it; the
# values are the other numbers, in order.  The first file is the
# expectation, the second what was got.
# Usage: awk -v tol=1e-9 -f compare.awk EXPECTED GOT

function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }

function split_record(line, vals,    n, f, i, lead, key, m) {
  n = split(line, f, " ")
  # "T t k j ...", "T t z n ...", or (a tied model's) "T t W ...", "T t nu V"
  lead = f[1] != "T" ? 2 : f[3] == "k" || f[3] == "z" ? 4 : 3
  key = ""
  for (i = 1; i <= lead && i <= n; i++) key = key " " f[i]
  m = 0
  for (i = lead + 1; i <= n; i++) {
    if (isnum(f[i])) vals[++m] = f[i]
    else key = key " " f[i]
  }
  vals[0] = m
  return key
}

/^#/ || NF == 0 { next }
FNR == NR {
  key = split_record($0, v)
  exp_n[key] = v[0]
  for (i = 1; i <= v[0]; i++) exp_v[key, i] = v[i]
  order[++nkeys] = key
  next
}
{
  key = split_record($0, v)
  got_n[key] = v[0]
  for (i = 1; i <= v[0]; i++) got_v[key, i] = v[i]
}
END {
  bad = 0; worst = 0
  for (j = 1; j <= nkeys; j++) {
    key = order[j]
    if (!(key in got_n)) { print "missing:" key; bad++; continue }
    if (got_n[key] != exp_n[key]) { print "length differs:" key; bad++; continue }
    for (i = 1; i <= exp_n[key]; i++) {
      e = exp_v[key, i] + 0; g = got_v[key, i] + 0
      d = e - g; if (d < 0) d = -d
      s = e < 0 ? -e : e
      r = (s > 0) ? d / s : d
      if (r > worst) worst = r
      if (r > tol) {
        printf "differs:%s [%d]: expected %s, got %s (relative %.3g)\n", key, i, exp_v[key, i], got_v[key, i], r
        bad++
      }
    }
  }
  printf "compared %d records, worst relative difference %.3g\n", nkeys, worst
  exit bad > 0
}
