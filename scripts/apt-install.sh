#!/usr/bin/env bash
# Installs the Debian packages named as arguments when any is missing (the browser tests' chromium and CJK fonts,
# the polling benchmark's wrk). Idempotent: when all are installed it only checks, in well under a second;
# `apt-get update` runs only when something is missing. Needs root (CI and dev machines run as root) or sudo.
set -euo pipefail

missing=()
for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "apt-install: need root (or sudo) to apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi
echo "apt-install: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg (another engineer's install) instead of failing on the lock.
APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
$SUDO apt-get "${APT_OPTS[@]}" update -qq
# No recommends: none of these needs them, and it keeps the install to a minute.
$SUDO apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
