# init.sh -- common set-up of the shell tests of vbgmm (sourced)
#
# Copyright (C) 2026 The vbgmm developers
# License GPLv3+: GNU GPL version 3 or later.

set -eu
LC_ALL=C
export LC_ALL
: "${top_srcdir:=.}"
: "${VBGMM:=./vbgmm}"
srcdir_tests=$top_srcdir/tests
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vbgmm-test.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

passed=0
failed=0
ok () { passed=$((passed + 1)); }
fail () { failed=$((failed + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: count a pass when COMMAND succeeds.
check () { d=$1; shift; if "$@"; then ok; else fail "$d"; fi; }
finish () {
  echo "$passed passed, $failed failed"
  test "$failed" -eq 0
}

# expect_error STATUS MESSAGE ARGS...: vbgmm ARGS exits with STATUS and
# prints exactly MESSAGE (one line) on stderr, and nothing on stdout.
expect_error () {
  want_status=$1 want_msg=$2
  shift 2
  set +e
  "$VBGMM" "$@" > "$tmp/out" 2> "$tmp/err"
  status=$?
  set -e
  got_msg=$(cat "$tmp/err")
  if test "$status" -ne "$want_status"; then
    fail "vbgmm $*: exit $status, expected $want_status ($got_msg)"
  elif test "x$got_msg" != "x$want_msg"; then
    fail "vbgmm $*: said '$got_msg', expected '$want_msg'"
  elif test -s "$tmp/out"; then
    fail "vbgmm $*: wrote to standard output"
  else
    ok
  fi
}

# non_decreasing FILE: the bound of each iteration in a vblikelihood.txt
# is at least the one before, to rounding (1e-9 |L|).
non_decreasing () {
  awk 'NR > 2 && $2 < prev - 1e-9 * (prev < 0 ? -prev : prev) {
         printf "iteration %d: %.17g after %.17g\n", $1, $2, prev; bad = 1 }
       NR > 1 { prev = $2 }
       END { exit bad }' "$1"
}
# final_bound DIR: the last bound of DIR/vblikelihood.txt.
final_bound () { tail -n 1 "$1/vblikelihood.txt" | cut -f 2; }
# close A B REL: |A - B| <= REL max(|A|, |B|)
close () {
  awk -v a="$1" -v b="$2" -v rel="$3" 'BEGIN {
    d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; n = b < 0 ? -b : b
    if (n > m) m = n; exit !(d <= rel * m) }'
}

# compare_records EXPECTED GOT [TOL]: every number of every record of
# EXPECTED agrees with the record of the same key in GOT to TOL relative.
compare_records () {
  awk -v tol="${3:-1e-9}" -f "$srcdir_tests/compare.awk" "$1" "$2"
}
