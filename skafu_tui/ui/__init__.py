"""The Textual face of skafu-tui. It draws assessments; it never talks to AWS."""
