# backport: one plain Makefile. `make` builds ./backport; `make check`
# installs what the tests need, builds with ASan/UBSan and runs every test;
# `make demo` runs the default matrix. See README.md.

CC ?= cc
BUILD ?= build/default

# Where `make install` puts things (GNU names; PREFIX is prefix too).
# The binary looks for its data in <bindir>/../share/backport first, so
# a DESTDIR or relocated install works, then in $(pkgdatadir).
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
bindir ?= $(prefix)/bin
datadir ?= $(prefix)/share
mandir ?= $(datadir)/man
pkgdatadir ?= $(datadir)/backport
bashcompdir ?= $(datadir)/bash-completion/completions
DESTDIR ?=
INSTALL ?= install
SANITIZE ?=
PKGS = libgit2 gmime-3.0 jansson libarchive liblzma

CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wformat=2 \
	-Wmissing-prototypes -Wstrict-prototypes
ALL_CFLAGS = -std=gnu11 $(CPPFLAGS) $(CFLAGS) $(WARN) -D_GNU_SOURCE -MMD -MP \
	-Itools -I$(BUILD) $(shell pkg-config --cflags $(PKGS))
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(shell pkg-config --libs $(PKGS))
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Generic helpers, apart from the domain.
LIB_OBJS += tools/util/cfgtext.o
LIB_OBJS += tools/util/datadir.o
LIB_OBJS += tools/util/error.o
LIB_OBJS += tools/util/fsutil.o
LIB_OBJS += tools/util/lines.o
LIB_OBJS += tools/util/run-command.o
LIB_OBJS += tools/util/strbuf.o
LIB_OBJS += tools/util/strset.o
LIB_OBJS += tools/util/strvec.o
LIB_OBJS += tools/util/usage.o
LIB_OBJS += tools/util/xalloc.o

# Domain modules: one noun each; they never print and never exit.
LIB_OBJS += tools/lib/apply.o
LIB_OBJS += tools/lib/artefact.o
LIB_OBJS += tools/lib/bisect.o
LIB_OBJS += tools/lib/blame.o
LIB_OBJS += tools/lib/buildlog.o
LIB_OBJS += tools/lib/buildplan.o
LIB_OBJS += tools/lib/cell.o
LIB_OBJS += tools/lib/changelog.o
LIB_OBJS += tools/lib/console.o
LIB_OBJS += tools/lib/damage.o
LIB_OBJS += tools/lib/debpkg.o
LIB_OBJS += tools/lib/distcc.o
LIB_OBJS += tools/lib/emit.o
LIB_OBJS += tools/lib/evidence.o
LIB_OBJS += tools/lib/explain.o
LIB_OBJS += tools/lib/guard.o
LIB_OBJS += tools/lib/grid.o
LIB_OBJS += tools/lib/gridhtml.o
LIB_OBJS += tools/lib/guest.o
LIB_OBJS += tools/lib/kbuild.o
LIB_OBJS += tools/lib/kconfig.o
LIB_OBJS += tools/lib/hunkmem.o
LIB_OBJS += tools/lib/judge.o
LIB_OBJS += tools/lib/ktap.o
LIB_OBJS += tools/lib/linecache.o
LIB_OBJS += tools/lib/locate.o
LIB_OBJS += tools/lib/mail.o
LIB_OBJS += tools/lib/matrix.o
LIB_OBJS += tools/lib/names.o
LIB_OBJS += tools/lib/pack.o
LIB_OBJS += tools/lib/patch.o
LIB_OBJS += tools/lib/prereq.o
LIB_OBJS += tools/lib/presence.o
LIB_OBJS += tools/lib/provenance.o
LIB_OBJS += tools/lib/quilt.o
LIB_OBJS += tools/lib/resolution.o
LIB_OBJS += tools/lib/review.o
LIB_OBJS += tools/lib/remote.o
LIB_OBJS += tools/lib/reviewdiff.o
LIB_OBJS += tools/lib/selftest.o
LIB_OBJS += tools/lib/replay.o
LIB_OBJS += tools/lib/report.o
LIB_OBJS += tools/lib/results.o
LIB_OBJS += tools/lib/run.o
LIB_OBJS += tools/lib/scope.o
LIB_OBJS += tools/lib/series.o
LIB_OBJS += tools/lib/setup.o
LIB_OBJS += tools/lib/stablemail.o
LIB_OBJS += tools/lib/subject.o
LIB_OBJS += tools/lib/tarball.o
LIB_OBJS += tools/lib/testrun.o
LIB_OBJS += tools/lib/trailer.o
LIB_OBJS += tools/lib/trees.o
LIB_OBJS += tools/lib/userconfig.o
LIB_OBJS += tools/lib/wordindex.o
LIB_OBJS += tools/lib/worktree.o
LIB_OBJS += tools/lib/verdict.o

# Subcommands: tools/cmd-<name>.c, one each, listed in tools/backport.c.
CMD_OBJS += tools/cmd-apply.o
CMD_OBJS += tools/cmd-build.o
CMD_OBJS += tools/cmd-config.o
CMD_OBJS += tools/cmd-diff.o
CMD_OBJS += tools/cmd-import.o
CMD_OBJS += tools/cmd-mail.o
CMD_OBJS += tools/cmd-patch-id.o
CMD_OBJS += tools/cmd-record.o
CMD_OBJS += tools/cmd-report.o
CMD_OBJS += tools/cmd-resolve.o
CMD_OBJS += tools/cmd-run.o
CMD_OBJS += tools/cmd-show.o
CMD_OBJS += tools/cmd-test.o
CMD_OBJS += tools/cmd-trees.o
CMD_OBJS += tools/options.o
CMD_OBJS += tools/progress.o

MAIN_OBJ = tools/backport.o

# cmocka unit tests: tests/unit/test-<module>.c, linked with LIB_OBJS.
UNIT_TESTS += test-cell
UNIT_TESTS += test-console
UNIT_TESTS += test-distcc
UNIT_TESTS += test-evidence
UNIT_TESTS += test-kbuild
UNIT_TESTS += test-ktap
UNIT_TESTS += test-locate
UNIT_TESTS += test-mail
UNIT_TESTS += test-patch
UNIT_TESTS += test-remote
UNIT_TESTS += test-review
UNIT_TESTS += test-selftest
UNIT_TESTS += test-userconfig
UNIT_TESTS += test-fuzz-regress

# libFuzzer harnesses: tests/fuzz/fuzz-<parser>.c (see tests/fuzz/fuzz.h),
# built with clang by `make fuzz` into build/fuzz; FUZZ_SECONDS=N runs
# each for N seconds over its corpus (build/fuzz/corpus/<parser>).
FUZZ_TARGETS += fuzz-console
FUZZ_TARGETS += fuzz-ktap
FUZZ_TARGETS += fuzz-mail
FUZZ_TARGETS += fuzz-matrix
FUZZ_TARGETS += fuzz-patch
FUZZ_TARGETS += fuzz-resolution
FUZZ_TARGETS += fuzz-series
FUZZ_CC ?= clang
FUZZ_BUILD ?= build/fuzz

B_LIB_OBJS = $(addprefix $(BUILD)/,$(LIB_OBJS))
B_CMD_OBJS = $(addprefix $(BUILD)/,$(CMD_OBJS) $(MAIN_OBJ))
B_UNIT = $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))
PROGRAM = $(BUILD)/backport

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

.PHONY: all unit deps check check-quick demo bench clean format fuzz \
	fuzz-targets install uninstall man-lint deb FORCE

all: $(PROGRAM)
ifeq ($(BUILD),build/default)
all: backport
backport: $(PROGRAM)
	ln -sf $(PROGRAM) $@
endif

$(PROGRAM): $(B_CMD_OBJS) $(BUILD)/libbackport.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(B_CMD_OBJS) $(BUILD)/libbackport.a $(LIBS)

$(BUILD)/libbackport.a: $(B_LIB_OBJS)
	@rm -f $@
	$(QUIET_LINK)ar rcs $@ $^

ifneq ($(V),1)
QUIET_CC = @echo '   CC $@';
QUIET_LINK = @echo '   LINK $@';
endif

$(BUILD)/%.o: %.c $(BUILD)/version.h $(BUILD)/paths.h
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/version.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define BACKPORT_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/paths.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define BACKPORT_DATADIR "$(pkgdatadir)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

unit: $(B_UNIT)
$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libbackport.a
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libbackport.a \
		$(LIBS) -lcmocka

deps:
	sh tools/deps.sh

# The test command of the README: everything, under ASan and UBSan, and
# an unsanitized build in build/vg that t0950 runs under valgrind.
check: deps
	$(MAKE) BUILD=build/san SANITIZE=address,undefined all unit
	$(MAKE) BUILD=build/vg CFLAGS="-O1 -g" all unit
	BUILD=build/san sh tests/run-tests.sh

# The same without installing anything or the slow real-tree tests.
check-quick:
	$(MAKE) BUILD=build/san SANITIZE=address,undefined all unit
	$(MAKE) BUILD=build/vg CFLAGS="-O1 -g" all unit
	BACKPORT_SKIP_SLOW=1 BUILD=build/san sh tests/run-tests.sh

demo: deps all
	sh tools/demo.sh

# gcc's -Werror guards the code; clang's own warnings only warn here.
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
		WARN="$(WARN) -Wno-error" \
		SANITIZE=fuzzer-no-link,address,undefined fuzz-targets
	sh tests/fuzz/corpus.sh $(FUZZ_BUILD)/corpus
ifneq ($(FUZZ_SECONDS),)
	sh tests/fuzz/run.sh $(FUZZ_BUILD) -max_total_time=$(FUZZ_SECONDS)
endif

fuzz-targets: $(addprefix $(BUILD)/tests/fuzz/,$(FUZZ_TARGETS))
$(BUILD)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(BUILD)/libbackport.a
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ \
		$< $(BUILD)/libbackport.a $(LIBS)

bench: deps all
	sh bench/run.sh

# The data the installed binary needs: the default matrix and its
# fragments, the in-guest runner.
# Man pages: mdoc, one per command, checked by `make man-lint` (t8000).
DATA_MATRIX = $(wildcard matrix/*.conf matrix/*.fragment)
MAN1 = $(wildcard doc/man/*.1)

install: $(PROGRAM)
	$(INSTALL) -d "$(DESTDIR)$(bindir)" "$(DESTDIR)$(pkgdatadir)/matrix" \
		"$(DESTDIR)$(pkgdatadir)/guest" "$(DESTDIR)$(mandir)/man1" \
		"$(DESTDIR)$(bashcompdir)"
	$(INSTALL) -m 755 $(PROGRAM) "$(DESTDIR)$(bindir)/backport"
	$(INSTALL) -m 644 $(DATA_MATRIX) "$(DESTDIR)$(pkgdatadir)/matrix/"
	$(INSTALL) -m 755 tools/guest/runner.sh "$(DESTDIR)$(pkgdatadir)/guest/"
	$(INSTALL) -m 644 $(MAN1) "$(DESTDIR)$(mandir)/man1/"
	$(INSTALL) -m 644 contrib/completion/backport.bash \
		"$(DESTDIR)$(bashcompdir)/backport"

uninstall:
	rm -f "$(DESTDIR)$(bindir)/backport"
	rm -rf "$(DESTDIR)$(pkgdatadir)"
	for p in $(notdir $(MAN1)); do \
		rm -f "$(DESTDIR)$(mandir)/man1/$$p" || exit 1; \
	done
	rm -f "$(DESTDIR)$(bashcompdir)/backport"

# The Debian package, from a copy of the checkout's files (tracked and
# untracked, not ignored) in $(DEB_DIR)/src, so that dpkg-buildpackage
# and dh_clean never touch the checkout; then lintian on the result.
DEB_DIR = build/deb-pkg

deb:
	rm -rf "$(DEB_DIR)" && mkdir -p "$(DEB_DIR)/src"
	git ls-files -z --cached --others --exclude-standard | \
		tar cf - --null --ignore-failed-read -T - | \
		tar xf - -C "$(DEB_DIR)/src"
	cd "$(DEB_DIR)/src" && BACKPORT_GIT=$(VERSION) \
		dpkg-buildpackage -us -uc -b -j$(DEB_JOBS)
	lintian --fail-on error,warning --info "$(DEB_DIR)"/*.changes
	@ls "$(DEB_DIR)"/*.deb
DEB_JOBS ?= 2

man-lint:
	mandoc -T lint -W warning $(MAN1)

format:
	clang-format -i tools/*.c tools/*.h tools/*/*.c tools/*/*.h tests/unit/*.c

clean:
	rm -rf build backport

-include $(shell find build -name '*.d' 2>/dev/null)
