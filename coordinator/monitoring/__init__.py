"""Coverage found by itself: outlets' RSS/Atom feeds polled, new items matched to briefings, staff confirm."""
