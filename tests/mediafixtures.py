"""Session-scoped generated media (espeak-ng speech, PyAV video with drawn text). Owned by the media stage."""
