"""Staff review of conversations: reviewed flags, tags, notes, NLU corrections, erasure."""
