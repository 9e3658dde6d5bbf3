"""Pure domain rules: enumerations and code validators, no storage."""
