"""The clinic's website with the chat widget: `python -m web` (demo page server) and the widget sources."""
