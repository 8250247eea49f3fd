#!/bin/bash
# vbgmm benchmark: per-iteration time, whole-run time and peak RSS of vbgmm
# (one thread and all threads) against scikit-learn's
# BayesianGaussianMixture.  See bench/README.
#
# usage: bench/run.sh PATH/TO/vbgmm
# env:   BENCH_DIR=DIR        work dir, kept (data sets are reused if their
#                             parameters match); default: a temporary dir
#                             removed on exit
#        BENCH_SETS="A B C D E F G H" which data sets
#        BENCH_FORMS=0        no rows for the other forms of the model
#        BENCH_PREDICT_ONLY=1 only the predict rows (sets A and B)
#        BENCH_SKIP_SKLEARN=1 no scikit-learn rows
#        BENCH_SKLEARN_C=1    run scikit-learn on set C too (~20 s/iter)
#        BENCH_OUT=DIR        where vbgmm writes its outputs (default: a
#                             temporary dir in /dev/shm if it has room)
#        BENCH_REPEAT=R       time each vbgmm run R times, keep the fastest (3)
#        BENCH_MIN_SPAN=S     seconds the difference of vbgmm's two runs should
#                             last; shorter ones are lengthened (1)
#        BENCH_SCALE=F        multiply every N by F (smoke test: 0.01)
#        PYTHON=python3       interpreter with numpy (and scikit-learn)
#        VBGMM_LIBRARY=FILE   libvbgmm.so for the Python module's row
#                             (default: the one beside PATH/TO/vbgmm)
set -eu
export LC_ALL=C

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 PATH/TO/vbgmm"
case $1 in
/*) VBGMM=$1 ;;
*) VBGMM=$PWD/$1 ;;
esac
[ -x "$VBGMM" ] || die "$1: not an executable (run make first)"

HERE=$(cd "$(dirname "$0")" && pwd)
SETS=${BENCH_SETS:-A B C D E F G}
REPEAT=${BENCH_REPEAT:-3}
SCALE=${BENCH_SCALE:-1}
NPROC=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
T1=5 T2=25    # per-iteration time = (wall(T2) - wall(T1)) / (T2 - T1)
MIN_SPAN=${BENCH_MIN_SPAN:-1}   # seconds that wall(T2) - wall(T1) should last

CLEAN=()
# shellcheck disable=SC2317 # called by the trap
cleanup() { [ ${#CLEAN[@]} = 0 ] || rm -rf "${CLEAN[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -n "${BENCH_DIR:-}" ]; then
	W=$BENCH_DIR
	mkdir -p "$W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/vbgmm-bench.XXXXXX")
	CLEAN+=("$W")
fi
W=$(cd "$W" && pwd)

# vbgmm's outputs (z.csv is N x K numbers: 2.4 GB for set C) go to a
# tmpfs when there is one with room, so that disk write-back, which varies
# from run to run by tens of seconds, does not swamp the timings.
if [ -n "${BENCH_OUT:-}" ]; then
	OUT=$BENCH_OUT
	mkdir -p "$OUT"
elif [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 4000000 ]; then
	OUT=$(mktemp -d /dev/shm/vbgmm-bench.XXXXXX)
	CLEAN+=("$OUT")
else
	OUT=$W
	say "no tmpfs with 4 GB free: outputs go to $W, disk write-back adds noise"
fi
OUT=$(cd "$OUT" && pwd)

# ---- what is installed ---------------------------------------------------
PY=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || die "no python3 with numpy (Debian: apt-get install python3-numpy; or set PYTHON=)"

HAVE_TIME=0
if [ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
	HAVE_TIME=1
else
	say "GNU time missing (Debian package 'time'): peak RSS of vbgmm not measured"
fi

NOTES=()
SKLEARN=1
if [ "${BENCH_SKIP_SKLEARN:-0}" = 1 ]; then
	SKLEARN=0
	NOTES+=("scikit-learn skipped (BENCH_SKIP_SKLEARN=1)")
elif ! "$PY" -c 'import sklearn' 2>/dev/null; then
	SKLEARN=0
	say "scikit-learn missing for $PY (Debian: apt-get install python3-sklearn): no sklearn rows"
	NOTES+=("scikit-learn not installed (python3-sklearn): no sklearn rows")
elif ! "$PY" -c 'import threadpoolctl' 2>/dev/null; then
	say "threadpoolctl missing (python3-threadpoolctl): BLAS kernel not reported"
fi

# no pictures: drawing is not what is measured (and sklearn draws none)
PLOT_ARGS=()
if "$VBGMM" --help 2>/dev/null | grep -q -e '--plot='; then
	PLOT_ARGS=(--plot=none)
fi

RES=$W/results    # one row per program and set, '|'-separated
: >"$RES"
FAILED=0

# ---- helpers --------------------------------------------------------------
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a - b }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 > b + 0) ? a : b }'; }

# timed CMD...: run CMD, stdout/stderr to $W/run.out/err; sets WALL (s,
# from date +%N) and RSS (KB, '-' without GNU time).  Returns CMD's status.
timed() {
	local t0 t1 rc=0
	t0=$(now)
	if [ $HAVE_TIME = 1 ]; then
		/usr/bin/time -f '%e %M' -o "$W/time.out" "$@" >"$W/run.out" 2>"$W/run.err" || rc=$?
	else
		"$@" >"$W/run.out" 2>"$W/run.err" || rc=$?
	fi
	t1=$(now)
	WALL=$(sub "$t1" "$t0")
	RSS=-
	[ $HAVE_TIME = 0 ] || RSS=$(tail -n 1 "$W/time.out" | awk '{ print $2 }')
	return $rc
}

# row LABEL S_PER_ITER WHOLE_S RSS_KB [NOTE]: add a table row for $SET
row() {
	echo "$SET|$N|$D|$K|$DATA_MB|$1|$2|$3|$4|${5:-}" >>"$RES"
}

# run_once LABEL T CMD...: time CMD plus the common vbgmm arguments for T
# iterations (WALL, RSS); on a failure add a FAILED row and return 1.
run_once() {
	local label=$1 t=$2 out=$OUT/out
	shift 2
	rm -rf "$out"
	sync    # start with no dirty pages to write back
	if ! timed "$@" -q -k "$K" -s 0 --init-means="$INIT" \
	    --max-iter="$t" --tol=0 ${PLOT_ARGS[@]+"${PLOT_ARGS[@]}"} \
	    -o "$out" "$DATA"; then
		cat "$W/run.err" >&2
		say "set $SET: $label failed (--max-iter=$t)"
		row "$label" - - - "FAILED"
		FAILED=1
		return 1
	fi
	say "  --max-iter=$t: $WALL s, $RSS KB"
}

# run_vbgmm LABEL CMD...: time CMD plus the common vbgmm arguments for T1
# and T2 iterations on the current set and add a row.  CMD is the program
# with its own options, e.g.  run_vbgmm "vbgmm -j1" "$VBGMM" -j1  or
# run_vbgmm "vbgmm-mpi -np 2" mpirun -np 2 ./vbgmm-mpi
run_vbgmm() {
	local label=$1 w5='' w25='' rss='' t out _
	shift
	out=$OUT/out
	say "set $SET: $label"
	for _ in $(seq "$REPEAT"); do
		for t in $T1 $T2; do
			run_once "$label" "$t" "$@" || return 0
			if [ "$t" = $T1 ]; then
				w5=$(min "$WALL" "$w5")
			else
				w25=$(min "$WALL" "$w25")
				rss=$(max "$RSS" "$rss")
			fi
		done
	done
	local z
	z=$(wc -l 2>/dev/null <"$out/z.csv" || echo 0)
	[ "$z" -ge "$N" ] || say "set $SET: $label: $out/z.csv has $z lines, expected $N"
	# A difference of two runs that lasts well under a second is mostly
	# noise (the start of a process, the page cache, the machine's other
	# work) and makes the ratio of two rows a poor measure: the longer
	# run is then made long enough for MIN_SPAN seconds of iterations.
	local t2=$T2 wl=$w25 m
	m=$(awk -v a="$w25" -v b="$w5" -v s="$MIN_SPAN" \
	    'BEGIN { d = a - b; m = d > 0 ? int(s / d) + 1 : 20; print (m > 20 ? 20 : m) }')
	if [ "$m" -gt 1 ]; then
		t2=$((T1 + m * (T2 - T1)))
		wl=''
		for _ in $(seq "$REPEAT"); do
			run_once "$label" "$t2" "$@" || return 0
			wl=$(min "$WALL" "$wl")
		done
	fi
	row "$label" "$(awk -v a="$wl" -v b="$w5" -v n=$((t2 - T1)) \
	    'BEGIN { printf "%.6f", (a - b) / n }')" "$w25" "$rss"
}

run_sklearn() {
	local label="sklearn -j1${1:+ $1}" res
	if [ $SKLEARN = 0 ]; then
		return 0
	fi
	if [ "$SET" = C ] && [ "${BENCH_SKLEARN_C:-0}" != 1 ]; then
		row "$label" - - - "skipped (~20 s/iter; BENCH_SKLEARN_C=1 runs it)"
		return 0
	fi
	say "set $SET: $label"
	# One thread; OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, when set, force a
	# slower OpenBLAS kernel: unset them here only.
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
	    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	    "$PY" "$HERE/sk.py" "$DATA" "$INIT" "$K" $T1 $T2 $(sk_form "${1:-}") \
	    >"$W/sk.out" 2>"$W/sk.err"; then
		cat "$W/sk.err" >&2
		row "$label" - - - "FAILED"
		FAILED=1
		return 0
	fi
	[ -s "$W/sk.err" ] && cat "$W/sk.err" >&2
	KERNEL=$(sed -n 's/^kernel: //p' "$W/sk.out")
	res=$(sed -n 's/^result: //p' "$W/sk.out")
	# shellcheck disable=SC2086 # split the numbers
	set -- $res
	row "$label" "$1" "$2" "$3"
}

# The Python module (python/vbgmm) over the library of the build tree
# (VBGMM_LIBRARY names another), on sets A and B.
PY_LIB=${VBGMM_LIBRARY:-$(dirname "$VBGMM")/src/.libs/libvbgmm.so}
run_python() {
	local label="python -j1" res
	case $SET in A | B) ;; *) return 0 ;; esac
	if [ ! -f "$PY_LIB" ]; then
		row "$label" - - - "skipped (no $PY_LIB: configure --enable-shared)"
		return 0
	fi
	say "set $SET: $label"
	if ! VBGMM_LIBRARY=$PY_LIB PYTHONPATH=$HERE/../python${PYTHONPATH:+:$PYTHONPATH} \
	    REPEAT=$REPEAT "$PY" "$HERE/py.py" "$DATA" "$INIT" "$K" $T1 $T2 \
	    >"$W/py.out" 2>"$W/py.err"; then
		cat "$W/py.err" >&2
		row "$label" - - - "FAILED"
		FAILED=1
		return 0
	fi
	res=$(sed -n 's/^result: //p' "$W/py.out")
	# shellcheck disable=SC2086 # split the numbers
	set -- $res
	row "$label" "$1" "$2" "$3" "$(awk -v f="$6" -v l="$7" -v t=$T2 \
	    'BEGIN { printf "fit(%d) %.3f s, %.4f s (%.1f%%) outside libvbgmm", t, f, l, 100 * l / f }')"
}

# ---- predict ---------------------------------------------------------------
# On sets A and B: the fit's model.json used again.  vbgmm-predict against
# one iteration of the fit (both read the CSV and write their files), and
# scikit-learn's predict_proba and score_samples (the calls alone, the data
# already in memory).
VBGMM_PREDICT=${VBGMM_PREDICT:-$(dirname "$VBGMM")/vbgmm-predict}
PRES=$W/predict    # set|N|D|K|program|whole s|RSS KB|note
: >"$PRES"
prow() {
	echo "$SET|$N|$D|$K|$1|$2|$3|${4:-}" >>"$PRES"
}
# best_of LABEL NOTE CMD...: the fastest of $REPEAT runs of CMD.
best_of() {
	local label=$1 note=$2 best='' rss='' _
	shift 2
	say "set $SET: $label"
	for _ in $(seq "$REPEAT"); do
		rm -rf "$OUT/pred"
		sync
		if ! timed "$@"; then
			cat "$W/run.err" >&2
			prow "$label" - - FAILED
			FAILED=1
			return 0
		fi
		best=$(min "$WALL" "$best")
		rss=$(max "$RSS" "$rss")
	done
	prow "$label" "$best" "$rss" "$note"
}
run_predict() {
	case $SET in A | B) ;; *) return 0 ;; esac
	[ -x "$VBGMM_PREDICT" ] || return 0
	local model=$W/$SET.model.json j
	rm -rf "$OUT/fit"
	"$VBGMM" -q -k "$K" -s 0 --init-means="$INIT" --max-iter=$T2 --tol=0 \
	    ${PLOT_ARGS[@]+"${PLOT_ARGS[@]}"} -o "$OUT/fit" "$DATA"
	cp "$OUT/fit/model.json" "$model"
	rm -rf "$OUT/fit"
	for j in 1 "$NPROC"; do
		[ "$j" = 1 ] || [ "$NPROC" -gt 1 ] || continue
		best_of "vbgmm 1 iter -j$j" "read, 1 E+M, write z labels params model" \
		    "$VBGMM" -q -j"$j" -k "$K" -s 0 --init-means="$INIT" --max-iter=1 \
		    --tol=0 ${PLOT_ARGS[@]+"${PLOT_ARGS[@]}"} -o "$OUT/pred" "$DATA"
		best_of "predict z,labels -j$j" "read, E-step, write" \
		    "$VBGMM_PREDICT" -q -j"$j" --output=z,labels -o "$OUT/pred" "$model" "$DATA"
		best_of "predict all -j$j" "z, labels and density" \
		    "$VBGMM_PREDICT" -q -j"$j" -o "$OUT/pred" "$model" "$DATA"
		best_of "predict density -j$j" "density alone" \
		    "$VBGMM_PREDICT" -q -j"$j" --output=density -o "$OUT/pred" "$model" "$DATA"
	done
	[ $SKLEARN = 1 ] || return 0
	say "set $SET: sklearn predict_proba, score_samples"
	if ! env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
	    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
	    "$PY" "$HERE/skpredict.py" "$DATA" "$INIT" "$K" $T1 \
	    >"$W/skp.out" 2>"$W/skp.err"; then
		cat "$W/skp.err" >&2
		prow "sklearn predict" - - FAILED
		FAILED=1
		return 0
	fi
	local res
	res=$(sed -n 's/^result: //p' "$W/skp.out")
	# shellcheck disable=SC2086 # split the numbers
	set -- $res
	prow "sklearn predict_proba -j1" "$1" "$3" "the call alone"
	prow "sklearn score_samples -j1" "$2" "$3" "the call alone"
}

# Input throughput on set C: a one-iteration run from the CSV file and
# from the same numbers in a .npy file (mapped, not parsed), with all
# threads and no z; the difference of the two is the reading of the CSV.
run_input() {
	local npy=$W/$SET.npy csv_w='' npy_w='' csv_rss='' npy_rss='' _ f
	[ "$SET" = C ] || return 0
	if [ ! -s "$npy" ] || [ "$npy" -ot "$DATA" ]; then
		say "set $SET: writing $npy"
		"$PY" -c 'import sys, numpy as np
np.save(sys.argv[2], np.loadtxt(sys.argv[1], delimiter=",", ndmin=2))' "$DATA" "$npy"
	fi
	say "set $SET: input, CSV and .npy"
	for _ in $(seq "$REPEAT"); do
		for f in "$DATA" "$npy"; do
			rm -rf "$OUT/out"
			if ! timed "$VBGMM" -q -j"$NPROC" -k "$K" -s 0 --init-means="$INIT" \
			    --max-iter=1 --tol=0 --z-format=none ${PLOT_ARGS[@]+"${PLOT_ARGS[@]}"} \
			    -o "$OUT/out" "$f"; then
				cat "$W/run.err" >&2
				row "input -j$NPROC" - - - "FAILED"
				FAILED=1
				return 0
			fi
			if [ "$f" = "$DATA" ]; then
				csv_w=$(min "$WALL" "$csv_w") csv_rss=$(max "$RSS" "$csv_rss")
			else
				npy_w=$(min "$WALL" "$npy_w") npy_rss=$(max "$RSS" "$npy_rss")
			fi
		done
	done
	row "input CSV -j$NPROC" - - - "$(awk -v c="$csv_w" -v n="$npy_w" -v mb="$DATA_MB" \
	    -v p="$NPROC" -v r="$csv_rss" 'BEGIN { s = c - n; if (s <= 0) s = 1e-9
	    printf "1 iteration %.2f s, RSS %.0f MB; read %.2f s: %.0f MB/s, %.0f per thread", c, r / 1024, s, mb / s, mb / s / p }')"
	row "input .npy -j$NPROC" - - - "$(awk -v n="$npy_w" -v r="$npy_rss" \
	    'BEGIN { printf "1 iteration %.2f s, RSS %.0f MB (mapped, not parsed)", n, r / 1024 }')"
}

# ---- data sets ------------------------------------------------------------
set_params() {
	case $1 in
	A) N=1000000 D=3 K=10 SEED=1 ;;
	B) N=200000 D=16 K=10 SEED=2 ;;
	C) N=10000000 D=3 K=10 SEED=3 ;;
	D) N=20000 D=64 K=10 SEED=4 ;;
	E) N=20000 D=256 K=10 SEED=5 ;;
	F) N=3000 D=1000 K=10 SEED=6 ;;
	G) N=50000 D=64 K=10 SEED=7 ;;
	H) N=3000 D=1024 K=10 SEED=8 ;;
	*) die "unknown data set '$1' (A to H)" ;;
	esac
	# Many dimensions: seconds an iteration, so fewer of them.
	case $1 in
	D | E | F | H) T1=2 T2=6 ;;
	*) T1=5 T2=25 ;;
	esac
	N=$(awk -v n=$N -v f="$SCALE" 'BEGIN { n = int(n * f); print (n < 100 ? 100 : n) }')
}

make_data() {
	DATA=$W/$SET.csv
	INIT=$W/$SET.init.csv
	local stamp
	stamp="$N $D $K $SEED $(cksum <"$HERE/gen.py")"
	if [ -s "$DATA" ] && [ -s "$INIT" ] && [ "$(cat "$DATA.stamp" 2>/dev/null)" = "$stamp" ]; then
		say "set $SET: reusing $DATA"
	else
		say "set $SET: generating N=$N D=$D K=$K"
		rm -f "$DATA.stamp"
		"$PY" "$HERE/gen.py" "$N" "$D" "$K" "$SEED" "$DATA" "$INIT"
		echo "$stamp" >"$DATA.stamp"
	fi
	DATA_MB=$(awk -v b="$(wc -c <"$DATA")" 'BEGIN { printf "%.1f", b / 1e6 }')
}

LOAD0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$LOAD0" 'BEGIN { exit !(l > 0.5) }'; then
	say "load average $LOAD0: other work on this machine will skew the timings"
fi

# vbgmm-mpi beside vbgmm, when it was built.
VBGMM_MPI=${VBGMM_MPI:-$(dirname "$VBGMM")/vbgmm-mpi}
if [ "$(id -u)" = 0 ]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# The other forms of the model (DESIGN 6), each against scikit-learn
# with the same covariance_type (dp: weight_concentration_prior_type
# dirichlet_process): what each set times besides full.
forms_of() {
	[ "${BENCH_FORMS:-1}" = 1 ] || return 0
	case $1 in
	A) echo "diag spherical tied dp" ;;
	B) echo "tied" ;;
	G) echo "diag spherical" ;;
	esac
}
vbgmm_form() {  # FORM: its vbgmm options
	case $1 in
	dp) echo "--weights=dp" ;;
	*) echo "--covariance=$1" ;;
	esac
}
sk_form() {  # FORM: sk.py's COVARIANCE WEIGHTS
	case $1 in
	'') ;;
	dp) echo "full dp" ;;
	*) echo "$1 dirichlet" ;;
	esac
}

KERNEL=
for SET in $SETS; do
	set_params "$SET"
	if [ "${BENCH_PREDICT_ONLY:-0}" = 1 ]; then
		case $SET in A | B) make_data && run_predict ;; esac
		continue
	fi
	make_data
	run_vbgmm "vbgmm -j1" "$VBGMM" -j1
	if [ "$NPROC" -gt 1 ]; then
		run_vbgmm "vbgmm -j$NPROC" "$VBGMM" -j"$NPROC"
	fi
	# vbgmm-mpi (configure --with-mpi) on the largest set: two ranks of
	# one thread against one process of two threads.
	if [ "$SET" = C ] && [ -x "$VBGMM_MPI" ] && command -v mpirun >/dev/null; then
		run_vbgmm "vbgmm-mpi -np 2 -j1" mpirun --oversubscribe -np 2 "$VBGMM_MPI" -j1
	fi
	run_input
	run_python
	run_sklearn
	run_predict
	for form in $(forms_of "$SET"); do
		# shellcheck disable=SC2046 # the form's options, split
		run_vbgmm "vbgmm -j1 $form" "$VBGMM" -j1 $(vbgmm_form "$form")
		if [ "$NPROC" -gt 1 ]; then
			# shellcheck disable=SC2046
			run_vbgmm "vbgmm -j$NPROC $form" "$VBGMM" -j"$NPROC" $(vbgmm_form "$form")
		fi
		run_sklearn "$form"
	done
done

# ---- table ----------------------------------------------------------------
# s/iter = (wall(T2) - wall(T1)) / (T2 - T1); ns/pt.comp = s/iter / (N K);
# x sklearn = sklearn's s/iter / this row's; x -j1 = vbgmm -j1's s/iter /
# this row's (the thread speed-up); each within one form of the model
# (the last word of the program's label, full when there is none).
awk -F'|' -v t1=$T1 -v t2=$T2 '
function form(label,    w, n) {
	n = split(label, w, " ")
	return w[n] ~ /^(full|diag|spherical|tied|dp)$/ ? w[n] : "full"
}
function base(label,    w) { split(label, w, " "); return w[1] " " w[2] }
{ rows[NR] = $0 }
base($6) == "vbgmm -j1" && $7 != "-" { j1[$1, form($6)] = $7 }
$6 ~ /^sklearn/ && $7 != "-" { sk[$1, form($6)] = $7 }
END {
	fmt = "%-3s %9s %3s %3s %8s  %-21s %9s %9s %8s %8s %9s %6s  %s\n"
	printf fmt, "set", "N", "D", "K", "data MB", "program", "s/iter", \
	    "ns/pt.k", "whole s", "RSS MB", "x sklearn", "x -j1", ""
	for (i = 1; i <= NR; i++) {
		split(rows[i], f, "|")
		per = f[7]; ns = "-"; xs = "-"; xj = "-"; rss = "-"; whole = "-"
		if (per != "-") {
			ns = sprintf("%.2f", per * 1e9 / (f[2] * f[4]))
			whole = sprintf("%.2f", f[8])
			if (f[9] != "-") rss = sprintf("%.0f", f[9] / 1024)
			key = f[1] SUBSEP form(f[6])
			if ((key in sk) && f[6] !~ /^sklearn/ && per > 0)
				xs = sprintf("%.1f", sk[key] / per)
			if ((key in j1) && base(f[6]) != "vbgmm -j1" && f[6] !~ /^sklearn/ && per > 0)
				xj = sprintf("%.2f", j1[key] / per)
			per = sprintf("%.4f", per)
		}
		printf fmt, f[1], f[2], f[3], f[4], f[5], f[6], per, ns, whole, \
		    rss, xs, xj, f[10]
	}
}' "$RES"

if [ -s "$PRES" ]; then
	echo
	echo "predict (model.json of a $T2-iteration fit, on the training data):"
	awk -F'|' '
	{ rows[NR] = $0 }
	$5 ~ /^vbgmm 1 iter/ { it[$1, substr($5, 14)] = $6 }
	END {
		fmt = "%-3s %9s %3s %3s  %-26s %8s %8s %9s  %s\n"
		printf fmt, "set", "N", "D", "K", "program", "whole s", "RSS MB", "x 1 iter", ""
		for (i = 1; i <= NR; i++) {
			split(rows[i], f, "|")
			x = "-"; rss = "-"; j = f[5]; sub(/.* /, "", j)
			if (f[5] !~ /^vbgmm/ && f[5] !~ /^sklearn/ && ((f[1], j) in it) && f[6] > 0)
				x = sprintf("%.2f", f[6] / it[f[1], j])
			if (f[7] != "-") rss = sprintf("%.0f", f[7] / 1024)
			printf fmt, f[1], f[2], f[3], f[4], f[5], f[6], rss, x, f[8]
		}
	}' "$PRES"
	echo "x 1 iter = this row's time / the time of vbgmm --max-iter=1 with as many threads."
fi

echo
echo "s/iter = (wall(--max-iter=25) - wall(--max-iter=5)) / 20 (sets D-F: 6 and 2, / 4), --tol=0, same --init-means for all;"
echo "  where that difference lasts under $MIN_SPAN s, vbgmm's longer run is made 5 + 20 m iterations (at most m = 20) to last $MIN_SPAN s;"
echo "whole s, RSS MB = the $T2-iteration run (vbgmm: read CSV + fit + write z.csv;"
echo "sklearn, python: np.loadtxt + fit, RSS of the whole python process)."
[ "$REPEAT" = 1 ] || echo "vbgmm times: fastest of $REPEAT runs."
[ "$SCALE" = 1 ] || echo "N scaled by BENCH_SCALE=$SCALE."
echo "machine: $NPROC CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo "load average (1 min) at start: $LOAD0, at end: $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
[ -z "$KERNEL" ] || echo "sklearn BLAS: $KERNEL"
for n in ${NOTES[@]+"${NOTES[@]}"}; do echo "$n"; done
[ $HAVE_TIME = 1 ] || echo "RSS of vbgmm not measured: install Debian package 'time' (/usr/bin/time)"
exit $FAILED
