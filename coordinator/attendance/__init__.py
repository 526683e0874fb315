"""Attendance (check-in at the door, online self check-in, the roster), questions, coverage, and the
spokesperson's reports built on them."""
