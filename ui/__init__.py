"""The Qt console: a skin over :mod:`commandcenter`.

Everything Qt lives here; the core package never imports PySide6. Widgets get plain frozen
dataclasses from :mod:`commandcenter.queries`, loaded by workers off the GUI thread
(:mod:`ui.common.tasks`), and never hold a database session.
"""
