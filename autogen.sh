#!/bin/sh
# Bootstraps the autotools build from a clean checkout.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf --force --install --warnings=all,no-portability
# automake does not install its TAP driver by itself
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/
