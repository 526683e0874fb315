"""Briefing packs: documents for a briefing (or a standalone press release), approved, released under
embargo rules, distributed to journalists with signed download links, corrected by new versions, and
published in the office's public newsroom."""
