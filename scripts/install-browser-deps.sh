#!/usr/bin/env bash
# Installs what the browser tests (pytest -m browser) need from Debian:
#   chromium        - the browser Playwright drives (executable_path=/usr/bin/chromium; we never run
#                     `playwright install`, which downloads a browser build and fails offline)
#   fonts-noto-cjk  - CJK glyphs, without which every Chinese label renders as empty boxes
set -euo pipefail

CHROMIUM=/usr/bin/chromium
bash "$(dirname "$0")/apt-install.sh" chromium fonts-noto-cjk

if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser-deps: $CHROMIUM is missing after installing chromium" >&2
    exit 1
fi
if ! fc-list :lang=zh family 2>/dev/null | grep -qi "noto"; then
    echo "install-browser-deps: no CJK font found by fontconfig (fonts-noto-cjk)" >&2
    exit 1
fi
echo "install-browser-deps: ok ($("$CHROMIUM" --version 2>/dev/null | head -n1), CJK fonts present)"
