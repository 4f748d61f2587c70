"""Partnerships (published pairs), their agreement and their goals."""
