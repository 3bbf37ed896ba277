"""Custom Rasa dialogue policies (graph components that choose the next action)."""
