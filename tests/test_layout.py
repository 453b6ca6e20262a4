"""The shape of the code: which way imports point, one database engine, and a README whose
layout table is the tree (DESIGN.md, "Where things live")."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# DESIGN.md's order: each folder uses only the folders above it. The registry's contexts come
# in their own order within it.
LAYERS = [
    "core",
    "accounts",
    "methodologies",
    "certificates",
    "compute",
    "registry.calendar",
    "registry.projects",
    "registry.ledger",
    "registry.reporting",
    "web",
    "config",
]


def layer_of(module: str) -> int | None:
    for index, layer in reversed(list(enumerate(LAYERS))):
        if module == layer or module.startswith(layer + "."):
            return index
    return None


def source_files() -> list[Path]:
    roots = {layer.split(".")[0] for layer in LAYERS}
    return sorted(
        path
        for root in roots
        if (BASE_DIR / root).is_dir()
        for path in (BASE_DIR / root).rglob("*.py")
        if "migrations" not in path.parts
    )


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            # `from registry.ledger import selectors` names a module of that package
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(BASE_DIR).with_suffix("").parts)


def test_imports_point_only_to_the_layers_above():
    upward = []
    for path in source_files():
        own = layer_of(module_name(path))
        for imported in imported_modules(path):
            layer = layer_of(imported)
            if layer is not None and own is not None and layer > own:
                upward.append(f"{module_name(path)} imports {imported}")

    assert upward == []


def test_the_kernel_imports_nothing_of_the_project():
    project = {layer.split(".")[0] for layer in LAYERS} - {"core"}
    reaching_out = [
        f"{module_name(path)} imports {imported}"
        for path in source_files()
        if module_name(path).startswith("core.")
        for imported in imported_modules(path)
        if imported.split(".")[0] in project
    ]

    assert reaching_out == []


@pytest.mark.parametrize("pattern", [r"sqlite", r"\.vendor\b"])
def test_no_app_module_knows_another_database_engine(pattern):
    mentions = [
        str(path.relative_to(BASE_DIR))
        for path in source_files()
        if re.search(pattern, path.read_text(), re.IGNORECASE)
    ]

    assert mentions == []


def readme_layout() -> dict[str, str]:
    """The README's layout table: folder -> what it holds."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("## Layout", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `([^`]+)/` \| (.+) \|$", section, re.MULTILINE)
    return dict(rows)


def test_the_readme_layout_table_is_the_tree():
    listed = set(readme_layout())
    packages = {path.parent.name for path in BASE_DIR.glob("*/__init__.py")}
    top = packages | {"bench", "scripts", "locale"}
    contexts = {
        f"registry/{path.name}"
        for path in (BASE_DIR / "registry").iterdir()
        if (path / "__init__.py").exists()
    }

    assert listed == top | contexts


def test_every_registry_context_has_the_same_inner_names():
    for context in ("calendar", "projects", "ledger", "reporting"):
        package = BASE_DIR / "registry" / context
        names = {path.stem for path in package.iterdir()}
        assert {"selectors", "api"} <= names, context
        assert {"views", "serializers", "urls"} <= {p.stem for p in (package / "api").iterdir()}
        if context != "reporting":  # totals: reads only, over the ledger's models
            assert {"models", "services"} <= names, context
