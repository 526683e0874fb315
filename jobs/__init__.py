"""RQ jobs. This package imports ``coordinator``; ``coordinator`` never imports it.

Every job takes ids, re-reads the database, and runs in a fresh app context
pushed by ``jobs.worker.CoordinatorWorker``.
"""
