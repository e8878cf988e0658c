#!/usr/bin/env bash
# Run `TONGHOP dump FILE` on every hostile input listed in cases.tsv.
#
# Usage: tests/hostile/run.sh TONGHOP
#   HOSTILE_KEEP=DIR  generate into DIR and keep it (default: temp dir, removed)
#   PYTHON=...        interpreter for make-hostile.py (default: python3)
#
# Each case must exit with status 4 and print exactly one stderr line of the
# form `tonghop: FILE: message`, where FILE is the path as passed and the
# message contains the case's phrase, not as the start of a longer word (so
# ".xls" is not satisfied by ".xlsx"). Prints PASS/FAIL per case, then
# `N passed, N failed`; exits 0 only if nothing failed.

set -u
# A sanitizer report must end in a signal, never look like a clean rejection (exit 1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
export LC_ALL=C.UTF-8

if [ $# -ne 1 ]; then
    echo "usage: $0 TONGHOP" >&2
    exit 2
fi
tonghop=$1
if [ ! -x "$tonghop" ] || [ -d "$tonghop" ]; then
    echo "run.sh: not an executable: $tonghop" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
dir=${HOSTILE_KEEP:-$work/cases}
mkdir -p "$dir" || exit 2

if ! "$python" "$here/make-hostile.py" "$dir"; then
    echo "run.sh: make-hostile.py failed" >&2
    exit 2
fi

# Show stderr on one line: newlines as \n, at most 300 characters.
show() {
    local s=${1//$'\n'/\\n}
    [ ${#s} -gt 300 ] && s="${s:0:300}..."
    printf '%s' "$s"
}

pass=0 fail=0
errf=$work/stderr
while IFS=$'\t' read -r name phrase || [ -n "$name" ]; do
    case $name in ''|'#'*) continue ;; esac
    path=$dir/$name

    if [ ! -e "$path" ]; then
        echo "FAIL $name: generator did not create $path"
        fail=$((fail + 1))
        continue
    fi

    start=$SECONDS
    timeout -k 5 20 "$tonghop" dump "$path" </dev/null >/dev/null 2>"$errf"
    rc=$?
    elapsed=$((SECONDS - start))
    # Read stderr verbatim (keeps trailing newlines).
    err=
    IFS= read -r -d '' err <"$errf"
    line=${err%$'\n'}
    # Look for the phrase outside the path (which itself contains ".xlsx"),
    # and not as the start of a longer word (".xls" must not match ".xlsx").
    hay="tonghop: ${line#"tonghop: $path: "}"

    reason=
    if [ $rc -eq 124 ] || { [ $rc -eq 137 ] && [ $elapsed -ge 20 ]; }; then
        reason="hang (killed after 20 s)"
    elif [ $rc -gt 128 ]; then
        reason="crash (signal $((rc - 128)))"
    elif [ $rc -ne 4 ]; then
        reason="exit status $rc, want 4"
    elif [ -z "$err" ]; then
        reason="stderr is empty"
    elif [ "$line" = "$err" ]; then
        reason="stderr line not newline-terminated"
    elif [[ $line == *$'\n'* ]]; then
        reason="stderr has more than one line"
    elif [[ $line != "tonghop: "* ]]; then
        reason="stderr line does not start with 'tonghop: '"
    elif [[ $line != *"$path"* ]]; then
        reason="stderr line does not contain the path '$path'"
    elif [[ $line != "tonghop: $path: "* ]]; then
        reason="stderr line is not of the form 'tonghop: FILE: message'"
    elif ! [[ $hay =~ "$phrase"([^[:alnum:]]|$) ]]; then
        reason="stderr line lacks phrase '$phrase'"
    fi

    if [ -z "$reason" ]; then
        echo "PASS $name"
        pass=$((pass + 1))
    else
        echo "FAIL $name: $reason (exit $rc, stderr: $(show "$err"))"
        fail=$((fail + 1))
    fi
done <"$here/cases.tsv"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
