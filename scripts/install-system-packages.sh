#!/usr/bin/env bash
# Installs the Debian packages the document and portal tests need, if any is missing:
#   poppler-utils   pdftotext -bbox, pdffonts, pdfinfo -meta, pdfdetach (PDF layout and Factur-X checks)
#   qpdf            qpdf --check (PDF structure)
#   libxml2-utils   xmllint --schema (XSD of the e-invoices)
#   chromium        /usr/bin/chromium, driven by playwright-core in the portal's browser tests
# Non-interactive, idempotent; works as root or through sudo. `apt-get update` runs only when
# something has to be installed. Extra packages can be named as arguments.
set -euo pipefail

packages=(poppler-utils qpdf libxml2-utils chromium "$@")

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "system packages: ${packages[*]} (already installed)"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "install-system-packages: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# dpkg prints every unpacked package even with -qq (chromium brings ~100 lines): keep the log
# for a failure only.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
echo "system packages: installed ${missing[*]}"
