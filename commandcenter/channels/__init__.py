"""Outside channels that report cases: the Open311 GeoReport v2 endpoint (12345, public)."""
