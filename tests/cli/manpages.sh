#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The manual pages in docs/man/ cover the binary: every command of jobs/registry.cpp has a page
# sozbatch-<words joined by ->.1 with the usual sections, every long option a command accepts is in
# its page's OPTIONS section, every global option and every command is in sozbatch.1, no page is
# left for a command that is gone, and groff reads every page without a warning. The commands and
# options come from the binary's hidden interface (--list-commands, --list-options), so a new
# command or option fails this test until its page says what it does.
. "$(dirname "$0")/lib.sh" "$@"
MAN="$ROOT/docs/man"

# The text of section $2 of page $1 with roff escapes for '-', blanks and fonts removed.
section() {
    sed -e 's/\\-/-/g' -e 's/\\ / /g' -e 's/\\%//g' -e 's/\\f[BIRP]//g' "$1" |
        awk -v want="$2" '/^\.SH /{ name = substr($0, 5); gsub(/"/, "", name); on = (name == want); next } on'
}

# has_option TEXT OPTION: OPTION (e.g. --month) stands in TEXT as a whole word.
has_option() { printf '%s\n' "$1" | grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)"; }

mapfile -t commands < <("$SOZBATCH" --list-commands)
[ "${#commands[@]}" -ge 30 ] || fail "--list-commands lists ${#commands[@]} commands, expected the whole table"
mapfile -t globals < <("$SOZBATCH" --list-options | cut -f1)
[ "${#globals[@]}" -ge 10 ] || fail "--list-options lists ${#globals[@]} global options"

# sozbatch.1: every global option (and --help, --version), every command
top="$MAN/sozbatch.1"
if [ ! -f "$top" ]; then
    fail "docs/man/sozbatch.1 is missing"
else
    top_options=$(section "$top" OPTIONS)
    for o in "${globals[@]}" --help --version; do
        has_option "$top_options" "$o" || fail "sozbatch.1: global option $o is not in the OPTIONS section"
    done
    top_commands=$(section "$top" COMMANDS)
    for c in "${commands[@]}"; do
        printf '%s\n' "$top_commands" | grep -qE -- "^\.[A-Z]+ \"?$c( |\"|\$)" ||
            fail "sozbatch.1: command '$c' is not in the COMMANDS section"
    done
fi

checked=0
for c in "${commands[@]}"; do
    page="$MAN/sozbatch-${c// /-}.1"
    if [ ! -f "$page" ]; then
        fail "command '$c' has no man page (docs/man/sozbatch-${c// /-}.1)"
        continue
    fi
    for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        grep -qE "^\.SH \"?$s\"?\$" "$page" || fail "$(basename "$page"): section $s missing"
    done
    section "$page" NAME | grep -qF -- "sozbatch-${c// /-} - " || fail "$(basename "$page"): NAME does not name sozbatch-${c// /-}"
    section "$page" SYNOPSIS | grep -qF -- "sozbatch $c" || fail "$(basename "$page"): SYNOPSIS does not show 'sozbatch $c'"
    page_options=$(section "$page" OPTIONS)
    printf '%s\n' "$page_options" | grep -qF 'sozbatch (1)' || fail "$(basename "$page"): OPTIONS does not refer to sozbatch(1) for the global options"
    for code in 0 2; do
        section "$page" "EXIT STATUS" | grep -qx "\.B $code" || fail "$(basename "$page"): exit status $code not described"
    done
    read -r -a words <<<"$c"
    mapfile -t own < <("$SOZBATCH" "${words[@]}" --list-options | cut -f1)
    for o in "${own[@]}"; do
        has_option "$page_options" "$o" || fail "command '$c': option $o is missing from the OPTIONS section of $(basename "$page")"
        checked=$((checked + 1))
    done
done
[ "$checked" -ge 50 ] || fail "only $checked command options were checked"

# no page for a command that does not exist
for page in "$MAN"/sozbatch-*.1; do
    name=$(basename "$page" .1)
    found=0
    for c in "${commands[@]}"; do
        [ "sozbatch-${c// /-}" = "$name" ] && found=1
    done
    [ "$found" -eq 1 ] || fail "$name.1 documents no command of the binary"
done

# groff reads every page without a warning
if command -v groff >/dev/null; then
    for page in "$MAN"/*.1; do
        w=$(groff -man -ww -z "$page" 2>&1)
        [ -z "$w" ] || fail "$(basename "$page"): groff warnings: $w"
    done
else
    fail "groff is not installed (scripts/install-deps installs groff-base)"
fi

# the hidden interface marks switches, values and the bare arguments
"$SOZBATCH" calc --list-options | grep -qxF -e $'--month\tvalue' || fail "calc --list-options lacks '--month<TAB>value'"
"$SOZBATCH" import --list-options | grep -qxF -e $'--file\tvalue\tpositional' || fail "import --list-options lacks the positional --file"
"$SOZBATCH" --list-options | grep -qxF -e $'--quiet\tswitch' || fail "--list-options lacks '--quiet<TAB>switch'"
echo "commands: ${#commands[@]}, command options checked: $checked, global options: ${#globals[@]}"
finish
