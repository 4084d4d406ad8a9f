#!/bin/sh
test_description='backport config: defaults from the user and project config files, and where each came from'
. ./lib-backport.sh

unset BACKPORT_SERIES_DIR BACKPORT_MATRIX
XDG_CONFIG_HOME="$SHARNESS_TRASH_DIRECTORY/xdg"
export XDG_CONFIG_HOME
USER_CFG="$XDG_CONFIG_HOME/backport/config"

test_expect_success 'setup: a project and a series to import' '
	mkdir -p proj/sub proj/.backport "$XDG_CONFIG_HOME/backport" &&
	git init -q up && (
		cd up &&
		echo "int x;" >x.c && git add x.c && git commit -q -m base &&
		git branch linux-6.12.y &&
		echo "int y;" >x.c && git commit -q -a -m "x: rename to y" &&
		git format-patch -q -o ../mails HEAD~1
	)
'

test_expect_success 'without files: the built-in defaults' '
	(cd proj && backport config --list) >out &&
	grep "^default	backport.seriesdir=series$" out &&
	grep "^default	backport.jobs=2$" out &&
	grep "^default	backport.results=results$" out &&
	grep "^default	backport.matrix=.*/matrix/default.conf$" out &&
	test_line_count = 6 out
'

test_expect_success 'the user file' '
	git config -f "$USER_CFG" backport.jobs 5 &&
	git config -f "$USER_CFG" backport.seriesDir "~/my-series" &&
	(cd proj && backport config --list) >out &&
	grep "^file:$USER_CFG	backport.jobs=5$" out &&
	grep "^file:$USER_CFG	backport.seriesdir=$HOME/my-series$" out
'

test_expect_success 'the project file wins, its paths relative to the project' '
	git config -f proj/.backport/config backport.seriesDir queue &&
	git config -f proj/.backport/config backport.results out &&
	(cd proj/sub && backport config --list) >out &&
	grep "^file:$SHARNESS_TRASH_DIRECTORY/proj/.backport/config	backport.seriesdir=$SHARNESS_TRASH_DIRECTORY/proj/queue$" out &&
	grep "^file:$USER_CFG	backport.jobs=5$" out &&
	(cd proj && backport config --get seriesDir) >out &&
	echo queue >expect &&
	test_cmp expect out
'

test_expect_success 'the environment wins over the files' '
	(cd proj && BACKPORT_SERIES_DIR=/env/s backport config --list) >out &&
	grep "^env:BACKPORT_SERIES_DIR	backport.seriesdir=/env/s$" out
'

test_expect_success 'import and show use the configured series directory' '
	(cd proj/sub && backport import --name s1 ../../mails) &&
	test -f proj/queue/s1/series &&
	(cd proj && backport show) >out &&
	echo s1 >expect &&
	test_cmp expect out
'

test_expect_success 'the command line wins over everything' '
	(cd proj && BACKPORT_SERIES_DIR=/env/s backport show --series-dir queue) >out &&
	test_cmp expect out &&
	(cd proj && test_must_fail backport show --series-dir elsewhere s1)
'

test_expect_success 'apply takes the repository from the project file' '
	git config -f proj/.backport/config backport.repo ../up &&
	(cd proj/sub && backport apply --series s1 --branch linux-6.12.y \
		--all-branches) >out &&
	grep "^linux-6.12.y  *applied" out &&
	git -C up rev-parse --verify -q refs/backport/s1/linux-6.12.y
'

test_expect_success 'report looks in the configured results directory' '
	(cd proj && test_expect_code 128 backport report) 2>err &&
	grep "no run in .out/latest." err &&
	(cd proj/sub && test_expect_code 128 backport report) 2>err &&
	grep "no run in .$SHARNESS_TRASH_DIRECTORY/proj/out/latest." err &&
	(cd proj && test_expect_code 128 backport report --results cli) 2>err &&
	grep "no run in .cli/latest." err
'

test_expect_success '--format=json' '
	(cd proj && backport config --format=json) >out.json &&
	jq -r ".[] | select(.key == \"backport.jobs\") | .value, .origin" out.json >out &&
	printf "5\nfile:%s\n" "$USER_CFG" >expect &&
	test_cmp expect out
'

test_expect_success '--get: one value, exit 1 when unset, 129 for an unknown key' '
	(cd proj && backport config --get jobs) >out &&
	echo 5 >expect &&
	test_cmp expect out &&
	git config -f proj/.backport/config --unset backport.repo &&
	(cd proj && test_expect_code 1 backport config --get repo) &&
	(cd proj && test_expect_code 129 backport config --get nope)
'

test_expect_success 'a bad file is a fatal error naming it' '
	printf "[backport\n" >bad &&
	cp "$USER_CFG" user.saved &&
	cp bad "$USER_CFG" &&
	(cd proj && test_expect_code 128 backport show) 2>err &&
	grep "$USER_CFG" err &&
	git config -f "$USER_CFG" --unset-all backport.jobs 2>/dev/null;
	printf "[backport]\n\tjobs = lots\n" >"$USER_CFG" &&
	(cd proj && test_expect_code 128 backport config --list) 2>err &&
	grep "bad number .lots. for backport.jobs in .$USER_CFG." err &&
	cp user.saved "$USER_CFG"
'

test_done
