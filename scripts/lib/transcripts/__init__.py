"""scripts/check-transcripts: the guides' transcripts, replayed with the real binaries."""
