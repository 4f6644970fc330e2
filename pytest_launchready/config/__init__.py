"""Settings: one table of what users can set (``table``), the parsers that type each raw value
(``values``), and the frozen ``Settings`` the checks read (``settings``)."""
