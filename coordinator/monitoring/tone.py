"""The tone of an article (positive / neutral / negative), proposed by a small multinomial naive Bayes model.

Pure functions, no database: ``operations/tone.py`` stores what they give.

Features. Vietnamese words are mostly one or two syllables, so, as the matcher does, text is cut into
syllables (lower case, diacritics kept: "tăng" and "tầng" differ in tone) and compared as single
syllables and adjacent pairs within a clause (punctuation ends a clause). The title counts twice. A small
lexicon of polar phrases adds ``L:pos`` / ``L:neg`` features, so words the training set never saw still
count; after a negator ("không", "chưa hề", "không còn"...) the next syllables are marked (``¬``) and a
lexicon hit is flipped, so "không còn cảnh ùn tắc" reads differently from "ùn tắc". A polar word in scare
quotes ("hiện đại" đến mức...) is marked as such (irony is usually written that way).

Model. Binary multinomial naive Bayes with add-one smoothing; the global model ships as
``data/tone_model.json`` (trained by ``scripts/train_tone.py`` from the labelled headlines in
``tests/fixtures/tone``, deterministic). An office's model is the global counts plus its own labels'
counts weighted ``OFFICE_WEIGHT`` (``combine``): it keeps the global vocabulary and leans to the office.
"""
from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from coordinator.contacts.text import fold
from coordinator.monitoring.matching import STOP

CLASSES = ("positive", "neutral", "negative")
MODEL_PATH = Path(__file__).parent / "data" / "tone_model.json.gz"
OFFICE_WEIGHT = 3.0
NEGATION_SCOPE = 3
LEXICON_AHEAD = 5.0
TEMPERATURE_PER_FEATURE = 0.0625  # mean confidence on the held-out set ≈ its accuracy
_CLAUSES = re.compile(r"[,.;:!?()\[\]…–—\-]+|\s-\s")
_WORD = re.compile(r"\w+", re.UNICODE)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{1,60})[\"“”]")


def _phrases(text: str) -> frozenset[str]:
    return frozenset(text.replace("\n", "").split("|"))


# "không" that negates nothing: the air, airlines, zero.
_NOT_NEGATION = {"khí", "gian", "lưu", "quân", "phận", "ảnh", "người"}
POSITIVE = _phrases("""thành công|hoàn thành|vượt|kỷ lục|phấn khởi|hài lòng|khen|khen ngợi|an toàn|kịp thời|ổn định|
cải thiện|miễn phí|thuận lợi|hiệu quả|dẫn đầu|điểm sáng|khánh thành|thông xe|vinh danh|huy chương|cứu|cứu sống|
hồi phục|khôi phục|đồng thuận|yên tâm|sớm|niềm nở|tận tình|xuất sắc|thu hút|trúng mùa|hoan nghênh|tự hào|khang trang|
hiện đại|phục hồi|hồi sinh|hoàn trả|trả lại|tăng trưởng|hưởng lợi|thông suốt|giảm mạnh|đạt chuẩn|cao nhất|
thân thiện|kiên cố|giúp|tiết kiệm|thưởng|khởi sắc|ghi nhận|đẹp|sạch|xanh|nhanh|đầy đủ|hỗ trợ|bảo vệ|
tăng lương|đủ|lan tỏa|cảm ơn|xúc động|trở lại|bao tiêu|kịp|thành tích|khống chế|dập|an cư""")
NEGATIVE = _phrases("""sạt lở|thiệt hại|tử vong|mất tích|bức xúc|chậm|trễ|trễ hẹn|sai phạm|ô nhiễm|quá tải|thiếu|
xuống cấp|ùn tắc|ngập|lừa đảo|tham ô|hối lộ|tai nạn|cháy|nổ|ngộ độc|than|than thở|lo lắng|phản đối|ép giá|
thua lỗ|nợ|lạm thu|bỏ hoang|kỷ luật|khởi tố|vi phạm|trái phép|chặt chém|lãng phí|tụt hạng|bạo lực|bùng phát|
mất trắng|hư hỏng|nứt|sập|cô lập|khó khăn|phê bình|chỉ trích|vô vọng|mỏi mòn|đắp chiếu|nhức nhối|giả|
tăng vọt|phi mã|leo thang|méo mặt|chật vật|đình trệ|bê bối|lấn chiếm|hôi|bụi|cuốn trôi|chết|tốc mái|
nguy hiểm|bất cập|khổ|mất|dột|lầy|ổ gà|xả thải|thất thoát|khiếu nại|bắt|lở|hạn hán|rét đậm|ế ẩm|
nghiêm trọng|thấp thỏm|đùn đẩy|rườm rà|nhũng nhiễu|hành|tệ nạn|cảnh báo|tiêu hủy|dịch|trộm""")


@dataclass
class Feature:
    key: str
    text: str  # as written in the article, for the phrases shown to staff


def _clauses(text: str) -> list[list[str]]:
    """Clauses of ``text`` as lists of syllables as written (NFC)."""
    text = unicodedata.normalize("NFC", text or "")
    return [words for part in _CLAUSES.split(text) if (words := _WORD.findall(part))]


def _norm(word: str) -> str:
    return "#" if word.isdigit() else word.lower()


def _negated(words: list[str]) -> list[bool]:
    """Per syllable: inside a negator's scope (the few syllables after it)."""
    flags = [False] * len(words)
    for i, word in enumerate(words):
        if word in ("không", "chưa", "chẳng") and not (i + 1 < len(words) and words[i + 1] in _NOT_NEGATION) \
                and not (i > 0 and words[i - 1] == "hàng"):
            start = i + 2 if i + 1 < len(words) and words[i + 1] in ("hề", "còn") else i + 1
            for j in range(start, min(len(words), start + NEGATION_SCOPE)):
                flags[j] = True
    return flags


def _lexicon(words: list[str], shown: list[str], negated: list[bool], scare: bool) -> list[Feature]:
    """Lexicon hits (longest first: "cứu sống" over "cứu"), flipped under negation, marked in scare quotes."""
    out: list[Feature] = []
    i = 0
    while i < len(words):
        for size in (2, 1):
            phrase = " ".join(words[i:i + size])
            if len(words[i:i + size]) == size and (phrase in POSITIVE or phrase in NEGATIVE):
                polarity = "pos" if phrase in POSITIVE else "neg"
                mark = "¬" if negated[i] else ("~" if scare else "")
                out.append(Feature(f"L:{mark}{polarity}", " ".join(shown[i:i + size])))
                i += size
                break
        else:
            i += 1
    return out


def _scare_spans(text: str) -> set[str]:
    """Short quoted phrases ("hiện đại", "đẹp như khách sạn"): the usual mark of irony in a headline."""
    spans = set()
    for match in _QUOTED.finditer(unicodedata.normalize("NFC", text or "")):
        inner = match.group(1).strip()
        if 0 < len(_WORD.findall(inner)) <= 4:
            spans.add(inner.lower())
    return spans


def _clause_features(shown: list[str], prefix: str, scare: bool) -> list[Feature]:
    words = [_norm(w) for w in shown]
    negated = _negated(words)
    out = []
    for i, word in enumerate(words):
        mark = "¬" if negated[i] else ""
        out.append(Feature(f"{prefix}u:{mark}{word}", shown[i]))
        if i + 1 < len(words):
            out.append(Feature(f"{prefix}b:{mark}{word} {words[i + 1]}", f"{shown[i]} {shown[i + 1]}"))
    out.extend(_lexicon(words, shown, negated, scare))
    return out


def features(title: str, lead: str = "") -> list[Feature]:
    """The article's features: title (twice: once marked ``t``) and lead, by clause."""
    scare = _scare_spans(title) | _scare_spans(lead)
    out: list[Feature] = []
    for prefix, text in (("t", title), ("", title), ("", lead)):
        for clause in _clauses(text):
            joined = " ".join(clause).lower()
            out.extend(_clause_features(clause, prefix, any(joined in s or s in joined for s in scare)))
    return out


# --- the model -----------------------------------------------------------------------------------------

@dataclass
class Model:
    """Per feature, in how many training articles of each class it occurred (binary counts)."""

    version: str
    docs: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    counts: dict[str, list[float]] = field(default_factory=dict)
    totals: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])

    def to_json(self) -> dict:
        return {"version": self.version, "classes": list(CLASSES), "docs": self.docs, "counts": self.counts}

    @classmethod
    def from_json(cls, data: dict) -> Model:
        model = cls(version=data["version"], docs=list(data["docs"]), counts=dict(data["counts"]))
        model.totals = [sum(c[k] for c in model.counts.values()) for k in range(3)]
        return model


def train(examples: Iterable[tuple[str, str, str]], version: str, weight: float = 1.0) -> Model:
    """A model from ``(title, lead, tone)`` examples; the same examples give the same model."""
    model = Model(version=version)
    for title, lead, tone in examples:
        k = CLASSES.index(tone)
        model.docs[k] += weight
        for key in {f.key for f in features(title, lead)}:
            model.counts.setdefault(key, [0.0, 0.0, 0.0])[k] += weight
    model.totals = [sum(c[k] for c in model.counts.values()) for k in range(3)]
    return model


def combine(base: Model, office: Model, version: str, weight: float = OFFICE_WEIGHT) -> Model:
    """The global model plus an office's own counts, weighted: what an office model predicts with."""
    counts = {key: list(value) for key, value in base.counts.items()}
    for key, value in office.counts.items():
        row = counts.setdefault(key, [0.0, 0.0, 0.0])
        for k in range(3):
            row[k] += weight * value[k]
    model = Model(version=version, docs=[base.docs[k] + weight * office.docs[k] for k in range(3)], counts=counts)
    model.totals = [sum(c[k] for c in counts.values()) for k in range(3)]
    return model


@dataclass
class Prediction:
    tone: str
    confidence: float
    phrases: list[dict]  # [{"text", "towards": tone, "weight"}], the strongest first
    scores: dict[str, float]


def _log_likelihoods(model: Model, keys: list[str]) -> list[list[float]]:
    vocabulary = len(model.counts) + 1
    rows = []
    for key in keys:
        counts = model.counts.get(key)
        if counts is None:
            rows.append([0.0, 0.0, 0.0])  # unseen: says nothing
            continue
        rows.append([math.log((counts[k] + 1.0) / (model.totals[k] + vocabulary)) for k in range(3)])
    return rows


def predict(model: Model, title: str, lead: str = "", max_phrases: int = 5) -> Prediction:
    """The most likely tone, its probability (tempered: naive Bayes is overconfident) and the phrases that
    pushed most towards it against the runner-up."""
    pairs = [(f.key, f.text) for f in features(title, lead)]
    keys = list(dict.fromkeys(key for key, _text in pairs))
    rows = _log_likelihoods(model, keys)
    total_docs = sum(model.docs) + 3
    scores = [math.log((model.docs[k] + 1) / total_docs) + sum(r[k] for r in rows) for k in range(3)]
    best = max(range(3), key=lambda k: (scores[k], -k))
    temperature = max(1.0, len(keys) * TEMPERATURE_PER_FEATURE)
    top = max(scores)
    weights = [math.exp((s - top) / temperature) for s in scores]
    probabilities = [w / sum(weights) for w in weights]
    runner_up = max((k for k in range(3) if k != best), key=lambda k: scores[k])
    delta = {key: row[best] - row[runner_up] for key, row in zip(keys, rows, strict=True)}
    pushed: dict[str, float] = {}
    for key, text in pairs:
        # Lexicon hits are the phrases a reader recognises: each one pushing the same way is shown first.
        weight = delta[key] + (LEXICON_AHEAD if key.startswith("L:") and delta[key] > 0 else 0.0)
        if weight > 0 and _telling(model, key, text):
            pushed[text] = max(pushed.get(text, 0.0), weight)
    phrases = _distinct(sorted(pushed.items(), key=lambda kv: (-kv[1], kv[0])), max_phrases)
    return Prediction(CLASSES[best], round(probabilities[best], 4),
                      [{"text": t, "towards": CLASSES[best], "weight": round(w, 3)} for t, w in phrases],
                      {CLASSES[k]: round(probabilities[k], 4) for k in range(3)})


def _telling(model: Model, key: str, text: str) -> bool:
    """Worth showing: a lexicon hit, or a phrase seen in several training articles that is not only
    function words or numbers."""
    if key.startswith("L:"):
        return True
    syllables = [fold(w) for w in text.split()]
    if all(s in STOP or s.isdigit() for s in syllables):
        return False
    return sum(model.counts.get(key, (0, 0, 0))) >= 3


def _distinct(ranked: list[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    """The strongest phrases, without a syllable already shown inside a longer phrase ("ùn tắc", "tắc")."""
    kept: list[tuple[str, float]] = []
    for text, weight in ranked:
        lower = text.lower()
        if any(lower in k.lower().split() or lower == k.lower() for k, _w in kept):
            continue
        kept = [(k, w) for k, w in kept if k.lower() not in lower.split()]
        kept.append((text, weight))
        if len(kept) == limit:
            break
    return kept


@lru_cache(maxsize=1)
def global_model() -> Model:
    """The shipped model (read once per process)."""
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        return Model.from_json(json.load(handle))


def save(model: Model, path: Path = MODEL_PATH) -> None:
    """Written deterministically (sorted keys, no timestamp in the gzip header)."""
    body = json.dumps(model.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(body)


# --- measuring -----------------------------------------------------------------------------------------

def evaluate(model: Model, examples: Iterable[tuple[str, str, str]]) -> dict:
    """Accuracy, macro-F1 and the confusion matrix (rows: true tone, columns: predicted) on ``examples``."""
    matrix = {t: {p: 0 for p in CLASSES} for t in CLASSES}
    n = 0
    for title, lead, tone in examples:
        matrix[tone][predict(model, title, lead, max_phrases=0).tone] += 1
        n += 1
    correct = sum(matrix[t][t] for t in CLASSES)
    f1s = []
    for tone in CLASSES:
        tp = matrix[tone][tone]
        predicted = sum(matrix[t][tone] for t in CLASSES)
        actual = sum(matrix[tone].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {"n": n, "accuracy": round(correct / n, 4) if n else 0.0,
            "macro_f1": round(sum(f1s) / 3, 4), "confusion": matrix}


def read_labelled(path: Path) -> list[dict]:
    """A labelled file (TSV with a header: ``title``, ``lead``, ``tone``, optionally ``id``, ``split``,
    ``kind``) as rows; a tone outside ``CLASSES`` is refused with its line number."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for number, line in enumerate(handle, start=2):
            if not line.strip():
                continue
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            if row.get("tone") not in CLASSES:
                raise ValueError(f"{path}:{number}: tone must be one of {', '.join(CLASSES)}")
            rows.append(row)
    return rows


def examples(rows: Iterable[dict], split: str | None = None) -> list[tuple[str, str, str]]:
    """``(title, lead, tone)`` of the rows (of one split)."""
    return [(r["title"], r.get("lead", ""), r["tone"]) for r in rows if split is None or r.get("split") == split]
