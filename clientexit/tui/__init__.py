"""The Textual user interface. Everything that knows about the terminal lives here."""
