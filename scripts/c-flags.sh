# Sourced by scripts/test-c.sh and scripts/dist-check-c.sh (not run): the compiler
# flags of a C/C++ program built against the libauthjs that pkg-config finds
# (PKG_CONFIG_PATH set by the caller). Sets the arrays
#   WARN         the warnings every test program compiles with (-Werror)
#   PC_CFLAGS    pkg-config --cflags authjs
#   SHARED_LIBS  pkg-config --libs authjs                   (links libauthjs.so)
#   STATIC_LIBS  pkg-config --libs --static authjs, with -lauthjs as -l:libauthjs.a
# `-lauthjs` would pick the .so when both libraries sit in one directory; `-l:libauthjs.a`
# names the archive. The rest of the static line is Libs.private (the system libraries).
# shellcheck shell=bash disable=SC2034
WARN=(-Wall -Wextra -Werror -pedantic)
read -r -a PC_CFLAGS <<<"$(pkg-config --cflags authjs)"
read -r -a SHARED_LIBS <<<"$(pkg-config --libs authjs)"
STATIC_LINE="$(pkg-config --libs --static authjs)"
read -r -a STATIC_LIBS <<<"${STATIC_LINE/-lauthjs/-l:libauthjs.a}"
