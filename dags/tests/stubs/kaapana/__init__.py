"""NOT Kaapana: a test double of the kaapana plugin names the secaimed operator imports."""

STUB = True
