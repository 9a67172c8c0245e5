"""The local Connect server's command line."""

import os
from pathlib import Path

from scout_lab.services.connect import server_command
from scout_spark.jars import resolved_jars


def test_the_server_has_the_jars_on_its_class_path_not_copied_by_jars() -> None:
    """--jars in local mode copies every jar (670 MB) per start, left behind when killed."""
    command = server_command(15002, "http://127.0.0.1:9090")
    assert "--jars" not in command
    class_path = command[command.index("--driver-class-path") + 1].split(os.pathsep)
    assert class_path == [str(p) for p in resolved_jars()]
    assert all(Path(jar).is_file() for jar in class_path)
