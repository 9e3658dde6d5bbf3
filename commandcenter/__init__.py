"""Grid Command Center core: domain, storage, workflow, geometry, video engine, CLI.

Nothing below this package imports Qt; the console in ``ui/`` adapts it.
"""

__version__ = "0.1.0"
