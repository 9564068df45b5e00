"""Transcripts: read models over Rasa's tracker store (the conversations' events)."""
