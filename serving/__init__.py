"""How the Rasa server process is started: `python -m serving run ...` is `rasa run ...` with the project's fixes."""
