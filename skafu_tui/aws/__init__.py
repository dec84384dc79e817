"""Everything that talks to AWS: settings, the client pool, the read-only guard, error
classification, the API-call meter and the sources.

The only package that imports aiobotocore/botocore, and only lazily (inside functions), so
importing :mod:`skafu_tui.aws` costs nothing on the way to the app's first paint.
"""
