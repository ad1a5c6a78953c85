"""The `sitegen` command line: thin commands over the library.

Each command turns library errors into one line on stderr naming the file and the problem, and a
non-zero exit code; a traceback is a bug.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from sitegen import __version__
from sitegen.config import Project, Settings, load_settings
from sitegen.errors import SitegenError


def _project(root: str) -> Project:
    return Project(Path(root).resolve())


def _colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def _settings_or_exit(project: Project) -> Settings:
    """The site's settings; a broken settings file is one line and exit 1."""
    try:
        return load_settings(project.settings_file)
    except SitegenError as error:
        _fail(error)
        sys.exit(1)


def _fail(error: SitegenError | str) -> None:
    prefix = click.style("sitegen:", fg="red", bold=True) if _colour() else "sitegen:"
    click.echo(f"{prefix} {error}", err=True, color=_colour())


def _progress(quiet: bool, label: str) -> Callable[[list[Path]], Iterable[Path]] | None:
    """A tqdm progress bar on a terminal; nothing when quiet, piped, or in CI."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from tqdm import tqdm

    def bar(items: list[Path]) -> Iterable[Path]:
        return tqdm(items, desc=label, unit="file", leave=False, file=sys.stderr)

    return bar


def _verbosity(function: Callable[..., None]) -> Callable[..., None]:
    """--quiet (errors only) and --verbose (every file) for a command."""
    function = click.option(
        "--verbose", "-v", is_flag=True, help="Say what happened to each file."
    )(function)
    return click.option("--quiet", "-q", is_flag=True, help="Print errors only.")(function)


def _took(start: float) -> str:
    return f" in {time.monotonic() - start:.1f}s"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def cli() -> None:
    """sitegen turns pasted news articles into a static news site with feeds."""


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--root", default=".", help="The site folder (default: the current folder).")
@click.option("--force", is_flag=True, help="Overwrite Markdown files a person has edited.")
@click.option("--url", default=None, help="Record this original URL (with a single FILE).")
@_verbosity
def import_command(
    paths: tuple[Path, ...], root: str, force: bool, url: str | None, quiet: bool, verbose: bool
) -> None:
    """Import raw articles (default: content/seeds/) into content/articles/*.md."""
    from sitegen.importer import import_paths

    start = time.monotonic()
    project = _project(root)
    settings = _settings_or_exit(project)
    if url is not None and len(paths) != 1:
        _fail("--url needs exactly one FILE")
        sys.exit(2)
    report = import_paths(
        project,
        settings,
        list(paths) or [project.seeds],
        force=force,
        url=url,
        progress=_progress(quiet, "importing"),
    )
    refused = {str(error) for error in report.refused}
    for line in report.messages:
        if line in refused:
            _fail(line)
        elif not quiet:
            click.echo(line, err=True)
    if verbose:
        for path in report.written:
            click.echo(f"wrote {path}", err=True)
        for path in report.unchanged:
            click.echo(f"unchanged {path}", err=True)
    if not quiet:
        click.echo(report.summary() + _took(start), err=True)
    sys.exit(1 if report.refused else 0)


@cli.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per file (JSON Lines)."
)
@click.option("--root", default=".", help="The site folder whose knowledge files to use.")
def extract_command(files: tuple[Path, ...], as_json: bool, root: str) -> None:
    """Print the fields extracted from raw article FILEs, writing nothing."""
    from sitegen.ingest import extract_file, load_knowledge

    knowledge = load_knowledge(_project(root).content)
    failed = False
    for path in files:
        try:
            extraction = extract_file(path, knowledge)
        except SitegenError as error:
            _fail(error)
            failed = True
            continue
        record = extraction.as_gold_record(path.name)
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    sys.exit(1 if failed else 0)


@cli.command("build")
@click.option("--root", default=".", help="The site folder (default: the current folder).")
@click.option("--no-import", is_flag=True, help="Do not import new or changed seeds first.")
@_verbosity
def build_command(root: str, no_import: bool, quiet: bool, verbose: bool) -> None:
    """Import new seeds, then render content/ into the output folder (public/)."""
    from sitegen.build import build_site

    start = time.monotonic()
    result = build_site(_project(root), import_seeds=not no_import)
    if not quiet:
        for line in result.warnings:
            click.echo(line, err=True)
    for error in result.errors:
        _fail(error)
    if verbose:
        click.echo(f"{result.files_written} file(s) written to {result.output}", err=True)
    if not quiet:
        click.echo(result.summary() + _took(start), err=True)
    sys.exit(0 if result.ok else 1)


@cli.command("serve")
@click.option("--root", default=".", help="The site folder (default: the current folder).")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="The port to listen on (0: any free port).",
)
@click.option("--bind", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--no-watch", is_flag=True, help="Build and serve once; do not rebuild on changes.")
def serve_command(root: str, port: int, bind: str, no_watch: bool) -> None:
    """Build the site, serve it with live reload, and rebuild when its sources change."""
    from sitegen.serve import run_preview

    try:
        code = run_preview(_project(root), host=bind, port=port, watch=not no_watch)
    except SitegenError as error:
        _fail(error)
        sys.exit(1)
    sys.exit(code)


def _shown(path: Path) -> Path:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


@cli.command("check")
@click.option("--root", default=".", help="The site folder (default: the current folder).")
@click.option("--built", default=None, help="The built site to check (default: the output folder).")
@click.option(
    "--strict", is_flag=True, help="Also run the Nu HTML Checker (needs java and vnu.jar)."
)
def check_command(root: str, built: str | None, strict: bool) -> None:
    """Validate a built site offline: feeds, HTML pages, internal links and the sitemap."""
    from sitegen.check import check_site

    project = _project(root)
    settings = _settings_or_exit(project)
    output = Path(built) if built is not None else project.output(settings)
    if not output.is_dir():
        _fail(f"{output}: no built site here; run `sitegen build` first")
        sys.exit(1)
    report = check_site(output, settings, strict=strict)
    for note in report.notes:
        click.echo(f"sitegen: {note}", err=True)
    for problem in report.problems:
        click.echo(f"{_shown(problem.path)}: {problem.message}")
    click.echo(report.summary(), err=True)
    sys.exit(0 if report.ok else 1)


@cli.command("new")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Add missing files to a non-empty folder (never overwrites)."
)
def new_command(directory: Path, force: bool) -> None:
    """Create a new site in DIRECTORY that `sitegen build` can build at once."""
    from sitegen.scaffold import new_site

    try:
        report = new_site(directory, force=force)
    except SitegenError as error:
        _fail(error)
        sys.exit(1)
    for path in report.kept:
        click.echo(f"{path}: exists, left as it was", err=True)
    created = f"created {len(report.written)} file(s) in {directory}"
    click.echo(f"{created}; next: cd {directory} && sitegen build", err=True)


def main() -> None:
    cli(prog_name="sitegen")
