"""The Spark jars the project needs, pinned here and only here, resolved once per machine.

Resolution uses Maven (`dependency:copy-dependencies`) into a cache the project owns
($SCOUT_CACHE_DIR, default ~/.cache/scout-lakehouse); jars that pyspark already ships
are dropped so the class path holds one copy of each library.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scout_spark.errors import SetupError

JAR_COORDINATES: tuple[str, ...] = (
    # Delta for Spark 4.2; 4.4.1 is on PyPI but not on Maven Central, so both are 4.4.0.
    "io.delta:delta-spark_4.2_2.13:4.4.0",
    # Must equal the Hadoop inside pyspark 4.2.0 (hadoop-client-api-3.5.0.jar).
    "org.apache.hadoop:hadoop-aws:3.5.0",
    "org.postgresql:postgresql:42.7.8",
    "org.apache.spark:spark-avro_2.13:4.2.0",
)
_VERSION_SUFFIX = re.compile(r"-\d[^-]*(-[A-Za-z0-9.]+)?\.jar$")
_READY = ".resolved"


def cache_root() -> Path:
    """The project's own cache folder (jars, Maven repository)."""
    return Path(os.environ.get("SCOUT_CACHE_DIR", Path.home() / ".cache" / "scout-lakehouse"))


def jar_dir() -> Path:
    """Folder of the resolved jars; its name changes whenever the pins change."""
    digest = hashlib.sha256("\n".join(JAR_COORDINATES).encode()).hexdigest()[:12]
    return cache_root() / "jars" / digest


def artifact_name(jar: str) -> str:
    """'hadoop-client-api-3.4.2.jar' -> 'hadoop-client-api'."""
    return _VERSION_SUFFIX.sub("", jar)


def pyspark_jar_dir() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "jars"


def _pom() -> str:
    deps = []
    for coordinate in JAR_COORDINATES:
        group, artifact, version = coordinate.split(":")
        deps.append(
            f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
            f"<version>{version}</version></dependency>"
        )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>scout</groupId><artifactId>scout-jars</artifactId><version>1</version>"
        f"<dependencies>{''.join(deps)}</dependencies></project>"
    )


def resolved_jars() -> list[Path]:
    """The cached jars; SetupError when they were never resolved on this machine."""
    target = jar_dir()
    if not (target / _READY).exists():
        raise SetupError(
            f"Spark jars not resolved in {target}: run scripts/setup.sh (or scout-jars)"
        )
    return sorted(target.glob("*.jar"))


def resolve_jars(quiet: bool = False) -> list[Path]:
    """Resolve the pinned jars into the cache unless already there; return their paths."""
    target = jar_dir()
    if (target / _READY).exists():
        return resolved_jars()
    mvn = shutil.which("mvn")
    if mvn is None:
        raise SetupError("Maven (mvn) not found: run scripts/setup.sh to install it")
    if not quiet:
        print(f"Resolving Spark jars once into {target} ...", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        pom = Path(work) / "pom.xml"
        pom.write_text(_pom(), encoding="utf-8")
        out = Path(work) / "out"
        cmd = [
            mvn, "-B", "-q", "-f", str(pom),
            f"-Dmaven.repo.local={cache_root() / 'm2'}",
            "dependency:copy-dependencies", f"-DoutputDirectory={out}", "-DincludeScope=runtime",
        ]  # fmt: skip
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            tail = " | ".join(result.stdout.strip().splitlines()[-3:])
            raise SetupError(f"Maven could not resolve the Spark jars: {tail}")
        shipped = {artifact_name(p.name) for p in pyspark_jar_dir().glob("*.jar")}
        for jar in out.glob("*.jar"):
            if artifact_name(jar.name) in shipped:
                jar.unlink()
        (out / _READY).write_text("\n".join(JAR_COORDINATES) + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        out.rename(target)
    return resolved_jars()
