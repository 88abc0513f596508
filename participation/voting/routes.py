"""Support and withdraw-support views."""
