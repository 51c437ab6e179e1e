"""The house rules of the package (STYLE.md): pages import down, never the shell or each other; no
module grows past what a newcomer can hold in their head."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import culturemap

PACKAGE = Path(culturemap.__file__).resolve().parent
UI = PACKAGE / "ui"
PAGE_MODULES = {"explorer", "analysis_page", "routes_page", "lens_page", "compare_page", "data_page"}
MAX_LINES = 700
DATA_MODULES = {"i18n.py"}  # the zh/en strings: data, one file


# the floors below the analysis (STYLE.md: data flows one way) and the floors they must not reach up to
LOWER_FLOORS = ("catalog", "io", "store", "layers.py", "crs.py", "names.py", "i18n.py")
UPPER_FLOORS = ("analysis", "routing", "render", "export", "ui", "cli")


def _culturemap_imports(path: Path) -> set[str]:
    """The culturemap modules ``path`` imports, at any depth of the file (``culturemap.x.y`` as ``x``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        names.update(m.split(".")[1] for m in modules if m.startswith("culturemap.") and m.count(".") >= 1)
    return names


def _lower_floor_files() -> list[Path]:
    return sorted(
        p
        for floor in LOWER_FLOORS
        for p in ([PACKAGE / floor] if floor.endswith(".py") else (PACKAGE / floor).rglob("*.py"))
    )


@pytest.mark.parametrize("path", _lower_floor_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_storage_and_data_import_nothing_from_the_floors_above(path):
    reached = _culturemap_imports(path) & set(UPPER_FLOORS)
    assert not reached, f"{path.relative_to(PACKAGE)} imports {sorted(reached)}: move what it needs below both"


def _ui_imports(path: Path) -> set[str]:
    """The culturemap.ui modules ``path`` imports (at any depth of the file), by their last name."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "culturemap.ui":
                names.update(alias.name for alias in node.names)
            elif node.module.startswith("culturemap.ui."):
                names.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[2] for a in node.names if a.name.startswith("culturemap.ui."))
    return names


@pytest.mark.parametrize(
    "path", sorted(p for p in UI.glob("*.py") if p.stem not in {"app", "__init__"}), ids=lambda p: p.stem
)
def test_ui_modules_import_neither_the_shell_nor_a_page(path):
    imported = _ui_imports(path)
    assert "app" not in imported, f"{path.name} imports the shell (ui/app.py): take what pages share from ui/context.py"
    others = (imported & PAGE_MODULES) - {path.stem}
    assert not others, (
        f"{path.name} imports the page(s) {sorted(others)}: move what they share into a module of its own"
    )


def test_the_rule_catches_a_page_that_imports_the_shell(tmp_path):
    page = tmp_path / "some_page.py"
    page.write_text("from culturemap.ui.app import page_context\nfrom culturemap.ui import lens_page\n")
    assert _ui_imports(page) == {"app", "lens_page"}


def test_no_module_is_over_the_size_a_newcomer_can_hold():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if p.name not in DATA_MODULES and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines (split them along what they do): {long}"


def test_the_floor_rule_catches_storage_reaching_up(tmp_path):
    module = tmp_path / "importer.py"
    module.write_text("from culturemap.analysis.select import normalise\nimport culturemap.layers\n")
    assert _culturemap_imports(module) & set(UPPER_FLOORS) == {"analysis"}


def _undocumented(path: Path) -> list[str]:
    """The public module-level functions and classes of ``path``, and the public methods of its public
    classes, that have no docstring."""
    found = []

    def visit(nodes, prefix=""):
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith(
                "_"
            ):
                if ast.get_docstring(node) is None:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {prefix}{node.name}")
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{node.name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return found


def test_every_public_definition_says_what_it_is():
    missing = [line for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts for line in _undocumented(p)]
    assert not missing, "public definitions without a docstring (one line, units where quantities):\n" + "\n".join(
        missing
    )
