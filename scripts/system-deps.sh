#!/usr/bin/env bash
# The system packages `make test` needs: Chromium (browser tests), a PostgreSQL server (the second pass),
# GNU gettext (the catalogue check) and poppler-utils (reading PDFs in tests). As root with apt, install what is
# missing; otherwise stop at once and name the one command that installs it.
# SYSDEPS_CHROMIUM, SYSDEPS_PGGLOB and SYSDEPS_INSTALL (auto|never) exist for the tests of this script.
set -euo pipefail

chromium=${SYSDEPS_CHROMIUM:-/usr/bin/chromium}
pgglob=${SYSDEPS_PGGLOB:-/usr/lib/postgresql/*/bin/initdb}
install=${SYSDEPS_INSTALL:-auto}

need=()
[ -x "$chromium" ] || need+=(chromium)
compgen -G "$pgglob" >/dev/null || need+=(postgresql)
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0

command_line="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if [ "$install" = auto ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "system-deps: make test needs ${need[*]}; install with:" >&2
echo "  sudo sh -c '$command_line'" >&2
exit 1
