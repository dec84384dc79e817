"""skafu-tui's benchmarks: ``make bench`` runs ``python -m benchmarks`` (see ``__main__``)."""
