"""Demo contact network for ``flask demo-data``: a believable Quảng Ninh press corps (idempotent)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from coordinator.contacts import operations as ops
from coordinator.contacts.models import Journalist, Outlet
from coordinator.contacts.text import fold
from coordinator.extensions import db

SEED = 20261124

# name, kind, level, website (domains follow the website)
OUTLETS: tuple[tuple[str, str, str, str | None], ...] = (
    ("Báo Quảng Ninh", "newspaper", "provincial", "https://baoquangninh.vn"),
    ("Đài Phát thanh và Truyền hình Quảng Ninh (QTV)", "tv", "provincial", "https://qtv.vn"),
    ("Tạp chí Hạ Long", "magazine", "provincial", "https://tapchihalong.vn"),
    ("Cổng Thông tin điện tử tỉnh Quảng Ninh", "online", "provincial", "https://www.quangninh.gov.vn"),
    ("Báo Hải Phòng", "newspaper", "provincial", "https://baohaiphong.com.vn"),
    ("Báo Bắc Giang", "newspaper", "provincial", "https://baobacgiang.vn"),
    ("Trang tin Quảng Ninh trên TikTok", "social", "provincial", None),
    ("Trung tâm Truyền thông và Văn hoá TP Hạ Long", "radio", "local", None),
    ("Trung tâm Truyền thông và Văn hoá TP Cẩm Phả", "radio", "local", None),
    ("Trung tâm Truyền thông và Văn hoá TP Móng Cái", "radio", "local", None),
    ("Trung tâm Truyền thông và Văn hoá TP Uông Bí", "tv", "local", None),
    ("Trung tâm Truyền thông và Văn hoá huyện Vân Đồn", "radio", "local", None),
    ("Trang Facebook Hạ Long 24h", "social", "local", None),
    ("Báo Nhân Dân – thường trú Quảng Ninh", "newspaper", "central", "https://nhandan.vn"),
    ("Báo Quân đội Nhân dân", "newspaper", "central", "https://www.qdnd.vn"),
    ("Báo Lao Động", "newspaper", "central", "https://laodong.vn"),
    ("Báo Tuổi Trẻ", "newspaper", "central", "https://tuoitre.vn"),
    ("Báo Thanh Niên", "newspaper", "central", "https://thanhnien.vn"),
    ("Báo Tiền Phong", "newspaper", "central", "https://tienphong.vn"),
    ("Báo Người Lao Động", "newspaper", "central", "https://nld.com.vn"),
    ("Báo Đầu tư", "newspaper", "central", "https://baodautu.vn"),
    ("Báo Công an Nhân dân", "newspaper", "central", "https://cand.com.vn"),
    ("Báo Giao thông", "newspaper", "central", "https://www.baogiaothong.vn"),
    ("Báo Tài nguyên và Môi trường", "newspaper", "central", "https://baotainguyenmoitruong.vn"),
    ("Báo Sức khoẻ và Đời sống", "newspaper", "central", "https://suckhoedoisong.vn"),
    ("Báo Giáo dục và Thời đại", "newspaper", "central", "https://giaoducthoidai.vn"),
    ("VnExpress", "online", "central", "https://vnexpress.net"),
    ("Báo điện tử Dân trí", "online", "central", "https://dantri.com.vn"),
    ("VietNamNet", "online", "central", "https://vietnamnet.vn"),
    ("Báo điện tử Chính phủ", "online", "central", "https://baochinhphu.vn"),
    ("VTC News", "online", "central", "https://vtcnews.vn"),
    ("Znews", "online", "central", "https://znews.vn"),
    ("Đài Truyền hình Việt Nam (VTV)", "tv", "central", "https://vtv.vn"),
    ("Truyền hình Quốc hội Việt Nam", "tv", "central", "https://quochoitv.vn"),
    ("Truyền hình Công an Nhân dân (ANTV)", "tv", "central", "https://antv.gov.vn"),
    ("Đài Tiếng nói Việt Nam (VOV)", "radio", "central", "https://vov.vn"),
    ("VOV Giao thông", "radio", "central", "https://vovgiaothong.vn"),
    ("Thông tấn xã Việt Nam (TTXVN)", "news_agency", "central", "https://vnanet.vn"),
    ("Tạp chí Cộng sản", "magazine", "central", "https://www.tapchicongsan.org.vn"),
    ("Tạp chí Kinh tế Việt Nam – VnEconomy", "magazine", "central", "https://vneconomy.vn"),
    ("Tạp chí Môi trường và Cuộc sống", "magazine", "central", "https://moitruong.net.vn"),
    ("Reuters", "news_agency", "foreign", "https://www.reuters.com"),
    ("AFP", "news_agency", "foreign", "https://www.afp.com"),
    ("Kyodo News", "news_agency", "foreign", "https://english.kyodonews.net"),
    ("BBC News Tiếng Việt", "online", "foreign", "https://www.bbc.com"),
    ("NHK World", "tv", "foreign", "https://www3.nhk.or.jp"),
)

BEATS = ("Kinh tế", "Du lịch", "Y tế", "Giáo dục", "Môi trường", "Giao thông", "Nội chính", "Văn hoá – Xã hội",
         "Đầu tư", "Biển đảo", "Quốc phòng – An ninh", "Nông nghiệp", "Khoa học – Công nghệ", "Thể thao")

FAMILY = ("Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
          "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Lương", "Trịnh", "Tạ", "Mai")
MIDDLE_F = ("Thị", "Thị", "Thu", "Thanh", "Ngọc", "Thuỳ", "Kim", "Phương", "Hải", "Minh", "Bích", "Diệu")
MIDDLE_M = ("Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Hoàng", "Thanh", "Xuân", "Trọng", "Công", "Mạnh")
GIVEN_F = ("Hạnh", "Lan", "Mai", "Hương", "Trang", "Linh", "Hà", "Phương", "Thảo", "Ngân", "Yến", "Vy", "Huyền",
           "Nhung", "Oanh", "Giang", "Châu", "Loan", "Nga", "Thuý", "Ánh", "Duyên", "Quỳnh", "Hiền", "Tâm")
GIVEN_M = ("Nam", "Dũng", "Tuấn", "Hùng", "Cường", "Quân", "Đức", "Khánh", "Long", "Sơn", "Thắng", "Tùng", "Hiếu",
           "Việt", "Bình", "Hải", "Phong", "Toàn", "Thành", "Trung", "Đạt", "Kiên", "Lâm", "Vinh", "Huy")
MOBILE_PREFIXES = ("90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35", "36", "37", "38", "39", "70",
                   "76", "77", "78", "79", "81", "82", "83", "84", "85", "88")

LISTS = (
    ("Báo chí trong tỉnh", "Cơ quan báo chí cấp tỉnh và địa phương", {"levels": ["provincial", "local"]}),
    ("Cơ quan Trung ương thường trú", "Phóng viên thường trú của các cơ quan Trung ương", {"levels": ["central"]}),
    ("Kinh tế – Đầu tư", "Phóng viên theo dõi kinh tế và đầu tư", {"beats": ["Kinh tế", "Đầu tư"]}),
    ("Truyền hình và Phát thanh", "Các đài truyền hình, phát thanh", {"outlet_kinds": ["tv", "radio"]}),
    ("Khách mời cố định họp báo thường kỳ", "Danh sách cố định do Văn phòng chọn", {}),
)


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def _random_journalist(office_id: int, rng: random.Random, outlets: list[Outlet], weights: list[int],
                       used: set[str]) -> Journalist:
    """A made-up journalist at an outlet drawn by ``weights``, with an address at its domain not yet ``used``."""
    female = rng.random() < 0.5
    name = " ".join((rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)))
    outlet = rng.choices(outlets, weights)[0]
    parts = fold(name).split()
    local = parts[-1] + "." + "".join(p[0] for p in parts[:-1])
    domain = (outlet.domains or ["gmail.com"])[0]
    email, n = f"{local}@{domain}", 1
    while email in used:
        n += 1
        email = f"{local}{n}@{domain}"
    used.add(email)
    since = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
    return ops.create_journalist(office_id, {
        "full_name": name, "email": email, "outlet_id": outlet.id,
        "phone": _phone(rng) if rng.random() < 0.85 else None,
        "beats": rng.sample(BEATS, rng.choice((1, 1, 2, 2, 3))),
        "language": "en" if outlet.level == "foreign" else "vi"}, since=since)


def load_contacts_demo(office_id: int, journalists: int = 300) -> str:
    """Outlets, beats, ~300 journalists and 5 lists for the office; nothing if it already has outlets."""
    if db.session.scalar(select(func.count(Outlet.id)).where(Outlet.office_id == office_id)):
        return "  Danh bạ báo chí: đã có, không thay đổi."
    rng = random.Random(SEED)
    outlets = [ops.create_outlet(office_id, {"name": name, "kind": kind, "level": level, "website": website})
               for name, kind, level, website in OUTLETS]
    for beat in BEATS:
        ops.create_beat(office_id, beat)
    weights = [6 if o.level == "provincial" else 3 if o.level == "local" else 2 if o.level == "central" else 1
               for o in outlets]
    used: set[str] = set()
    people = [_random_journalist(office_id, rng, outlets, weights, used) for _ in range(journalists)]
    # Some moved between outlets: history keeps where they were on each date.
    for person in rng.sample(people, 24):
        target = rng.choice([o for o in outlets if o.id != person.outlet_id])
        moved_on = person.history[0].valid_from + timedelta(days=rng.randrange(200, 900))
        ops.move_to_outlet(person, target, moved_on)
    for status, count, reason in (("bounced", 6, "Hộp thư không tồn tại (550)"),
                                  ("unsubscribed", 4, "Tự huỷ nhận tin qua đường dẫn"),
                                  ("archived", 3, "Đã nghỉ hưu")):
        for person in rng.sample([p for p in people if p.status == "active"], count):
            ops.set_status(person, status, reason)
    for name, description, rule in LISTS:
        data = {"name": name, "description": description, "rule": rule}
        if not rule:
            data["member_ids"] = sorted(p.id for p in rng.sample(people, 25))
        ops.create_list(office_id, data)
    db.session.flush()
    return (f"  Danh bạ báo chí: {len(outlets)} cơ quan, {len(people)} nhà báo, {len(BEATS)} lĩnh vực, "
            f"{len(LISTS)} danh sách gửi")
