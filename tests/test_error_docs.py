"""Every message sitegen can print to a person is explained in docs/errors.md.

The messages are found in the source, not listed by hand: an AST walk over sitegen/**/*.py collects
the text passed to the error classes and to the calls that print (see `MESSAGE_CALLS`), so a new
message without documentation fails this test.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "sitegen"
ERRORS_DOC = REPO / "docs" / "errors.md"

# Calls whose first text argument is a message for people: errors raised to the command line,
# lines printed by it, problems `sitegen check` reports, notes and warnings of import and serve.
MESSAGE_CALLS = {
    "RefusedInput",
    "ContentError",
    "ConfigError",
    "ThemeError",
    "SitegenError",
    "ScaffoldError",
    "Problem",
    "_fail",
    "fail",
    "_slug_error",
    "problem",
    "warn",
    "echo",
}
# Calls whose message is the second argument: `fail(key, problem)`, `problem(path, message)`.
SECOND_ARGUMENT = {"fail", "_slug_error", "problem", "Problem"}
# `<list>.append(text)` on these lists: lines the commands print.
MESSAGE_LISTS = {"messages", "notes", "problems", "warnings"}
# Functions whose returned text is printed (end-of-run summaries, news sitemap rules).
RETURNING_FUNCTIONS = re.compile(r"^(summary|_?\w+_problems)$")
MIN_FRAGMENT = 8


@dataclass(frozen=True)
class Message:
    where: str  # file:line
    shown: str  # the message with each placeholder as …
    fragment: str  # the fixed text docs/errors.md must contain


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _message(node: ast.expr, where: str) -> Message | None:
    """The fixed text of a string or f-string; None for a pure placeholder (`echo(line)`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = _squash(node.value)
        return Message(where, text, text) if text else None
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else "…" for v in node.values]
        literals = [_squash(v.value) for v in node.values if isinstance(v, ast.Constant)]
        longest = max(literals, key=len, default="")
        if len(longest) >= MIN_FRAGMENT:
            return Message(where, _squash("".join(parts)), longest)
    return None


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_message_call(call: ast.Call) -> bool:
    name = _callee(call)
    if name == "echo" and isinstance(call.func, ast.Attribute):  # click.echo: only to stderr
        return any(k.arg == "err" for k in call.keywords)
    if name == "append" and isinstance(call.func, ast.Attribute):
        owner = call.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        return owner_name in MESSAGE_LISTS
    return name in MESSAGE_CALLS


def _texts_in(node: ast.expr) -> list[ast.expr]:
    """The strings a returned value is made of: itself, or the items of a list literal."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return list(node.elts)
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    return [node]


def extract_messages(source: str, filename: str) -> list[Message]:
    """Every user-facing message literal in one module's source."""
    tree = ast.parse(source, filename)
    found: list[Message] = []
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Module))]
    for scope in scopes:
        # Text first put in a variable (`problem = f"…"; raise ContentError(problem, …)`).
        assigned: dict[str, ast.expr] = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and isinstance(
                node.value, (ast.Constant, ast.JoinedStr)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned[target.id] = node.value
        for node in ast.walk(scope):
            where = f"{filename}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and _is_message_call(node):
                args = node.args[1:2] if _callee(node) in SECOND_ARGUMENT else node.args
                for arg in args:
                    value = assigned.get(arg.id) if isinstance(arg, ast.Name) else arg
                    if isinstance(value, ast.IfExp):
                        candidates = [value.body, value.orelse]
                    else:
                        candidates = [value] if value is not None else []
                    messages = [m for c in candidates if (m := _message(c, where))]
                    if messages:
                        found.extend(messages)
                        break
            elif (
                isinstance(scope, ast.FunctionDef)
                and RETURNING_FUNCTIONS.match(scope.name)
                and isinstance(node, ast.Return)
                and node.value is not None
            ):
                value = node.value
                if isinstance(value, ast.Name):
                    value = assigned.get(value.id, value)
                found.extend(m for t in _texts_in(value) if (m := _message(t, where)))
    return list({(m.where, m.fragment): m for m in found}.values())


def all_messages() -> list[Message]:
    messages = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        messages.extend(extract_messages(path.read_text(encoding="utf-8"), relative))
    return messages


MESSAGES = all_messages()


def documented(fragment: str) -> bool:
    return _squash(fragment) in _squash(ERRORS_DOC.read_text(encoding="utf-8"))


@pytest.mark.parametrize("message", MESSAGES, ids=[f"{m.where} {m.shown}" for m in MESSAGES])
def test_every_message_is_in_the_errors_doc(message: Message) -> None:
    assert documented(message.fragment), (
        f"{message.where}: {message.shown!r} is not explained in docs/errors.md "
        f"(it must contain {message.fragment!r})"
    )


def test_the_extraction_finds_the_known_messages() -> None:
    fragments = {m.fragment for m in MESSAGES}
    for expected in [
        "empty file (0 bytes)",  # RefusedInput, plain string
        "' is not a date (use YYYY-MM-DD)",  # _FieldReader.fail, f-string
        "no line breaks — the first line is",  # multi-line f-string refusal
        "front matter 'photos': image '",  # text put in a variable first
        "' is not a URL slug (use lowercase letters, digits and hyphens, e.g. '",  # _slug_error
        "no lang attribute on <html>",  # check problem
        ": no <news:publication><news:",  # news sitemap rule (appended to `problems`)
        ", reachable from other machines; use --bind 127.0.0.1 to keep the preview private",
        ": no built site here; run `sitegen build` first",  # _fail in the CLI
        ">, not a sitemaps.org <urlset> or <sitemapindex>",  # returned by *_problems
    ]:
        assert expected in fragments, expected
    assert len(MESSAGES) >= 90


def test_an_undocumented_message_fails() -> None:
    """The check can fail: a made-up message, in each form the extraction reads, is caught."""
    fake = """
def load(path, key, size):
    if size == 0:
        raise ContentError("a made-up refusal nobody documented", path)
    if size > 9:
        raise self.fail(key, f"'{key}' is a made-up problem of size {size}")
    note = f"a made-up note about {path} for the self-check"
    report.notes.append(note)
    click.echo(f"{path}: a made-up warning line", err=True)
    click.echo(f"{path}: printed to stdout, not a message")
    _fail(line)
"""
    messages = extract_messages(fake, "fake.py")
    assert {m.fragment for m in messages} == {
        "a made-up refusal nobody documented",
        "' is a made-up problem of size",
        "a made-up note about",
        ": a made-up warning line",
    }
    assert not any(documented(m.fragment) for m in messages)


def test_the_guide_and_readme_link_the_errors_doc() -> None:
    assert "(errors.md)" in (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    assert "(docs/errors.md)" in (REPO / "README.md").read_text(encoding="utf-8")
