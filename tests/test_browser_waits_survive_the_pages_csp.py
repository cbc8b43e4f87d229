"""Every page forbids eval (script-src without 'unsafe-eval'), and Playwright's wait_for_function
re-evaluates a bare expression with eval on every poll after the first: such a wait passes when the
page is already ready and fails with an EvalError when it is not (seen in CI: the exam-at-the-bell
test). A function expression is evaluated once and then called, so the browser tests pass functions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

E2E = Path(__file__).parent / "e2e"
FUNCTION = re.compile(r"^\s*(async\s+)?(\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>|^\s*(async\s+)?function\b")


def _leading_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return None


def bare_expression_waits(source: str) -> list[int]:
    """Lines of wait_for_function calls whose first argument is a string that is not a function."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "wait_for_function" and node.args:
            text = _leading_text(node.args[0])
            if text is not None and not FUNCTION.match(text):
                lines.append(node.lineno)
    return lines


def test_the_check_tells_a_bare_expression_from_a_function() -> None:
    assert bare_expression_waits("page.wait_for_function('window.x > 0')") == [1]
    assert bare_expression_waits("page.wait_for_function(f\"document.title === '{t}'\")") == [1]
    assert bare_expression_waits("page.wait_for_function('() => window.x > 0')") == []
    assert bare_expression_waits("page.wait_for_function('el => el.scrollLeft > 0', arg=h)") == []
    assert bare_expression_waits("page.wait_for_function('function () { return 1 }')") == []


def test_browser_tests_wait_with_functions() -> None:
    found = {
        path.name: lines
        for path in sorted(E2E.rglob("*.py"))
        if (lines := bare_expression_waits(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"pass wait_for_function a function ('() => …'): {found}"
