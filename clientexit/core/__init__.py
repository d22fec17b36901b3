"""The domain core: plain Python, never imports Textual.

Model, date and money rules, validation, storage and text rendering live here so
that they can be used and tested without a terminal.
"""
