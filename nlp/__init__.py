"""Builds the project spaCy pipeline (see nlp/build.py); terms live in nlp/terms.yml."""
