#!/usr/bin/env bash
# Idempotent set-up of everything the project needs on this machine:
# system packages (Java 17+, Maven, PostgreSQL), the .venv with the pinned Python
# packages, and the pinned Spark jars resolved once into ~/.cache/scout-lakehouse.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

say() { printf 'setup: %s\n' "$*" >&2; }

missing=()
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1 || true)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then missing+=(openjdk-17-jdk-headless); fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
# Headless Chromium renders the run report in tests (scout_spark.report.screenshot).
{ command -v chromium || command -v chromium-browser; } >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { say "Python >= 3.11 is required (found $("$PYTHON" --version 2>&1))"; exit 1; }
[ -x .venv/bin/python ] || { say "creating .venv"; "$PYTHON" -m venv .venv; }
stamp=".venv/.deps-$(cat pyproject.toml lab/pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  say "installing Python packages into .venv (first time: several minutes)"
  .venv/bin/pip install -q --upgrade pip
  # local: pyspark and delta-spark; lab/: the generator, benchmarks, local services
  .venv/bin/pip install -q -e '.[local,test]' -e ./lab
  rm -f .venv/.deps-* && touch "$stamp"
fi

.venv/bin/scout-jars >/dev/null
archive=$(scripts/spark-submit --class-archive)
if [ -n "$archive" ] && [ ! -f "$archive" ]; then
  say "writing the JVM class archive every scripts/spark-submit run maps (once: about a minute)"
  scripts/spark-submit lab/src/scout_lab/class_archive_job.py --env local >/dev/null 2>&1 \
    || say "could not write the class archive (runs start without it)"
fi
say "ready: .venv, Spark jars in $(.venv/bin/scout-jars --dir)"
