"""Which briefing(s) an article likely came from.

Each briefing has a profile of phrases from several sources (``PHRASE_SOURCES``: its title and agenda,
its packs' titles and summaries, its spokespeople, the policies it presents). Text is folded like the
contacts search (``contacts.text.fold``: case, diacritics, NFC/NFD ignored) and cut into syllables;
Vietnamese words are mostly two syllables, so title/agenda/pack text is compared as syllable pairs,
and names (spokespeople, policies) as whole phrases.

A matched pair weighs by its source, by how rare it is among the office's briefings (a pair in every
briefing, "họp báo", the province's name, says nothing), by where it was found (the article's title
counts more) and by what staff taught: phrases that led to rejections weigh less, confirmed ones more.
The raw sum becomes a score in 0..1 (``1 - exp(-raw / SCALE)``); a proposal needs the office's
threshold. Only briefings that started up to ``window_days`` before the article (and at most a few
hours after it: announcements) are candidates.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from coordinator.contacts.text import fold

SCALE = 4.0
TITLE_BOOST = 1.4
MAX_PROPOSALS = 3
NAME_WEIGHT = 1.2
POLICY_WEIGHT = 2.5
SOURCE_WEIGHTS = {"title": 1.0, "pack": 1.0, "agenda": 0.7, "pack_summary": 0.5}
_WORD = re.compile(r"\w+", re.UNICODE)
# Syllables that carry no topic; a pair made only of these is never a key phrase.
STOP = frozenset([
    "va", "voi", "cua", "cac", "nhung", "la", "cho", "trong", "tai", "ve", "da", "se", "duoc", "mot", "nay",
    "do", "khi", "tu", "den", "de", "co", "khong", "theo", "tren", "duoi", "nam", "ngay", "thang", "hom",
    "chieu", "sang", "toi", "nay", "qua", "gio", "sau", "truoc", "cung", "nhu", "thi", "ma", "hay", "hoac",
    "bi", "boi", "vi", "neu", "con", "ra", "vao", "len", "xuong", "lai", "rat", "nhieu", "it", "moi", "cu",
    "them", "nua", "tat", "ca", "nguoi", "viec", "van", "de", "noi", "dung", "ong", "ba", "anh", "chi", "hop",
    "bao", "thong", "tin", "buoi", "chu", "tri", "tiep", "dien", "ra", "phat", "bieu", "cho", "biet", "theo",
    "do", "ngoai", "nhat", "hien", "dang"
])
# Honorifics and titles in the spokespeople field: not part of a name.
_TITLES = re.compile(r"^(ong|ba|anh|chi|dong chi|dc|pgs|ts|ths|gs|pho|giam doc|chanh van phong|truong ban|"
                     r"chu tich|pho chu tich|phat ngon vien|nguoi phat ngon)\s+")


@dataclass
class Phrase:
    """A piece of a briefing's text: ``kind`` tells where it came from."""

    kind: str
    text: str


@dataclass
class Profile:
    briefing_id: int
    pairs: dict[str, tuple[str, float]] = field(default_factory=dict)  # pair -> (kind, source weight)
    names: dict[str, tuple[str, str, float]] = field(default_factory=dict)  # folded -> (shown, kind, weight)
    sources: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (kind, [(word, folded)])


@dataclass
class Proposal:
    briefing_id: int
    score: float
    phrases: list[dict]


def tokens(text: str | None) -> list[tuple[str, str]]:
    """``[(word as written, folded)]`` for the words of ``text`` (NFC first, so NFD input gives the same)."""
    words = _WORD.findall(unicodedata.normalize("NFC", text or ""))
    return [(w, fold(w)) for w in words if fold(w)]


def pairs_of(folded: list[str]) -> list[str]:
    out = []
    for a, b in zip(folded, folded[1:], strict=False):
        if a in STOP and b in STOP:
            continue
        if a.isdigit() and b.isdigit():
            continue
        out.append(f"{a} {b}")
    return out


def person_name(raw: str) -> str:
    """``"Ông Nguyễn Văn A, Phó Giám đốc Sở"`` → ``"nguyen van a"`` (the name without title or role)."""
    name = fold(raw.split(",")[0].split("(")[0].split("–")[0].split(" - ")[0])
    previous = None
    while previous != name:
        previous, name = name, _TITLES.sub("", name)
    return name.strip()


def build_profile(briefing_id: int, phrases: Iterable[Phrase]) -> Profile:
    profile = Profile(briefing_id)
    for phrase in phrases:
        if phrase.kind in ("spokesperson", "policy"):
            raw = person_name(phrase.text) if phrase.kind == "spokesperson" else phrase.text
            key = " ".join(f for _w, f in tokens(raw))  # as article text is compared: words only
            if len(key.split()) >= 2:
                weight = NAME_WEIGHT if phrase.kind == "spokesperson" else POLICY_WEIGHT
                shown = phrase.text.split(",")[0].strip() if phrase.kind == "spokesperson" else phrase.text.strip()
                profile.names.setdefault(key, (shown, phrase.kind, weight))
            continue
        words = tokens(phrase.text)
        profile.sources.append((phrase.kind, words))
        weight = SOURCE_WEIGHTS.get(phrase.kind, 0.5)
        for pair in pairs_of([f for _w, f in words]):
            if pair not in profile.pairs or profile.pairs[pair][1] < weight:
                profile.pairs[pair] = (phrase.kind, weight)
    return profile


def rarity(profiles: list[Profile], generic: Iterable[str] = ()) -> dict[str, float]:
    """Per pair, 0..1: 1 for a pair found in one briefing, less the more briefings share it; 0 for a
    generic pair (the office's name, the province)."""
    counts: dict[str, int] = {}
    for profile in profiles:
        for pair in profile.pairs:
            counts[pair] = counts.get(pair, 0) + 1
    total = max(len(profiles), 1)
    out = {pair: 1.0 / (1.0 + math.log(n)) if n > 1 else 1.0 for pair, n in counts.items()}
    if total >= 8:  # enough briefings to trust the counts: a pair in a third of them is background
        for pair, n in counts.items():
            if n / total > 0.33:
                out[pair] = 0.0
    for pair in generic:
        out[pair] = 0.0
    return out


def learned(weights: dict[str, tuple[int, int]], key: str) -> float:
    """What staff taught: each rejection lowers a phrase, each confirmation raises it (bounded)."""
    confirms, rejects = weights.get(key, (0, 0))
    return max(0.1, min(1.5, (4 + confirms) / (4 + 3 * rejects)))


def _spans(words: list[tuple[str, str]], matched: set[str]) -> list[tuple[str, str, list[str]]]:
    """Maximal runs of matched consecutive pairs in a source text: (shown, folded, pairs)."""
    out = []
    i = 0
    while i < len(words) - 1:
        if f"{words[i][1]} {words[i + 1][1]}" in matched:
            j = i + 1
            while j < len(words) - 1 and f"{words[j][1]} {words[j + 1][1]}" in matched:
                j += 1
            run = words[i:j + 1]
            parts = [f"{run[k][1]} {run[k + 1][1]}" for k in range(len(run) - 1)]
            out.append((" ".join(w for w, _f in run), " ".join(f for _w, f in run), parts))
            i = j + 1
        else:
            i += 1
    return out


def score(profile: Profile, title: str, body: str, rare: dict[str, float],
          weights: dict[str, tuple[int, int]]) -> Proposal:
    """The briefing's score for an article (title and text) and the phrases behind it."""
    title_folded = [f for _w, f in tokens(title)]
    body_folded = [f for _w, f in tokens(body)]
    title_pairs, body_pairs = set(pairs_of(title_folded)), set(pairs_of(body_folded))
    title_text, body_text = " " + " ".join(title_folded) + " ", " " + " ".join(body_folded) + " "
    raw = 0.0
    matched: dict[str, float] = {}
    for pair, (_kind, weight) in profile.pairs.items():
        if pair in title_pairs or pair in body_pairs:
            value = weight * rare.get(pair, 1.0) * learned(weights, pair)
            if pair in title_pairs:
                value *= TITLE_BOOST
            if value > 0:
                matched[pair] = value
                raw += value
    phrases: list[dict] = []
    seen: set[str] = set()
    for kind, words in profile.sources:
        for shown, key, parts in _spans(words, set(matched)):
            if key in seen:
                continue
            seen.add(key)
            phrases.append({"text": shown, "key": key, "kind": kind, "parts": parts,
                            "weight": round(sum(matched[p] for p in parts), 3)})
    for key, (shown, kind, weight) in profile.names.items():
        if f" {key} " in title_text or f" {key} " in body_text:
            value = weight * learned(weights, key) * (TITLE_BOOST if f" {key} " in title_text else 1.0)
            raw += value
            phrases.append({"text": shown, "key": key, "kind": kind, "parts": [key], "weight": round(value, 3)})
    phrases.sort(key=lambda p: -p["weight"])
    return Proposal(profile.briefing_id, round(1.0 - math.exp(-raw / SCALE), 4), phrases)


def propose(profiles: list[Profile], title: str, body: str, rare: dict[str, float],
            weights: dict[str, tuple[int, int]], threshold: float) -> list[Proposal]:
    """Proposals at or above the threshold, best first; a runner-up only when it is close to the best."""
    scored = sorted((score(p, title, body, rare, weights) for p in profiles), key=lambda p: -p.score)
    kept = [p for p in scored if p.score >= threshold]
    if not kept:
        return []
    best = kept[0].score
    return [p for p in kept[:MAX_PROPOSALS] if p.score >= best - 0.1]


PhraseSource = Callable[[object], list[Phrase]]
