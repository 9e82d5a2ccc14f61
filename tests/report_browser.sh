#!/usr/bin/env bash
# Renders a claimscan HTML report in headless Chromium and asserts on the DOM.
#
# Usage: tests/report_browser.sh OUT_DIR [DOC_PAGE]
#   OUT_DIR   output directory of `claimscan annotate`, after `claimscan report OUT_DIR`
#   DOC_PAGE  document page to test: a path, or a file name in OUT_DIR/report
#             (default doc-000001.html)
# Environment: SCREENSHOT (default target/report-screenshot.png), CHROMIUM, CHROMEDRIVER.
# What is asserted: see tests/report_browser.py.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    sed -n '2,9p' "$0" >&2
    exit 2
fi

# Debian's packages; the index is refreshed only when the install fails, because a stale
# index is the usual reason and an update costs time on every CI run otherwise.
if ! command -v chromedriver >/dev/null 2>&1 || ! { command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ]; }; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y chromium chromium-driver \
        || { $SUDO apt-get update && $SUDO apt-get install -y chromium chromium-driver; }
fi

exec python3 "$(dirname "$0")/report_browser.py" "$@"
