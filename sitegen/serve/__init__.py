"""The preview server: serves the built site, reloads open pages, shows build errors.

`paths` maps request paths to files safely, `livereload` holds the build state pages follow,
`server` is the HTTP server, and `session` ties build, watcher and server into `sitegen serve`.
"""

from sitegen.serve.server import PreviewServer, Rebuilt
from sitegen.serve.session import run_preview

__all__ = ["PreviewServer", "Rebuilt", "run_preview"]
