"""The embedded, AWS-compatible demo platform (moto plus our extensions)."""
