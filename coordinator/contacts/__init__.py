"""The media-contact network: outlets, journalists, beats, distribution lists."""
