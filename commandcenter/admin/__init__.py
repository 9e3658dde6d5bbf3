"""Setting up and keeping a real center: its units and centers at the five levels, departments,
staff, the people of each grid and the list of matters (事项清单). Every operation checks the
actor (``commandcenter.access.admin``), is all-or-nothing, and writes an operation-log line
(``commandcenter.access.oplog``) in its own transaction."""
