"""Moderation views."""
