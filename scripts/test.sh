#!/usr/bin/env bash
# Runs every test: the whole build on the default JDK, then again on every other JDK (17+)
# found under /usr/lib/jvm, so the agent is proven on each Java it is tested with.
set -euo pipefail
cd "$(dirname "$0")/.."

MVN_FLAGS=(-B -ntp)

if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "Maven and a JDK (17 or later) are needed: apt-get install -y maven openjdk-17-jdk-headless" >&2
  exit 1
fi

# it/stack runs a real Prometheus, promtool and docker-compose, from Debian's packages. As root
# (CI), install whichever is missing; otherwise say how, and let those tests fail.
missing=()
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || missing+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]} for the demo stack tests"
    # Only the binaries are used: keep the prometheus package from starting its own service.
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    if [ -n "$own_policy" ]; then rm -f "$policy"; fi
  else
    echo "the demo stack tests (it/stack) need ${missing[*]}: apt-get install -y ${missing[*]}" >&2
  fi
fi

default_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
echo "== tests on the default JDK ($default_home)"
mvn "${MVN_FLAGS[@]}" install

for home in /usr/lib/jvm/*/; do
  home=${home%/}
  [ -x "$home/bin/javac" ] || continue
  [ "$(readlink -f "$home")" = "$(readlink -f "$default_home")" ] && continue
  version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  case "$version" in 1.*|9|1[0-6]) continue ;; esac
  # Debian links one JDK under several names; test each real JDK once.
  seen_key=$(readlink -f "$home")
  case " ${seen:-} " in *" $seen_key "*) continue ;; esac
  seen="${seen:-} $seen_key"
  echo "== tests on JDK $version ($home)"
  JAVA_HOME="$home" mvn "${MVN_FLAGS[@]}" verify
done
