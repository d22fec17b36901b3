"""clientexit: prepare the call that ends a client relationship."""

__version__ = "0.1.0"
