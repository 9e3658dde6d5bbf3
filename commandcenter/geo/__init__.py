"""Map geometry for the console: projection, simplification and hit-testing, no Qt."""
