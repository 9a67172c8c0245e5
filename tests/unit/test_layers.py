"""The library never imports the command line layer (cli/ sits on top of everything)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "scout_spark"
# Dev tools that drive whole jobs in process, as their commands do (not library code).
DRIVERS = ("cli", "bench")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _library_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in DRIVERS
    ]


def test_no_library_module_imports_cli() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _library_files()
        for name in sorted(_imports(path))
        if name == "scout_spark.cli" or name.startswith("scout_spark.cli.")
    ]
    assert offenders == []


def test_the_guard_reads_the_library() -> None:
    files = {str(p.relative_to(PACKAGE)) for p in _library_files()}
    assert {"stages.py", "pipelines/bronze.py", "runtime/context.py"} <= files
    assert not any(f.startswith(("cli/", "bench/")) for f in files)
    assert "scout_spark.runtime.context" in _imports(PACKAGE / "pipelines" / "bronze.py")
