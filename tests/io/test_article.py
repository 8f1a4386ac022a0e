"""The reference article format: header, title, time line, body, captions, tail."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from annotator.io import ParseError, parse_article, reader
from annotator.io import article as article_mod
from annotator.io.article import (
    ArticleFormatError,
    article_format,
    is_article,
    load_article_format,
    parse_time,
)

HEADER = " date 2025-04-22 EN"


def make_article(
    title: str = "Leaders hold talks in Astana",
    blocks: tuple[str | tuple[str | None, str], ...] = ("First paragraph.", "Second one."),
    *,
    header: str = HEADER,
    time: str | None = "13:45, 22 April 2025",
    tail: tuple[str, ...] = ("Politics Economy Astana", "Jane Doe", "Jane Doe", "Автор"),
    nl: str = "\n",
) -> str:
    """An article in the reference layout; a tuple block is a (caption, credit) photo."""
    lines = [header, f"    {title}", ""]
    if time is not None:
        lines += [f"    {time}", ""]
    for block in blocks:
        if isinstance(block, tuple):
            caption, credit = block
            lines += ([f"    {caption}"] if caption is not None else []) + [f"    {credit}"]
        else:
            lines += [f"    {line}" for line in block.split("\n")]
        lines.append("")
    lines += [f"    {line}" for line in tail]
    return nl.join(lines) + nl


def paragraphs(doc) -> list[str]:
    return [
        doc.text[s["start"] : s["end"]] for s in doc.meta["sections"] if s["kind"] == "paragraph"
    ]


# -- the real reference article --------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(reference_article):
    raw = reference_article.read_text(encoding="utf-8")
    return parse_article(raw, source=str(reference_article))


def test_article_reference_header_title_and_time(reference, reference_article):
    assert reference.title.startswith("Kassym-Jomart Tokayev, Gurbanguly Berdimuhamedov hold")
    assert reference.title.endswith("informal meeting in Turkistan")
    assert reference.date == "2025-04-22"
    assert reference.time == "2025-04-22T13:45"
    assert reference.meta["time_raw"] == "13:45, 22 April 2025"
    assert reference.lang == "en"
    assert reference.meta["header_lang"] == "en"
    assert reference.external_id == reference_article.stem
    assert reference.source == str(reference_article)


def test_article_reference_photos_tags_author(reference):
    photos = reference.meta["photos"]
    assert len(photos) == 4
    assert all(p["credit"] == "Akorda" for p in photos)
    assert photos[1]["caption"] == "Kassym-Jomart Tokayev, Gurbanguly Berdimuhamedov"
    assert reference.meta["tags"].startswith("Turkmenistan Kazakhstan Politics")
    assert reference.meta["tags"].endswith("Turkistan")
    assert reference.meta["author"] == "Arailym Temirgaliyeva"


def test_article_reference_body_has_no_metadata(reference):
    body = paragraphs(reference)
    assert len(body) == 8
    captions = {p["caption"] for p in reference.meta["photos"]}
    assert not captions & set(body)
    assert "Photo credit" not in reference.text
    assert "Arailym" not in reference.text and "Автор" not in reference.text
    # the first caption repeats the title: it must appear once, as the title
    assert reference.text.count(reference.title) == 1
    assert reference.text.startswith(reference.title + "\n\n")
    assert body[-1].endswith("and Turkistan visit centre.")


def test_article_reference_keeps_nbsp_and_dollar_amount(reference):
    assert "raise commodity turnover to $1 billion in the nearest future" in reference.text
    assert "visited the\u00a0Mausoleum of Khoja Ahmed Yassawi" in reference.text
    assert "    " not in reference.text  # indentation stripped


def test_article_reference_sections_are_exact(reference):
    sections = reference.meta["sections"]
    assert sections[0] == {"kind": "title", "start": 0, "end": len(reference.title)}
    assert "\n\n".join(reference.text[s["start"] : s["end"]] for s in sections) == reference.text


# -- quirks ------------------------------------------------------------------------------------


def test_article_crlf_and_bom_parse_like_lf():
    plain = parse_article(make_article())
    assert parse_article(make_article(nl="\r\n")).text == plain.text
    assert parse_article("\ufeff" + make_article(nl="\r\n")).text == plain.text
    assert "\r" not in plain.text and "\ufeff" not in plain.text
    assert plain.text == "Leaders hold talks in Astana\n\nFirst paragraph.\n\nSecond one."


def test_article_nbsp_is_kept():
    doc = parse_article(make_article(blocks=("Turnover reached $1\u00a0billion.",)))
    assert paragraphs(doc) == ["Turnover reached $1\u00a0billion."]


def test_article_cyrillic_and_russian_time_line():
    raw = make_article(
        "Токаев провёл переговоры",
        ("Президент Казахстана провёл встречу.",),
        header=" date 2024-08-08 RU",
        time="12:30, 8 августа 2024",
        tail=("Казахстан Политика", "Данияр Омаров", "Данияр Омаров", "Автор"),
    )
    doc = parse_article(raw)
    assert (doc.lang, doc.title, doc.time) == ("ru", "Токаев провёл переговоры", "2024-08-08T12:30")
    assert doc.meta["author"] == "Данияр Омаров"
    assert doc.meta["tags"] == "Казахстан Политика"


@pytest.mark.parametrize(
    ("code", "expected"), [("KZ", "kk"), ("zh-Hant", "zh"), ("UZ", "uz"), ("en_GB", "en")]
)
def test_article_lang_codes_become_canonical_language_codes(code, expected):
    doc = parse_article(make_article(header=f" date 2025-04-22 {code}"))
    assert doc.lang == expected
    assert doc.meta["header_lang"] == code.lower()  # as written in the file


def test_article_lang_argument_overrides_header():
    assert parse_article(make_article(), lang="DE").lang == "de"


def test_article_header_without_lang_defaults_to_xx():
    assert parse_article(make_article(header=" date 2025-04-22")).lang == "xx"


def test_article_missing_author_marker_uses_repeated_author():
    doc = parse_article(make_article(tail=("Politics", "Jane Doe", "Jane Doe")))
    assert doc.meta["author"] == "Jane Doe"
    assert doc.meta["tags"] == "Politics"
    assert "Jane Doe" not in doc.text and "Politics" not in doc.text


def test_article_single_author_line_needs_the_marker():
    doc = parse_article(make_article(tail=("Politics", "Jane Doe", "Автор")))
    assert (doc.meta["author"], doc.meta["tags"]) == ("Jane Doe", "Politics")


def test_article_without_tail_keeps_last_paragraph():
    doc = parse_article(make_article(tail=()))
    assert doc.meta["author"] is None and doc.meta["tags"] is None
    assert paragraphs(doc) == ["First paragraph.", "Second one."]


def test_article_repeated_sentence_is_not_an_author():
    doc = parse_article(make_article(blocks=("Body.", "Thank you.\nThank you."), tail=()))
    assert doc.meta["author"] is None
    assert paragraphs(doc)[-1] == "Thank you.\nThank you."


def test_article_author_block_after_blank_line_has_no_tags():
    doc = parse_article(make_article(blocks=("Body text.", "Jane Doe\nJane Doe"), tail=("Автор",)))
    assert doc.meta["author"] == "Jane Doe"
    assert doc.meta["tags"] is None
    assert paragraphs(doc) == ["Body text."]


def test_article_no_captions():
    doc = parse_article(make_article())
    assert doc.meta["photos"] == []


def test_article_three_captions():
    blocks = (
        "One.",
        ("Caption A", "Photo credit: Akorda"),
        "Two.",
        ("Caption B", "Photo credit: Kazinform"),
        ("Caption C", "Photo credit: Press service"),
        "Three.",
    )
    doc = parse_article(make_article(blocks=blocks))
    assert doc.meta["photos"] == [
        {"caption": "Caption A", "credit": "Akorda"},
        {"caption": "Caption B", "credit": "Kazinform"},
        {"caption": "Caption C", "credit": "Press service"},
    ]
    assert paragraphs(doc) == ["One.", "Two.", "Three."]


def test_article_caption_repeating_the_title():
    title = "Leaders hold talks in Astana"
    doc = parse_article(make_article(title, ("Body.", (title, "Photo credit: Akorda"), "More.")))
    assert doc.title == title
    assert doc.text == f"{title}\n\nBody.\n\nMore."
    assert doc.meta["photos"] == [{"caption": title, "credit": "Akorda"}]


def test_article_credit_without_caption_and_inside_a_paragraph():
    blocks = ((None, "Photo credit: Akorda"), "Line one\nCaption X\nPhoto credit: Agency\nLine two")
    doc = parse_article(make_article(blocks=blocks))
    assert doc.meta["photos"] == [
        {"caption": None, "credit": "Akorda"},
        {"caption": "Caption X", "credit": "Agency"},
    ]
    assert paragraphs(doc) == ["Line one", "Line two"]


def test_article_without_time_line():
    doc = parse_article(make_article(time=None))
    assert doc.time is None and doc.meta["time_raw"] is None
    assert paragraphs(doc)[0] == "First paragraph."


def test_article_body_starting_with_a_number_is_not_a_time_line():
    doc = parse_article(make_article(time=None, blocks=("15 people came in 2024 to see it.",)))
    assert doc.time is None
    assert paragraphs(doc) == ["15 people came in 2024 to see it."]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13:45, 22 April 2025", "2025-04-22T13:45"),
        ("9:05, 3 Sept 2024", "2024-09-03T09:05"),
        ("22.04.2025 13:45", "2025-04-22T13:45"),
        ("15:25, 2 желтоқсан 2024", "2024-12-02T15:25"),
        ("13:45", "2025-01-01T13:45"),
        ("22 April 2025", "2025-04-22"),
        ("25:99, 31 Foo 2025", "25:99, 31 Foo 2025"),
    ],
)
def test_article_parse_time_variants(raw, expected):
    assert parse_time(raw, "2025-01-01") == expected


# -- credits in every language -----------------------------------------------------------------

RU = {"header": " date 2025-03-19 RU", "time": "16:00, 19 марта 2025"}
KZ = {"header": " date 2024-12-02 KZ", "time": "15:25, 2 желтоқсан 2024"}


def test_article_russian_foto_credit_after_caption_is_metadata():
    blocks = ("Премьер провёл встречу.", ("Олжас Бектенов, Мария Хольм", "Фото: Правительство РК"),
              "Стороны обсудили проекты.")  # fmt: skip
    doc = parse_article(make_article("Встреча", blocks, **RU))
    assert doc.meta["photos"] == [
        {"caption": "Олжас Бектенов, Мария Хольм", "credit": "Правительство РК"}
    ]
    assert paragraphs(doc) == ["Премьер провёл встречу.", "Стороны обсудили проекты."]
    assert "Фото" not in doc.text


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Сурет: Ақорда", "Ақорда"),
        ("Фото: Үкімет баспасөз қызметі", "Үкімет баспасөз қызметі"),
        ("Суреттер: Kazinform / Бекзат Бейсенбаев", "Kazinform / Бекзат Бейсенбаев"),
        ("СУРЕТ :Ақорда", "Ақорда"),  # case and spacing do not matter
        ("Фото/видео: Kazinform", "Kazinform"),
        ("Сурет:", None),
    ],
)
def test_article_kazakh_credit_forms(line, credit):
    blocks = ("Мемлекет басшысы сөйлесті.", ("Қасым-Жомарт Тоқаев", line), "Тараптар келісті.")
    doc = parse_article(make_article("Сөйлесу", blocks, **KZ))
    assert doc.meta["photos"] == [{"caption": "Қасым-Жомарт Тоқаев", "credit": credit}]
    assert paragraphs(doc) == ["Мемлекет басшысы сөйлесті.", "Тараптар келісті."]


def test_article_mixed_credit_languages_in_one_article():
    blocks = (
        "Первый абзац.",
        ("Встреча в Акорде", "Photo credit: Akorda"),
        ("Подписание меморандума", "Фото предоставлено пресс-службой акимата"),
        "Второй абзац.",
        ("Вид на Туркестан", "Фото из открытых источников"),
        ("Кесене", "Сурет: Kazinform"),
        ("Astana", "Photo: Kazinform"),
        "Третий абзац.",
    )
    doc = parse_article(make_article("Смешанная статья", blocks, **RU))
    assert doc.meta["photos"] == [
        {"caption": "Встреча в Акорде", "credit": "Akorda"},
        # without a colon the wording is part of the credit
        {"caption": "Подписание меморандума", "credit": "Фото предоставлено пресс-службой акимата"},
        {"caption": "Вид на Туркестан", "credit": "Фото из открытых источников"},
        {"caption": "Кесене", "credit": "Kazinform"},
        {"caption": "Astana", "credit": "Kazinform"},
    ]
    assert paragraphs(doc) == ["Первый абзац.", "Второй абзац.", "Третий абзац."]


def test_article_credit_on_its_own_or_first_in_a_block():
    # inform.kz puts "Фото: Акорда" in a block of its own; zakon.kz right above a paragraph
    blocks = ("Первый абзац.", "Фото: Акорда", "Фото: Kazinform\nМногие кадры не публиковались.")
    doc = parse_article(make_article("Статья", blocks, **RU))
    assert doc.meta["photos"] == [
        {"caption": None, "credit": "Акорда"},
        {"caption": None, "credit": "Kazinform"},
    ]
    assert paragraphs(doc) == ["Первый абзац.", "Многие кадры не публиковались."]


@pytest.mark.parametrize(
    "body",
    [
        "Фото с места событий опубликовали в соцсетях.",  # "Фото" as a word in a sentence
        "Фотовыставка откроется в субботу",
        "Фото предоставлено музею семьёй героя.",  # a sentence, not a credit
        "Фото: как это было.",
        "Фото из архивов города показывают старую Алма-Ату",  # not the phrase "Фото из архива"
        "Фото: " + " ".join(["слово"] * 12),  # too many words for a credit
        "Фото: " + "о" * 120,  # too long for a credit
        "Сурет: Мемлекет басшысы мен Президент келіссөздер жүргізді.",
        "Photo: the President greets the guests.",
        # a credit-like line after a long body line (not a caption) stays body text
        "Президент провёл расширенное заседание Правительства по итогам года, " * 3
        + "сообщает пресс-служба\nФото: Акорда",
    ],
)
def test_article_body_text_that_only_looks_like_a_credit_stays_text(body):
    doc = parse_article(make_article("Статья", ("Первый абзац.", body), **RU))
    assert doc.meta["photos"] == []
    assert paragraphs(doc) == ["Первый абзац.", body]


def test_article_english_photo_credit_keeps_its_old_reach():
    # "Photo credit:" was always a credit, also after a long line: kept byte-identical
    long_line = ("A long body sentence that is no caption at all, " * 5).strip()
    doc = parse_article(make_article(blocks=("One.", f"{long_line}\nPhoto credit: Akorda")))
    assert doc.meta["photos"] == [{"caption": long_line, "credit": "Akorda"}]


def test_article_credit_line_is_never_the_author():
    doc = parse_article(make_article(blocks=("Body.",), tail=("Фото: Акорда", "Автор")))
    assert doc.meta["author"] is None
    assert doc.meta["photos"] == [{"caption": None, "credit": "Акорда"}]


def test_article_bundled_russian_and_kazakh_credits_are_metadata(corpus_dir):
    fmt = article_format()
    for path in sorted(corpus_dir.glob("*.txt")):
        doc = parse_article(path.read_text(encoding="utf-8"), path.name)
        assert not [ln for ln in doc.text.split("\n") if fmt.looks_like_credit(ln)], path.name
        if doc.lang in {"ru", "kk"}:
            assert doc.meta["photos"], path.name
            assert all(p["caption"] and p["credit"] for p in doc.meta["photos"]), path.name


# -- the format resource -----------------------------------------------------------------------


def test_article_format_resource_is_bundled_and_complete():
    fmt = article_format()
    assert fmt.months["марта"] == fmt.months["март"] == fmt.months["mar"] == 3
    assert fmt.months["sept"] == fmt.months["қыркүйек"] == 9
    assert fmt.markers == {"автор", "author"}


def _good_toml() -> str:
    return article_mod.resources_dir().joinpath(article_mod.FORMAT_FILE).read_text("utf-8")


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace('"Сурет:",', "Сурет:,"), "not valid TOML"),
        (lambda t: t.replace("[author]", "[authors]"), "missing 'author'"),
        (lambda t: t.replace('"мамыр", ', ""), "time.months.kk must list the twelve months"),
        (lambda t: t.replace('"мамыр"', '"март"'), "month name 'март' stands for two months"),
        (lambda t: t.replace("max_words = 12", "max_words = 0"), "max_words must be a positive"),
        (lambda t: t.replace('ru = [\n    "Фото:"', 'ru = [\n    3, "Фото:"'),
         "credit.guarded.ru must be a list of non-empty strings"),
    ],
)  # fmt: skip
def test_article_format_bad_file_is_one_line_naming_it(tmp_path, edit, reason):
    path = tmp_path / "article_format.toml"
    path.write_text(edit(_good_toml()), encoding="utf-8")
    with pytest.raises(ArticleFormatError, match=reason) as err:
        load_article_format(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_article_format_missing_file_is_a_read_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(article_mod, "resources_dir", lambda: tmp_path / "gone")
    article_format.cache_clear()
    try:
        src = tmp_path / "a.txt"
        src.write_text(make_article(), encoding="utf-8")
        (item,) = reader.read_file(src)
    finally:
        article_format.cache_clear()
    assert isinstance(item, reader.ReadError)
    assert "article_format.toml: cannot read it" in item.reason
    assert "\n" not in item.reason


# -- errors ------------------------------------------------------------------------------------


def test_article_impossible_date_is_an_error():
    with pytest.raises(ParseError, match="impossible date 2025-02-30") as info:
        parse_article(make_article(header=" date 2025-02-30 EN"))
    assert info.value.line == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (" date 2025-04-22 EN\n", "only a header"),
        ("\n\n date 2025-04-22 EN\n   \n", "only a header"),
        (" date 2025-04-22 EN\n    Title\n\n    13:45, 22 April 2025\n", "no body paragraphs"),
        ("Just a title\n\nBody.\n", "expected a ' date YYYY-MM-DD LANG' header"),
        (" date 2025-04-22 E!N\nT\n\nB\n", "not a language code"),
        ("", "expected a ' date YYYY-MM-DD LANG' header"),
    ],
)
def test_article_bad_content_raises_parse_error(raw, reason):
    with pytest.raises(ParseError, match=reason):
        parse_article(raw)


def test_article_is_article_sniffs_the_header():
    assert is_article("\ufeff date 2025-04-22 EN\r\nTitle")
    assert is_article("\n  date 2025-04-22 kz\n")
    assert is_article(" date 2025-04-22\n")
    assert not is_article("A date 2025-04-22 EN\n")
    assert not is_article(" date 2025-04-22 EN and more words\n")
    assert not is_article("Title\n date 2025-04-22 EN\n")


# -- properties --------------------------------------------------------------------------------

TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@given(TEXTS)
def test_article_arbitrary_text_only_raises_parse_error(raw):
    with contextlib.suppress(ParseError):  # anything else fails the test
        parse_article(raw)


@given(TEXTS)
def test_article_arbitrary_text_after_a_header_only_raises_parse_error(body):
    try:
        doc = parse_article(f"{HEADER}\n{body}")
    except ParseError:
        return
    for sec in doc.meta["sections"]:
        assert 0 <= sec["start"] < sec["end"] <= len(doc.text)
    assert doc.text.startswith(doc.title)


LINE = (
    st.text(
        st.characters(
            whitelist_categories=("L", "N", "P", "Zs"), blacklist_characters="\u2028\u2029"
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: s.strip(" \t"))
    .filter(lambda s: s and not s.isspace())
)
PARAGRAPH = st.lists(LINE, min_size=1, max_size=3).map("\n".join)


def _plain_body(paras: list[str]) -> bool:
    lines = [ln for p in paras for ln in p.split("\n")]
    if any(article_format().looks_like_credit(ln) for ln in lines):
        return False
    last = paras[-1].split("\n")
    return last[-1].lower() not in {"автор", "author"} and not (
        len(last) > 1 and last[-1] == last[-2]
    )


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(LINE, st.lists(PARAGRAPH, min_size=1, max_size=5))
def test_article_sections_are_exact_for_generated_articles(title, paras):
    assume(_plain_body(paras))
    doc = parse_article(make_article(title, tuple(paras), time="10:00, 1 May 2025", tail=()))
    sections = doc.meta["sections"]
    assert [doc.text[s["start"] : s["end"]] for s in sections] == [title, *paras]
    assert [s["kind"] for s in sections] == ["title"] + ["paragraph"] * len(paras)


@pytest.mark.parametrize("code", ["english", "e", "en-"])
def test_article_header_lang_not_shaped_like_a_language_tag_is_an_error(code):
    with pytest.raises(ParseError, match=f"bad language code '{code}'") as err:
        parse_article(make_article(header=f" date 2025-04-22 {code}"))
    assert err.value.line == 1
