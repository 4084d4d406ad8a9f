# bash completion for backport(1).                      -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0
#
# Completes the commands, each command's options (read from its own
# `backport <command> -h`, so they never drift), series names from the
# series directory, branch and branch@v<release> targets from the matrix,
# config keys, and --format values. Installed as
# $(datadir)/bash-completion/completions/backport; from a checkout:
#
#	. contrib/completion/backport.bash

# The backport being completed: the word typed, else the one on $PATH.
__backport_bin()
{
	local b=${COMP_WORDS[0]}
	b=${b/#\~/$HOME}
	if command -v "$b" >/dev/null 2>&1; then
		printf '%s' "$b"
	else
		printf 'backport'
	fi
}

__backport_commands()
{
	"$(__backport_bin)" --help 2>/dev/null |
		sed -n 's/^   \([a-z][a-z-]*\)  .*/\1/p'
}

# The long options of command $1, from its usage text.
__backport_options()
{
	"$(__backport_bin)" "$1" -h 2>/dev/null |
		grep -o -- '--[a-z][a-z0-9-]*=\?' | sort -u
}

# The value of option $1 on the line so far, else nothing.
__backport_opt_value()
{
	local i w
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $w == "$1" ]]; then
			printf '%s' "${COMP_WORDS[i + 1]}"
			return
		elif [[ $w == "$1="* ]]; then
			printf '%s' "${w#*=}"
			return
		fi
	done
}

__backport_series()
{
	local dir
	dir=$(__backport_opt_value --series-dir)
	[[ -n $dir ]] || dir=$("$(__backport_bin)" config --get seriesDir 2>/dev/null)
	[[ -d $dir ]] || return
	local d
	for d in "$dir"/*/; do
		[[ -f ${d}series ]] && basename "$d"
	done
}

# Each branch of the matrix, and branch@v<release> for its releases.
__backport_targets()
{
	local matrix
	matrix=$(__backport_opt_value --matrix)
	[[ -n $matrix ]] || matrix=$("$(__backport_bin)" config --get matrix 2>/dev/null)
	[[ -f $matrix ]] || return
	git config -f "$matrix" --get-regexp '^branch\..*\.release$' 2>/dev/null |
		while read -r key rel; do
			key=${key#branch.}
			key=${key%.release}
			printf '%s\n%s@v%s\n' "$key" "$key" "$rel"
		done | sort -u
}

# The positional arguments before the cursor (options and their values
# skipped; only the options that take a separate value matter here).
__backport_npos()
{
	local i n=0 w
	for ((i = 2; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--*=*) ;;
		--matrix|--repo|--series-dir|--backports|--series|--branch|\
		--results|--dir|--patch|--signoff|--output|--run|-o|-m|-n|\
		--fuzz|--jobs|-j|--config|--name|--msgid)
			((i++)) ;;
		-*) ;;
		*) ((n++)) ;;
		esac
	done
	printf '%d' "$n"
}

_backport()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]}
	COMPREPLY=()

	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$(__backport_commands) --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--series)
		COMPREPLY=($(compgen -W "$(__backport_series)" -- "$cur")); return ;;
	--branch)
		COMPREPLY=($(compgen -W "$(__backport_targets)" -- "$cur")); return ;;
	--matrix|--repo|--series-dir|--backports|--results|--dir|--output|-o|\
	--deb-dir|--kernel|--selftests|--baseline-kernel|--baseline-selftests|\
	--qemu|--busybox|--runner)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--get)
		COMPREPLY=($(compgen -W "matrix repo seriesDir backports jobs results" -- "$cur"))
		return ;;
	--accel)
		COMPREPLY=($(compgen -W "tcg kvm auto" -- "$cur")); return ;;
	--variant)
		COMPREPLY=($(compgen -W "baseline series" -- "$cur")); return ;;
	esac
	case $cur in
	--format=*)
		local f="text json"
		[[ $cmd == report ]] && f="text json html"
		COMPREPLY=($(compgen -P --format= -W "$f" -- "${cur#--format=}"))
		return ;;
	-*)
		COMPREPLY=($(compgen -W "$(__backport_options "$cmd")" -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return ;;
	esac
	case $cmd in
	help)
		COMPREPLY=($(compgen -W "$(__backport_commands)" -- "$cur")) ;;
	show)
		COMPREPLY=($(compgen -W "$(__backport_series)" -- "$cur")) ;;
	resolve|record|diff|mail)
		if (($(__backport_npos) == 0)); then
			COMPREPLY=($(compgen -W "$(__backport_series)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(__backport_targets)" -- "$cur"))
		fi ;;
	import|patch-id)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
}

complete -F _backport backport
