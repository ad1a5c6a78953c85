"""`sitegen check`: validate a built site offline.

Every problem is one `Problem` naming the file, so the command prints one line per problem and
exits non-zero when there is any. The checks are the ones feed validators, browsers and search
engines apply: well-formed feeds that follow the Atom 1.0 rules, HTML pages with a title, a
language and a canonical link, internal links that resolve, and a sitemap that lists every
indexable article and nothing outside the site.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.config import Settings
from sitegen.render.newsroom import news_sitemap_problems
from sitegen.render.sitemap import SITEMAP_PATH, URL_LIMIT

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FEED_SUFFIXES = (".xml", ".atom", ".rss")
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_URL_ATTRS = {"href", "src"}
# Schemes that name no file in the output and that no check can resolve offline.
_EXTERNAL_PREFIXES = ("#", "mailto:", "tel:", "data:", "javascript:", "//")
VNU_PATHS = (
    "/usr/share/java/vnu.jar",
    "/usr/local/lib/vnu.jar",
    "/usr/local/share/vnu/vnu.jar",
    "/opt/vnu/vnu.jar",
    "/opt/vnu.jar",
    "~/.local/share/vnu/vnu.jar",
    "~/vnu.jar",
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file of the built site."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class CheckReport:
    """What `check_site` found: problems fail the check, notes only inform."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pages: int = 0
    feeds: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        verdict = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return f"checked {self.pages} page(s) and {self.feeds} feed(s): {verdict}"


@dataclass
class _Page:
    """What the HTML parser saw in one page."""

    lang: str | None = None
    title: str | None = None
    canonical: str | None = None
    robots: str = ""
    og_type: str = ""
    links: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "html" and "lang" in values:
            self.page.lang = values["lang"]
        elif tag == "title":
            self._in_title = True
            self.page.title = self.page.title or ""
        elif tag == "link" and "canonical" in values.get("rel", "").split():
            self.page.canonical = values.get("href", "")
        elif tag == "meta" and values.get("name", "").lower() == "robots":
            self.page.robots = values.get("content", "").lower()
        elif tag == "meta" and values.get("property") == "og:type":
            self.page.og_type = values.get("content", "")
        self.page.links.extend(values[name] for name in _URL_ATTRS if name in values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title = (self.page.title or "") + data


class _Checker:
    def __init__(self, output: Path, settings: Settings) -> None:
        self.output = output
        self.base_url = (
            settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
        )
        self.base_path = urlsplit(self.base_url).path or "/"
        self.report = CheckReport()
        self.articles: dict[str, Path] = {}  # URL of each indexable article page → its file

    def problem(self, path: Path, message: str) -> None:
        self.report.problems.append(Problem(path, message))

    # Links -----------------------------------------------------------------------------

    def resolve(self, page: Path, link: str) -> Path | bool | None:
        """The file an internal link names; None for external links, False if it leaves the site."""
        link = html.unescape(link.strip())
        if not link or link.startswith(_EXTERNAL_PREFIXES):
            return None
        if link.startswith(self.base_url):
            link = self.base_path + link[len(self.base_url) :]
        elif urlsplit(link).scheme:
            return None
        path = unquote(urlsplit(link).path)
        if not path:
            return None
        if path.startswith("/"):
            if not (path + "/").startswith(self.base_path):
                return False
            target = self.output / path[len(self.base_path) :]
        else:
            target = page.parent / path
        if path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.resolve().is_relative_to(self.output.resolve()):
            return False
        return target

    def check_link(self, path: Path, link: str) -> None:
        target = self.resolve(path, link)
        if target is False:
            self.problem(path, f"link '{link}' points outside the site (base URL {self.base_url})")
        elif isinstance(target, Path) and not target.is_file():
            self.problem(path, f"broken link '{link}': no file {target.relative_to(self.output)}")

    # HTML ------------------------------------------------------------------------------

    def check_html(self, path: Path) -> None:
        self.report.pages += 1
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            self.problem(path, f"not valid UTF-8 ({error.reason} at byte {error.start})")
            return
        parser = _PageParser()
        try:
            parser.feed(text)
            parser.close()
        except Exception as error:  # html.parser raises rarely; any failure is this page's problem
            self.problem(path, f"HTML does not parse ({error})")
            return
        page = parser.page
        if not (page.title or "").strip():
            self.problem(path, "no <title>")
        if not (page.lang or "").strip():
            self.problem(path, "no lang attribute on <html>")
        if not page.canonical:
            self.problem(path, 'no <link rel="canonical">')
        elif not _absolute(page.canonical):
            # A republished article may name the original outlet's page: any absolute URL will do.
            self.problem(path, f"canonical link '{page.canonical}' is not an absolute URL")
        for link in page.links:
            self.check_link(path, link)
        if page.og_type == "article" and "noindex" not in page.robots:
            self.articles[self.url_of(path)] = path

    def url_of(self, path: Path) -> str:
        """The public URL of an output file (a folder's index.html is served as the folder)."""
        relative = path.relative_to(self.output).as_posix()
        if relative == "index.html" or relative.endswith("/index.html"):
            relative = relative[: -len("index.html")]
        return self.base_url + relative

    # Feeds -----------------------------------------------------------------------------

    def check_xml(self, path: Path) -> None:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            self.problem(path, f"not well-formed XML ({error})")
            return
        if root.tag == f"{ATOM}feed":
            self.report.feeds += 1
            self.check_feedparser(path)
            self.check_atom(path, root)
        elif root.tag == "rss":
            self.report.feeds += 1
            self.check_feedparser(path)
        elif path.name.startswith("news-sitemap"):
            self.check_news_sitemap(path, root)

    def check_news_sitemap(self, path: Path, root: ET.Element) -> None:
        """Google News sitemap rules, and every listed URL inside the site and present."""
        for message in news_sitemap_problems(root):
            self.problem(path, message)
        for loc in root.iter(f"{SITEMAP}loc"):
            url = (loc.text or "").strip()
            if not url.startswith(self.base_url):
                self.problem(path, f"lists '{url}', which is outside the base URL {self.base_url}")
            else:
                self.check_link(path, url)

    def check_feedparser(self, path: Path) -> None:
        try:
            import feedparser
        except ImportError:
            return
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            self.problem(path, f"feed readers reject it ({parsed.bozo_exception})")

    def check_atom(self, path: Path, feed: ET.Element) -> None:
        self.check_atom_element(path, feed, "feed")
        selves = [
            link.get("href", "")
            for link in feed.findall(f"{ATOM}link")
            if link.get("rel") == "self"
        ]
        if not selves:
            self.problem(path, 'feed has no <link rel="self">')
        elif not _absolute(selves[0]):
            self.problem(path, f"feed self link '{selves[0]}' is not an absolute URL")
        feed_author = feed.find(f"{ATOM}author") is not None
        seen: set[str] = set()
        for number, entry in enumerate(feed.findall(f"{ATOM}entry"), start=1):
            where = f"entry {number}"
            entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
            self.check_atom_element(path, entry, where)
            if entry_id in seen:
                self.problem(path, f"{where}: id '{entry_id}' is used twice")
            seen.add(entry_id)
            if not feed_author and entry.find(f"{ATOM}author") is None:
                self.problem(path, f"{where}: no author (and the feed has none)")
            for content in (entry.find(f"{ATOM}content"), entry.find(f"{ATOM}summary")):
                if content is not None and content.get("type") == "html":
                    self.check_content_urls(path, where, content.text or "")

    def check_atom_element(self, path: Path, element: ET.Element, where: str) -> None:
        """The rules feed and entry share: an id that is a URI, a title, zoned RFC 3339 dates."""
        element_id = (element.findtext(f"{ATOM}id") or "").strip()
        if not element_id:
            self.problem(path, f"{where}: no <id>")
        elif not urlsplit(element_id).scheme:
            self.problem(path, f"{where}: id '{element_id}' is not an absolute URI")
        if element.find(f"{ATOM}title") is None:
            self.problem(path, f"{where}: no <title>")
        if element.find(f"{ATOM}updated") is None:
            self.problem(path, f"{where}: no <updated>")
        for name in ("updated", "published"):
            for date in element.findall(f"{ATOM}{name}"):
                value = (date.text or "").strip()
                if not _RFC3339.match(value):
                    self.problem(
                        path, f"{where}: <{name}> '{value}' is not an RFC 3339 date with a zone"
                    )

    def check_content_urls(self, path: Path, where: str, markup: str) -> None:
        parser = _PageParser()
        parser.feed(markup)
        parser.close()
        for link in parser.page.links:
            if not _absolute(link) and not link.startswith(("mailto:", "data:")):
                self.problem(path, f"{where}: content link '{link}' is not an absolute URL")

    # Sitemap ---------------------------------------------------------------------------

    def check_sitemap(self) -> None:
        path = self.output / SITEMAP_PATH
        if not path.is_file():
            self.problem(path, "no sitemap.xml")
            return
        root = self._parsed(path)
        if root is None:
            return
        listed: set[str] = set()
        if root.tag == f"{SITEMAP}sitemapindex":
            for part in self._listed(path, root):
                part_root = self._parsed(part)
                if part_root is not None:
                    listed |= self._sitemap_urls(part, part_root)
        else:
            listed = self._sitemap_urls(path, root)
        for url, page in sorted(self.articles.items()):
            if url not in listed:
                rel = page.relative_to(self.output)
                self.problem(path, f"does not list the article page {rel} ({url})")

    def _parsed(self, path: Path) -> ET.Element | None:
        try:
            return ET.parse(path).getroot()
        except ET.ParseError:
            return None  # already reported by check_xml
        except OSError:
            return None  # a missing part is reported as a broken link of the index

    def _listed(self, path: Path, root: ET.Element) -> list[Path]:
        """The sitemap files a sitemap index lists, each checked to be a file of the site."""
        parts = []
        for url in self._locs(path, root):
            target = self.resolve(path, url)
            if isinstance(target, Path) and target.is_file():
                parts.append(target)
        return parts

    def _sitemap_urls(self, path: Path, root: ET.Element) -> set[str]:
        if len(root) > URL_LIMIT:
            self.problem(path, f"{len(root)} URLs; a sitemap file holds at most {URL_LIMIT}")
        return set(self._locs(path, root))

    def _locs(self, path: Path, root: ET.Element) -> list[str]:
        """The `<loc>` URLs of a sitemap file, each inside the base URL and a page that exists."""
        urls = []
        for loc in root.iter(f"{SITEMAP}loc"):
            url = (loc.text or "").strip()
            urls.append(url)
            if not url.startswith(self.base_url):
                self.problem(path, f"lists '{url}', which is outside the base URL {self.base_url}")
                continue
            self.check_link(path, url)
        return urls

    # Whole site ------------------------------------------------------------------------

    def run(self) -> CheckReport:
        files = sorted(p for p in self.output.rglob("*") if p.is_file())
        for path in files:
            if path.suffix == ".html":
                self.check_html(path)
            elif path.suffix in FEED_SUFFIXES:
                self.check_xml(path)
        self.check_sitemap()
        return self.report


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def feedparser_available() -> bool:
    try:
        import feedparser  # noqa: F401
    except ImportError:
        return False
    return True


def find_vnu() -> tuple[str, Path] | None:
    """The `java` binary and the Nu HTML Checker jar, when both are present."""
    java = shutil.which("java")
    candidates = [os.environ.get("VNU_JAR", ""), *VNU_PATHS]
    for candidate in candidates:
        if candidate and java:
            jar = Path(candidate).expanduser()
            if jar.is_file():
                return java, jar
    return None


_VNU_LINE = re.compile(r'^"?(?P<file>.+?)"?:(?P<where>[\d.\-]+): (?P<kind>\w+): (?P<msg>.*)$')


def run_vnu(java: str, jar: Path, pages: list[Path]) -> list[Problem]:
    """Run the Nu HTML Checker over `pages`; each error it reports becomes a Problem."""
    if not pages:
        return []
    command = [java, "-jar", str(jar), "--errors-only", "--format", "gnu", *map(str, pages)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return [Problem(jar, f"the Nu HTML Checker did not run ({error})")]
    problems = []
    for line in (done.stderr + done.stdout).splitlines():
        match = _VNU_LINE.match(line.strip())
        if match:
            problems.append(
                Problem(Path(match["file"]), f"line {match['where']}: {match['msg']} (Nu checker)")
            )
    if done.returncode != 0 and not problems:
        problems.append(Problem(jar, f"the Nu HTML Checker failed (exit {done.returncode})"))
    return problems


def check_site(output: Path, settings: Settings, *, strict: bool = False) -> CheckReport:
    """Check the built site in `output` against `settings.base_url`; never raises for bad files."""
    report = _Checker(output, settings).run()
    if not feedparser_available():
        report.notes.append("feedparser is not installed: feeds were not parsed as readers would")
    if strict:
        found = find_vnu()
        if found is None:
            report.notes.append(
                "the Nu HTML Checker is not available (needs `java` and vnu.jar; set VNU_JAR)"
            )
        else:
            pages = sorted(output.rglob("*.html"))
            report.problems.extend(run_vnu(*found, pages))
            report.notes.append(f"Nu HTML Checker ran on {len(pages)} page(s)")
    return report
