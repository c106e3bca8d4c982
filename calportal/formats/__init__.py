"""The portal's own date formats per language (``FORMAT_MODULE_PATH``): one unambiguous display
format each, and input formats whose first entry is that display format."""
