"""The network of offices: multi-point briefings, packs across the network, shared contacts."""
