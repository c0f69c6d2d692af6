"""Briefings, training, role and confidentiality agreements, recognition and incentives."""
