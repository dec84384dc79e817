"""One small module per AWS source: ``async def fetch(pool, cfg, region, now)`` returning typed
records, converted once from the raw response (the models' ``SafeStr`` makes text inert).

Each module declares ``OPERATIONS``: every (client service, API operation) it can issue. A test
checks the code calls nothing else and that every one of them is read-only.
"""
