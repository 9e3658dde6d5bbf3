"""Base data (基础信息, GB/T 31000): the residents, buildings and houses, and organisations of
the grids (人地物事组织) — browsed and searched, edited, imported from XLSX/CSV all-or-nothing
with a report naming every row, exported for the upper level. ID numbers and phones are masked
everywhere; a deliberate view in clear is allowed to the roles that need it and recorded with
its reason (``commandcenter.access.oplog``). Whose base data an actor sees:
``commandcenter.access.admin.basedata_grid_ids``."""
