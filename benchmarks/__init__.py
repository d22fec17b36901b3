"""Performance benchmarks for clientexit; run them with ``scripts/bench``."""
