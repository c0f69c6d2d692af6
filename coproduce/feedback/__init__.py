"""You said, we did: contributions, decisions and feedback to people."""
