#!/bin/sh
test_description='backport build on the real default trees (SLOW)

linux-6.12.y at 6.12.111 with the seed series, and linux-6.12.y (6.12.117)
with it, and both baselines: built with the minimal KVM configuration of
the matrix (kvm-tiny), selftests included. About 6 minutes per cold
kernel on 2 cores; the cache (worktrees, build directories, ccache,
artefacts) is the user'"'"'s, shared with every run, so a second run
builds nothing.'
. ./lib-backport.sh

BACKPORT_CACHE_DIR="$HOME_ORIG/.cache/backport"
export BACKPORT_CACHE_DIR
T1=linux-6.12.y@v6.12.111
T2=linux-6.12.y
S=kvm-x86-mmu

test_expect_success SLOW 'provision linux-6.12.y' '
	backport trees -q --branch linux-6.12.y &&
	git --git-dir="$BACKPORT_CACHE_DIR/linux.git" rev-parse --verify -q \
		v6.12.111 >/dev/null &&
	test_set_prereq TREES
'

# The split patch may conflict on 6.12.111 until a resolution is
# recorded: then the series ref equals the baseline, which is fine here.
test_expect_success TREES 'apply the seed series on both targets' '
	backport apply -q --series-dir "$BACKPORT_TOP/series" --series $S \
		--backports "$BACKPORT_TOP/backports" \
		--branch $T1 --branch $T2 >apply.out;
	cat apply.out &&
	git --git-dir="$BACKPORT_CACHE_DIR/linux.git" rev-parse --verify -q \
		refs/backport/$S/$T1 &&
	git --git-dir="$BACKPORT_CACHE_DIR/linux.git" rev-parse --verify -q \
		refs/backport/$S/$T2
'

test_expect_success TREES 'build both targets, baseline and series' '
	backport build -j2 --series $S --branch $T1 --branch $T2 \
		>build.out 2>build.err;
	echo $? >rc &&
	cat build.out && tail -20 build.err &&
	test "$(cat rc)" = 0 &&
	for t in $T1 $T2
	do
		for v in baseline series
		do
			j=results/build/$t/$v/build.json &&
			jq -e ".verdict == \"built\" and .config == \"kvm-tiny\"" $j &&
			jq -e ".missing_options == [] and .selftests.built >= 60" $j &&
			test -s "$(jq -r .bzImage $j)" &&
			test -x "$(jq -r .selftests.dir $j)/x86_64/dirty_log_page_splitting_test" &&
			test -x "$(jq -r .selftests.dir $j)/set_memory_region_test" ||
			return 1
		done
	done &&
	test_set_prereq BUILT
'

test_expect_success BUILT 'progress lines name the target and the step' '
	grep -E "^\[[1-4]/4\] linux-6.12.y(@v6.12.111)? (baseline|series): " build.err ||
	grep -q "(cached)" build.out
'

test_expect_success BUILT 'every option of the fragment survived' '
	c="$BACKPORT_CACHE_DIR/builds/linux-6.12.y/kvm-tiny/baseline/.config" &&
	for o in KVM KVM_AMD KVM_INTEL ADVISE_SYSCALLS TRANSPARENT_HUGEPAGE \
		X86_IOPL_IOPERM USERFAULTFD PROC_SYSCTL 64BIT SMP
	do
		grep "^CONFIG_$o=y" "$c" || return 1
	done
'

test_expect_success BUILT 'the series touched only what the patches touch' '
	j=results/build/$T2/series/build.json &&
	jq -r ".touched[]" $j >touched &&
	cat touched &&
	grep -v "^arch/x86/kvm/" touched >other;
	test_must_be_empty other
'

# A patch that breaks mmu.c, committed on top of the branch in our own
# namespace: the first error of the real build is extracted.
test_expect_success BUILT 'a deliberately broken patch: build-failed, first error' '
	R="$BACKPORT_CACHE_DIR/linux.git" &&
	GIT_INDEX_FILE="$PWD/broken.index" && export GIT_INDEX_FILE &&
	git --git-dir="$R" read-tree linux-6.12.y &&
	git --git-dir="$R" show linux-6.12.y:arch/x86/kvm/mmu/mmu.c |
	sed "0,/^static bool kvm_has_zapped_obsolete_pages(struct kvm \*kvm)$/s//static bool kvm_has_zapped_obsolete_pages(struct kvm *kvm) broken/" >mmu.c &&
	grep -q "kvm_has_zapped_obsolete_pages(struct kvm \*kvm) broken$" mmu.c &&
	line=$(grep -n "kvm_has_zapped_obsolete_pages(struct kvm \*kvm) broken$" mmu.c | cut -d: -f1) &&
	blob=$(git --git-dir="$R" hash-object -w mmu.c) &&
	git --git-dir="$R" update-index --cacheinfo 100644,$blob,arch/x86/kvm/mmu/mmu.c &&
	tree=$(git --git-dir="$R" write-tree) &&
	unset GIT_INDEX_FILE &&
	commit=$(git --git-dir="$R" commit-tree $tree -p linux-6.12.y -m broken) &&
	git --git-dir="$R" update-ref refs/backport/t4000-broken/$T2 $commit &&
	test_expect_code 1 backport build --series t4000-broken --branch $T2 \
		--format=json >broken.json 2>broken.err &&
	jq -r ".[1] | .verdict, .step, .first_error.file, .first_error.line" broken.json >actual &&
	printf "%s\n" build-failed kernel arch/x86/kvm/mmu/mmu.c $line >expect &&
	test_cmp expect actual &&
	jq -r ".[1].first_error.message" broken.json &&
	jq -e ".[0].verdict == \"built\" and .[0].cached" broken.json
'

test_expect_success BUILT 'a second run builds nothing' '
	backport build -q --series $S --branch $T1 --branch $T2 \
		--format=json >again.json &&
	jq -e "[.[] | .cached] == [true, true, true, true]" again.json &&
	jq -e "[.[] | .verdict] == [\"built\", \"built\", \"built\", \"built\"]" again.json
'

test_done
