"""Co-review: outcomes frameworks, provider reports, review visits, lessons and self-assessment."""
