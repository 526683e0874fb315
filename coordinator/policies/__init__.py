"""Policies and the annual communication plan: each policy's communication measured from drafting to
implementation (briefings, packs, questions, coverage and public consultation comments)."""
