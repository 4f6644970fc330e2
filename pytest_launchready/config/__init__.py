"""Settings: one table of what users can set, parsed into the frozen Settings the checks read."""
