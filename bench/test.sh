#!/bin/sh
# Bench (not a test): `backport test` on one kernel against running the
# same selftests by hand: an initramfs made with find | cpio, a plain
# /init that runs each test with its arguments, and FIELD.md's plain
# QEMU command line. Reports boot-to-first-test time and the total of
# each, and backport's overhead (target: <= 10% of the total).
#
#   sh bench/test.sh [<target>]		# default linux-6.12.y@v6.12.111
#   KERNEL=bzImage SELFTESTS=dir sh bench/test.sh
#
# The kernel and its static KVM selftests come from `backport build`
# (results/build/<target>/baseline/build.json) unless KERNEL and
# SELFTESTS are set. The set is the matrix's first [selftests] section
# (SET= picks another). One QEMU at a time: the two runs are in turn.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
bp="$top/${BUILD:-build/default}/backport"
target=${1:-linux-6.12.y@v6.12.111}
matrix="$top/matrix/default.conf"
set_name=${SET:-$(git config -f "$matrix" --name-only \
	--get-regexp '^selftests\..*\.test$' | head -n 1 |
	sed 's/^selftests\.\(.*\)\.test$/\1/')}

if [ -z "${KERNEL:-}" ]; then
	json="$top/results/build/$target/baseline/build.json"
	[ -e "$json" ] || {
		echo "no $json: run 'backport build --branch $target' or set KERNEL and SELFTESTS" >&2
		exit 128
	}
	KERNEL=$(jq -r .bzImage "$json")
	SELFTESTS=$(jq -r .selftests.dir "$json")
fi
khz=$(awk -F': ' '/^cpu MHz/ { printf "%d", $2 * 1000 + 0.5; exit }' /proc/cpuinfo)
hugepages=$(git config -f "$matrix" "selftests.$set_name.hugepages" || echo 0)

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. backport test.
"$bp" test --matrix "$matrix" --set "$set_name" --kernel "$KERNEL" \
	--selftests "$SELFTESTS" --target bench --variant baseline \
	--results "$work/results" --retries 0 >"$work/bp.out" 2>"$work/bp.err" || true
r="$work/results/test/bench/baseline/result.json"
bp_first=$(jq .first_test_s "$r")
bp_total=$(jq .total_s "$r")

# 2. By hand: the same tests, the same order and arguments.
root="$work/root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/t"
cp /bin/busybox "$root/bin/"
ln -s busybox "$root/bin/sh"
{
	echo '#!/bin/sh'
	echo '/bin/busybox --install -s /bin'
	echo 'mount -t proc proc /proc; mount -t sysfs sys /sys'
	echo 'mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp'
	echo "echo $hugepages >/proc/sys/vm/nr_hugepages"
	echo 'set -o pipefail; cd /tmp'
} >"$root/init"
git config -f "$matrix" --get-all "selftests.$set_name.test" |
while read -r line; do
	set -- $line
	case "$1" in timeout=*) tmo=${1#timeout=}; shift ;; *) tmo=120 ;; esac
	name=$1
	shift
	bin=$SELFTESTS/$name
	[ -x "$bin" ] || bin=$SELFTESTS/$(echo "$name" | sed 's,^x86/,x86_64/,')
	[ -x "$bin" ] || continue
	flat=$(echo "$name" | tr / _)
	cp "$bin" "$root/t/$flat"
	echo "echo '# running $name'; timeout $tmo /t/$flat $* </dev/null 2>&1 | sed 's/^/# /'; echo \"done $name \$?\""
done >>"$root/init"
echo 'reboot -f' >>"$root/init"
chmod +x "$root/init"
mknod "$root/dev/console" c 5 1 2>/dev/null || true
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/hand.cpio"

start=$(date +%s.%N)
qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 4G -nographic \
	-nic none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$KERNEL" -initrd "$work/hand.cpio" \
	-append "console=ttyS0 panic=-1 quiet tsc_early_khz=$khz tsc=reliable" \
	</dev/null 2>&1 |
while IFS= read -r l; do
	case "$l" in
	"# running "*) [ -e "$work/first" ] || date +%s.%N >"$work/first" ;;
	esac
	printf '%s\n' "$l"
done >"$work/hand.log"
end=$(date +%s.%N)
hand_first=$(echo "$(cat "$work/first" 2>/dev/null || echo "$end") - $start" | bc)
hand_total=$(echo "$end - $start" | bc)

echo "backport test vs by hand: $target, set '$set_name', $(grep -c '^done ' "$work/hand.log") tests by hand"
printf '%-22s %10s %10s\n' "" "first test" "total"
printf '%-22s %9.1fs %9.1fs\n' "backport test" "$bp_first" "$bp_total"
printf '%-22s %9.1fs %9.1fs\n' "by hand (plain qemu)" "$hand_first" "$hand_total"
printf "overhead: %+.1f%% of the total (%+.1f s)\n" \
	"$(echo "($bp_total - $hand_total) * 100 / $hand_total" | bc -l)" \
	"$(echo "$bp_total - $hand_total" | bc -l)"
echo "per test (backport, by hand):"
jq -r '.tests[] | "\(.name) \(.status) \(.seconds)"' "$r" |
while read -r name status secs; do
	printf '  %-36s %-8s %6s s\n' "$name" "$status" "$secs"
done
grep '^done ' "$work/hand.log" | sed 's/^done /  by hand: /'
