#!/usr/bin/env bash
# Opens an HTML report in headless Chromium, fails on any console error or an empty page,
# and saves a screenshot: the check that a report renders in a real browser.
#   scripts/report_screenshot.sh REPORT.html [OUT.png]     (default OUT: REPORT.png)
# Installs Debian's chromium if it is missing (sudo when not root). Exit 0: rendered with
# no console error; 1: errors or nothing rendered; 2: bad input.
set -euo pipefail
html="${1:-}"
[[ -n $html && -f $html ]] || { echo "usage: $0 REPORT.html [OUT.png] (no such file: '$html')" >&2; exit 2; }
png="${2:-${html%.html}.png}"
html="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z $browser ]]; then
  echo "report_screenshot: installing chromium"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
  browser="$(command -v chromium)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile"
       --enable-logging=stderr --v=0 --window-size=1200,${ALYS_SCREENSHOT_HEIGHT:-2400})
# The DOM after load: proves the page parsed and its charts exist.
"$browser" "${flags[@]}" --dump-dom "file://$html" > "$work/dom.html" 2> "$work/dom.log" || true
"$browser" "${flags[@]}" --screenshot="$work/shot.png" "file://$html" > /dev/null 2> "$work/shot.log" || true

status=0
# Console messages and page load failures of the page itself (not Chromium's own chatter).
if grep -E 'CONSOLE|Uncaught|Failed to load|ERR_FILE_NOT_FOUND|net::ERR' "$work/dom.log" "$work/shot.log"; then
  echo "report_screenshot: the page logged errors (above)" >&2
  status=1
fi
svgs=$({ grep -o '<svg' "$work/dom.html" || true; } | wc -l)
if ! grep -q '</html>' "$work/dom.html" || ((svgs == 0)); then
  echo "report_screenshot: the page did not render (no document or no chart in the DOM)" >&2
  status=1
fi
if [[ ! -s $work/shot.png ]]; then
  echo "report_screenshot: no screenshot was written" >&2
  status=1
else
  cp "$work/shot.png" "$png"
  echo "report_screenshot: $png ($(stat -c %s "$png") bytes), $svgs charts in the DOM"
fi
exit $status
