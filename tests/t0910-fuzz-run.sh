#!/bin/sh
test_description='the fuzz harnesses (make fuzz, clang and libFuzzer): a short fixed number of runs of each over its corpus'
. ./lib-backport.sh

# Runs of each harness after its corpus: enough to notice a harness that
# crashes at once, short enough for make check (no timing is asserted).
FUZZ_RUNS=${FUZZ_RUNS:-300}
: "${LSAN_OPTIONS:=suppressions=$BACKPORT_TOP/tests/lsan.supp:print_suppressions=0}"
export LSAN_OPTIONS
FUZZ="$BACKPORT_TOP/build/fuzz"

if ! command -v clang >/dev/null 2>&1
then
	skip_all='skipping the fuzz harnesses: clang is not installed (make deps installs it)'
	test_done
fi
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >probe.c
if ! clang -fsanitize=fuzzer,address,undefined -o probe probe.c >/dev/null 2>&1
then
	skip_all='skipping the fuzz harnesses: clang cannot link libFuzzer (-fsanitize=fuzzer)'
	test_done
fi

test_expect_success 'make fuzz builds every harness; the seeds of each corpus' '
	make -C "$BACKPORT_TOP" fuzz >make.out 2>&1 ||
	{ tail -30 make.out; false; } &&
	sh "$BACKPORT_TOP/tests/fuzz/corpus.sh" seeds &&
	for p in console ktap mail matrix patch resolution series
	do
		test -x "$FUZZ/tests/fuzz/fuzz-$p" &&
		test -d "seeds/$p" || return 1
	done
'

for p in console ktap mail matrix patch resolution series
do
	test_expect_success "fuzz-$p: its seeds and $FUZZ_RUNS runs find nothing" "
		mkdir -p new-$p &&
		\"$FUZZ/tests/fuzz/fuzz-$p\" -runs=$FUZZ_RUNS -seed=1 \
			-dict=\"$BACKPORT_TOP/tests/fuzz/dict/$p.dict\" \
			-max_len=65536 -timeout=30 -rss_limit_mb=2048 \
			-artifact_prefix=\"\$PWD/crash-$p-\" \
			new-$p seeds/$p >$p.log 2>&1 ||
		{ tail -40 $p.log; false; }
	"
done

test_done
