#!/usr/bin/env bash
# Refresh the console's translations: pyside6-lupdate collects the strings of ui/ into the .ts
# (new ones arrive as "unfinished", vanished ones are dropped), pyside6-lrelease compiles the .ts
# into the .qm the console loads. Translate the new strings in the .ts (Qt Linguist or an editor),
# then run this again and commit both files. tests/test_ui_i18n.py checks that nothing is
# untranslated and that the .qm matches the .ts.
#
#   scripts/update_translations.sh            update and compile every language
#   scripts/update_translations.sh --check    compile nothing; exit 1 if the .ts misses strings
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bin=".venv/bin"
[ -x "$bin/pyside6-lupdate" ] || bin="$(dirname "$(command -v pyside6-lupdate)")"
languages=(zh_CN)
sources=(ui)

for lang in "${languages[@]}"; do
    ts="resources/translations/commandcenter_${lang}.ts"
    qm="resources/translations/commandcenter_${lang}.qm"
    if [ "${1:-}" = "--check" ]; then
        tmp="$(mktemp -d)"
        trap 'rm -rf "$tmp"' EXIT
        cp "$ts" "$tmp/check.ts"
        "$bin/pyside6-lupdate" -silent -no-obsolete -locations none -extensions py \
            "${sources[@]}" -ts "$tmp/check.ts"
        if grep -q 'type="unfinished"\|type="vanished"\|type="obsolete"' "$tmp/check.ts"; then
            echo "$ts: strings to translate (run $0 and translate them)" >&2
            exit 1
        fi
        continue
    fi
    "$bin/pyside6-lupdate" -no-obsolete -locations none -extensions py "${sources[@]}" -ts "$ts"
    "$bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
    unfinished="$(grep -c 'type="unfinished"' "$ts" || true)"
    echo "$ts: ${unfinished} unfinished"
done
