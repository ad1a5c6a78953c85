"""The theme: override order, fingerprinted assets, errors that name the template and line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sitegen.errors import ThemeError
from sitegen.render.templates import DEFAULT_THEME, Theme, human_date, theme_folders


def _theme(themes: Path, name: str = "default") -> Theme:
    return Theme(theme_folders(themes, name), {"who": "<b>world</b>"})


def test_default_theme_ships_the_page_templates():
    names = set(_theme(Path("/nonexistent")).env.list_templates())
    assert {"base.html", "article.html", "list.html", "archive.html", "404.html"} <= names


def test_site_theme_overrides_a_template_and_falls_back_for_the_rest(tmp_path):
    own = tmp_path / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    (own / "404.html").write_text("custom {{ who }}", encoding="utf-8")
    theme = _theme(tmp_path / "themes")
    assert theme.folders == (tmp_path / "themes" / "default", DEFAULT_THEME)
    assert theme.render("404.html") == "custom &lt;b&gt;world&lt;/b&gt;"  # autoescaped
    theme.env.get_template("article.html")  # still found in the default theme


def test_a_named_theme_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ThemeError, match="theme 'fancy' not found"):
        theme_folders(tmp_path / "themes", "fancy")


def test_css_is_fingerprinted_and_a_site_can_replace_it(tmp_path):
    default = _theme(tmp_path / "themes")
    target = default.asset_path("style.css")
    assert re.fullmatch(r"static/style\.[0-9a-f]{10}\.css", target)
    static = tmp_path / "themes" / "default" / "static"
    static.mkdir(parents=True)
    (static / "style.css").write_text("body{color:red}", encoding="utf-8")
    (static / "logo.svg").write_text("<svg/>", encoding="utf-8")
    custom = _theme(tmp_path / "themes")
    assert custom.asset_path("style.css") != target
    assert custom.assets["style.css"].source == static / "style.css"
    assert custom.asset_path("logo.svg") == "static/logo.svg"  # only CSS/JS are fingerprinted
    with pytest.raises(ThemeError, match=r"no static file 'nope\.css'"):
        custom.asset_path("nope.css")


def test_syntax_error_names_file_and_line(tmp_path):
    own = tmp_path / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    (own / "list.html").write_text("line 1\nline 2\n{% if %}\n", encoding="utf-8")
    with pytest.raises(ThemeError) as caught:
        _theme(tmp_path / "themes").check()
    assert caught.value.path == own / "list.html"
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{own / 'list.html'}:3: template syntax")


def test_runtime_error_names_the_template(tmp_path):
    own = tmp_path / "themes" / "default" / "templates"
    own.mkdir(parents=True)
    (own / "404.html").write_text("ok\n{{ missing_variable.x }}\n", encoding="utf-8")
    with pytest.raises(ThemeError) as caught:
        _theme(tmp_path / "themes").render("404.html")
    assert caught.value.path == own / "404.html" and caught.value.line == 2
    assert "missing_variable" in str(caught.value)


def test_human_dates_are_locale_independent():
    assert human_date(dt.date(2024, 6, 9)) == "9 June 2024"
    moment = dt.datetime(2024, 6, 19, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    assert human_date(moment) == "19 June 2024, 04:05 UTC+03:00"
    assert human_date(dt.datetime(2024, 1, 2, 10, 0, tzinfo=dt.UTC)) == "2 January 2024, 10:00 UTC"
