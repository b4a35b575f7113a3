#!/usr/bin/env bash
# Builds the operator image's runtime layer without a Docker engine: a jlink'd JRE holding only
# the modules our jars need (jdeps), plus the host shared libraries that JRE links against (ldd).
# Jib adds it to a `scratch` base as an extra directory; the result is small and distroless.
#   build-rootfs.sh <out-dir> <app-jar> <lib-dir>
set -euo pipefail
out="$1"; jar="$2"; libs="$3"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
JLINK="$JAVA_HOME/bin/jlink"; JDEPS="$JAVA_HOME/bin/jdeps"
[ -x "$JLINK" ] || JLINK="$(command -v jlink)"; [ -x "$JDEPS" ] || JDEPS="$(command -v jdeps)"

rm -rf "$out"; mkdir -p "$out/opt" "$out/tmp"
# Modules reachable from our jar (jdeps -R over the class path; the jars themselves cannot be
# passed as modules because progressbar's module-info names a jline module the jar does not declare).
modules=$("$JDEPS" --ignore-missing-deps --multi-release 17 --print-module-deps -R --class-path "$libs/*" "$jar" | tail -1)
# What jdeps cannot see: providers and services loaded by name (TLS ECDHE, JUL logging used by
# OkHttp and Jetty, sun.misc.Unsafe used by Okio/Kotlin, JMX used by Jetty, XML used by PixelMed).
modules="$modules,jdk.crypto.ec,jdk.unsupported,java.logging,java.management,java.naming,java.xml,java.net.http,jdk.zipfs"
"$JLINK" --add-options="-Djava.awt.headless=true" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"

# Headless only: drop the X11/sound/splash parts of java.desktop so their X libraries stay out.
rm -f "$out"/opt/java/lib/{libawt_xawt.so,libsplashscreen.so,libjsound.so}

# Shared libraries the JRE's binaries need, at the paths the dynamic loader expects.
{ echo "$out/opt/java/bin/java"; find "$out/opt/java" -name '*.so'; } | while read -r f; do
  ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}'
done | sort -u | while read -r lib; do
  [ -f "$lib" ] || continue
  real="$(readlink -f "$lib")"
  mkdir -p "$out$(dirname "$lib")"
  cp "$real" "$out$lib"
done
echo "rootfs: modules=$modules size=$(du -sh "$out" | cut -f1)"
