#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The bash completion (samples/bash-completion/sozbatch) completes command words, the options of
# the command typed and the global ones, option values and file arguments, from the real binary.
. "$(dirname "$0")/lib.sh" "$@"
. "$ROOT/samples/bash-completion/sozbatch"

# complete WORD... : sets COMP_WORDS/COMP_CWORD for the command line "sozbatch WORD..." (the last
# word is the one being completed) and prints the sorted candidates, one a line.
complete_line() {
    COMP_WORDS=("$SOZBATCH" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _sozbatch
    printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect NAME "WORD..." CANDIDATES: the candidates are exactly these (space-separated)
expect() {
    local name=$1 got want
    read -r -a words <<<"$2"
    [[ $2 == *" " ]] && words+=("")
    got=$(complete_line "${words[@]}" | tr '\n' ' ' | sed 's/ *$//')
    want=$(printf '%s\n' $3 | sort | tr '\n' ' ' | sed 's/ *$//')
    [ "$got" = "$want" ] || fail "$name: completing 'sozbatch $2' gives '$got', expected '$want'"
}
# contains NAME "WORD..." CANDIDATE...: these are among the candidates
contains() {
    local name=$1 line=$2 got c
    shift 2
    read -r -a words <<<"$line"
    [[ $line == *" " ]] && words+=("")
    got=$(complete_line "${words[@]}")
    for c in "$@"; do
        grep -qxF -- "$c" <<<"$got" || fail "$name: completing 'sozbatch $line' lacks '$c' (got: $(tr '\n' ' ' <<<"$got"))"
    done
}
# lacks NAME "WORD..." CANDIDATE...
lacks() {
    local name=$1 line=$2 got c
    shift 2
    read -r -a words <<<"$line"
    [[ $line == *" " ]] && words+=("")
    got=$(complete_line "${words[@]}")
    for c in "$@"; do
        grep -qxF -- "$c" <<<"$got" && fail "$name: completing 'sozbatch $line' offers '$c'"
    done
    return 0
}

expect pay_words "pay " "prepare release export"
expect pay_pr "pay pr" "prepare"
expect operators_d "operators d" "disable"
expect db_words "db " "migrate status"
contains first_words " " db import cases calc pay notices match118 pension151 operators archive
expect first_p "p" "params pay pension151 protocol"
contains pay_prepare_opts "pay prepare --" --month --force --reason --db --quiet --verbose --fixed-now
lacks pay_prepare_no_foreign "pay prepare --" --refuse --quarter
expect calc_mo "calc --mo" "--month"
expect log_level_value "calc --log-level " "debug error info quiet warn"
expect format_value "calc --month 2026-12 --format " "json text"
contains notices_next "notices " preview
contains global_before_command "--db x.db pay " prepare release export
expect global_only "--ver" "--verbose --version"

# file arguments: import's FILE.xml and --config
mkdir -p "$WORK/files" && touch "$WORK/files/cases-2026.xml" "$WORK/files/sozbatch.conf"
contains import_file "import $WORK/files/ca" "$WORK/files/cases-2026.xml"
contains config_file "calc --config $WORK/files/soz" "$WORK/files/sozbatch.conf"
lacks calc_no_files "calc $WORK/files/" "$WORK/files/cases-2026.xml"
finish
