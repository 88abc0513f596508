"""Proposing, editing, withdrawing, reading and discussing ideas."""
