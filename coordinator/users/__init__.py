"""Staff users, their roles and API tokens (the pages and endpoints that manage them are in ``admin``)."""
