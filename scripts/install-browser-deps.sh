#!/usr/bin/env bash
# Installs what the browser tests (tests/browser, pytest -m browser) need from Debian:
#   chromium        - the browser Playwright drives (executable_path=/usr/bin/chromium; we never run
#                     `playwright install`, which downloads a browser build and fails offline)
#   fonts-noto-cjk  - CJK glyphs, without which every Chinese label renders as empty boxes
# Idempotent: when both are installed it only checks and exits in well under a second; `apt-get update`
# runs only when something is missing. Needs root (CI and dev machines run as root) or sudo.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk)
CHROMIUM=/usr/bin/chromium

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "install-browser-deps: need root (or sudo) to apt-get install ${missing[*]}" >&2
            exit 1
        fi
    fi
    echo "install-browser-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a concurrent apt/dpkg (another engineer's install) instead of failing on the lock.
    APT_OPTS=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
    $SUDO apt-get "${APT_OPTS[@]}" update -qq
    # No recommends: headless Chromium needs none of them, and it keeps the install to a minute.
    $SUDO apt-get "${APT_OPTS[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser-deps: $CHROMIUM is missing after installing chromium" >&2
    exit 1
fi
if ! fc-list :lang=zh family 2>/dev/null | grep -qi "noto"; then
    echo "install-browser-deps: no CJK font found by fontconfig (fonts-noto-cjk)" >&2
    exit 1
fi
echo "install-browser-deps: ok ($("$CHROMIUM" --version 2>/dev/null | head -n1), CJK fonts present)"
