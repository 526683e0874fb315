"""libical's own iTIP check (RFC 5546 restriction tables) over an iCalendar text, through ctypes.

``icalrestriction_check`` walks a VCALENDAR with a METHOD and adds an ``X-LIC-ERROR`` property wherever a
property is missing, repeated or not allowed for that METHOD (e.g. ``STATUS:CANCELLED`` in a REQUEST);
the parser adds its own ``X-LIC-ERROR`` for what it cannot read. ``itip_errors`` returns them all.

It needs the system library (Debian package ``libical3``, installed by ``.ci/run``). Without it the
check raises: a missing library must fail the suite, not skip the check.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re

_NAMES = ("libical.so.3", "libical.so")


@functools.cache
def _lib() -> ctypes.CDLL:
    candidates = [*_NAMES, ctypes.util.find_library("ical")]
    for name in filter(None, candidates):
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
        lib.icalparser_parse_string.restype = ctypes.c_void_p
        lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
        lib.icalrestriction_check.restype = ctypes.c_int
        lib.icalcomponent_as_ical_string_r.argtypes = [ctypes.c_void_p]
        lib.icalcomponent_as_ical_string_r.restype = ctypes.c_void_p
        lib.icalmemory_free_buffer.argtypes = [ctypes.c_void_p]
        lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
        return lib
    raise RuntimeError("libical (the libical3 system package) is not installed: apt-get install libical3")




def checked(text: str) -> str:
    """The calendar as libical writes it back after its restriction check (X-LIC-ERROR lines added)."""
    lib = _lib()
    component = lib.icalparser_parse_string(text.encode())
    if not component:
        raise ValueError("libical could not parse the calendar")
    try:
        lib.icalrestriction_check(component)
        buffer = lib.icalcomponent_as_ical_string_r(component)
        try:
            return ctypes.string_at(buffer).decode()
        finally:
            lib.icalmemory_free_buffer(buffer)
    finally:
        lib.icalcomponent_free(component)


def itip_errors(text: str) -> list[str]:
    """Every distinct X-LIC-ERROR libical finds in an iTIP calendar (unfolded), empty when it is clean
    (libical repeats some errors once per property it looks at)."""
    lines = re.sub(r"\r?\n[ \t]", "", checked(text)).splitlines()
    return list(dict.fromkeys(line for line in lines if line.startswith("X-LIC-ERROR")))
