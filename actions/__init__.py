"""Rasa custom actions: thin adapters from the dialogue to the ``bot`` core."""
