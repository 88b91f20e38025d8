# docs/config.md documents every key the parser accepts: tests/check_config_doc.py reads the key
# lists (*_keys[]) of src/config.c and src/config_*.c and wants a complete key-table row (meaning,
# unit, default, allowed, example) for each. Then the checker itself: a removed row, a new key
# list in a new src/config_*.c and an empty cell must each make it fail.
. "$(dirname "$0")/common.sh"
CHECK=$SRC/tests/check_config_doc.py
DOC=$SRC/docs/config.md

"$PY" "$CHECK" "$DOC" "$SRC/src" >"$WORK/real.txt" 2>&1 || { cat "$WORK/real.txt"; fail "docs/config.md misses keys"; }
cat "$WORK/real.txt"
grep -Eq '^[0-9]+ accepted key names' "$WORK/real.txt" || fail "checker found no keys"
# A handful of keys from different lists must be among them (the extraction works).
n=$(sed -nE 's/^([0-9]+) accepted key names.*/\1/p' "$WORK/real.txt")
[ "$n" -ge 55 ] || fail "only $n key names extracted from src/config*.c"

# expect_fail NAME PATTERN DOC SRCDIR
expect_fail() {
    "$PY" "$CHECK" "$3" "$4" >"$WORK/$1.txt" 2>&1 && { cat "$WORK/$1.txt"; fail "$1: the checker passed"; }
    grep -Eq -- "$2" "$WORK/$1.txt" || { cat "$WORK/$1.txt"; fail "$1: no /$2/"; }
    echo "$1: $(grep -E -- "$2" "$WORK/$1.txt" | head -1 | cut -c1-120)"
}
# 1. the row of run.seed removed
grep -v '^| `seed` ' "$DOC" >"$WORK/no_seed.md"
expect_fail no_seed 'undocumented key `seed` \(accepted by config\.c:run_keys\)' "$WORK/no_seed.md" "$SRC/src"
# 2. a new key list in a new source file (as other modules add: config_recorders.c, ...)
mkdir -p "$WORK/src"
cp "$SRC"/src/config*.c "$WORK/src/"
cat >"$WORK/src/config_newthing.c" <<'C'
static const char *const recorder_keys[] = {"type", "zz_first",
                                            "zz_interval", NULL};
C
expect_fail new_file 'undocumented key `zz_interval` \(accepted by config_newthing\.c:recorder_keys\)' "$DOC" "$WORK/src"
grep -q 'undocumented key `zz_first`' "$WORK/new_file.txt" || fail "new_file: a key on the first line of the list was missed"
# 3. a row with an empty example cell
sed -E 's/^(\| `duration`.*\| )`duration = "200 ms";` \|$/\1 |/' "$DOC" >"$WORK/empty_cell.md"
! cmp -s "$DOC" "$WORK/empty_cell.md" || fail "could not blank the duration example"
expect_fail empty_cell 'incomplete key row, line [0-9]+: `duration`' "$WORK/empty_cell.md" "$SRC/src"
echo "config docs: every accepted key documented; the checker catches missing and incomplete rows"
