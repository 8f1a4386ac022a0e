"""Build ru.jsonl and kk.jsonl, the EntityRuler patterns of the rule-based fallback.

    .venv/bin/python resources/patterns/build.py

Edit the tables here, not the JSONL (a test checks the JSONL is up to date). Words in a
phrase are matched on LOWER; a word may end in ``/<class>`` to match its inflected forms:

    Russian  a (Астана -> Астаны, Астане, Астану, Астаной), ia (Россия -> России, ...),
             m (masculine: Шымкент -> Шымкента, ...), j (Китай -> Китая, ...),
             soft (-ь masculine), fsoft (-ь feminine), o (neuter -о), sur (surnames in
             -ов/-ев/-ин), * (any ending: adjectives, "област*")
    Kazakh   k (the stem plus any case/possessive suffix: Астанада, Қазақстанның),
             * (any ending)

Each phrase is tokenised with the fallback's own tokenizer, so hyphenated names split
exactly as in the articles; the class applies to the last token of the word.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPACE = {"IS_SPACE": True, "OP": "?"}
LANGS = ("ru", "kk")

RU = {
    "a": ("а", "(?:а|ы|и|е|у|ой|ою)"),
    "ia": ("ия", "(?:ия|ии|ию|ией)"),
    "m": ("", "(?:|а|у|ом|ем|е)"),
    "j": ("й", "(?:й|я|ю|ем|е)"),
    "soft": ("ь", "(?:ь|я|ю|ем|е)"),
    "fsoft": ("ь", "(?:ь|и|ью)"),
    "o": ("о", "(?:о|а|у|ом|е)"),
    "sur": ("", "(?:|а|у|ым|ом|е|ой|ы)"),
}
_KK_SUFFIXES = (
    "ның нің дың дің тың тің ға ге қа ке на не а е ны ні ды ді ты ті н да де та те нда нде "
    "дан ден тан тен нан нен мен бен пен менен дағы дегі тағы тегі ндағы ндегі "
    "ы і сы сі ының інің сының сінің ына іне сына сіне ын ін сын сін ында інде сында сінде "
    "ынан інен сынан сінен ымен імен сымен сімен"
).split()
KK_SUFFIX = "(?:" + "|".join(sorted(set(_KK_SUFFIXES), key=lambda s: (-len(s), s))) + ")"

# (label, id, Russian, Kazakh, Latin spellings used in Russian/Kazakh texts)
NAMED: list[tuple[str, str, str, str, str]] = [
    # the country and its cities
    ("GPE", "Kazakhstan", "Казахстан/m", "Қазақстан/k", "Kazakhstan"),
    ("GPE", "Kazakhstan", "Республик/a Казахстан", "Қазақстан Республикасы/k", ""),
    ("GPE", "Kazakhstan", "РК", "ҚР", ""),
    ("GPE", "Astana", "Астана/a", "Астана/k", "Astana"),
    ("GPE", "Almaty", "Алматы", "Алматы/k", "Almaty"),
    ("GPE", "Shymkent", "Шымкент/m", "Шымкент/k", "Shymkent"),
    ("GPE", "Aktau", "Актау", "Ақтау/k", "Aktau"),
    ("GPE", "Aktobe", "Актобе", "Ақтөбе/k", "Aktobe"),
    ("GPE", "Atyrau", "Атырау", "Атырау/k", "Atyrau"),
    ("GPE", "Karaganda", "Караганда/a", "Қарағанды/k", "Karaganda"),
    ("GPE", "Kostanay", "Костанай/j", "Қостанай/k", "Kostanay"),
    ("GPE", "Kyzylorda", "Кызылорда/a", "Қызылорда/k", "Kyzylorda"),
    ("GPE", "Pavlodar", "Павлодар/m", "Павлодар/k", "Pavlodar"),
    ("GPE", "Petropavl", "Петропавловск/m", "Петропавл/k", "Petropavl"),
    ("GPE", "Oral", "Уральск/m", "Орал/k", "Uralsk"),
    ("GPE", "Oskemen", "Усть-Каменогорск/m", "Өскемен/k", "Oskemen"),
    ("GPE", "Semey", "Семей/j", "Семей/k", "Semey"),
    ("GPE", "Taraz", "Тараз/m", "Тараз/k", "Taraz"),
    ("GPE", "Turkistan", "Туркестан/m", "Түркістан/k", "Turkistan"),
    ("GPE", "Taldykorgan", "Талдыкорган/m", "Талдықорған/k", "Taldykorgan"),
    ("GPE", "Kokshetau", "Кокшетау", "Көкшетау/k", "Kokshetau"),
    ("GPE", "Zhezkazgan", "Жезказган/m", "Жезқазған/k", "Zhezkazgan"),
    ("GPE", "Konaev", "Конаев/m", "Қонаев/k", "Konaev"),
    ("GPE", "Baikonur", "Байконур/m", "Байқоңыр/k", "Baikonur"),
    ("GPE", "Ekibastuz", "Экибастуз/m", "Екібастұз/k", "Ekibastuz"),
    ("GPE", "Temirtau", "Темиртау", "Теміртау/k", "Temirtau"),
    ("GPE", "Balkhash", "Балхаш/m", "Балқаш/k", "Balkhash"),
    # regions (oblystar)
    ("GPE", "Abai Region", "Абайск/* област/*", "Абай облыс/*", ""),
    ("GPE", "Abai Region", "област/* Абай", "", ""),
    ("GPE", "Akmola Region", "Акмолинск/* област/*", "Ақмола облыс/*", ""),
    ("GPE", "Aktobe Region", "Актюбинск/* област/*", "Ақтөбе облыс/*", ""),
    ("GPE", "Almaty Region", "Алматинск/* област/*", "Алматы облыс/*", ""),
    ("GPE", "Atyrau Region", "Атырауск/* област/*", "Атырау облыс/*", ""),
    (
        "GPE",
        "East Kazakhstan Region",
        "Восточно-Казахстанск/* област/*",
        "Шығыс Қазақстан облыс/*",
        "",
    ),
    ("GPE", "Zhambyl Region", "Жамбылск/* област/*", "Жамбыл облыс/*", ""),
    ("GPE", "Zhetysu Region", "област/* Жетысу", "Жетісу облыс/*", ""),
    (
        "GPE",
        "West Kazakhstan Region",
        "Западно-Казахстанск/* област/*",
        "Батыс Қазақстан облыс/*",
        "",
    ),
    ("GPE", "Karaganda Region", "Карагандинск/* област/*", "Қарағанды облыс/*", ""),
    ("GPE", "Kostanay Region", "Костанайск/* област/*", "Қостанай облыс/*", ""),
    ("GPE", "Kyzylorda Region", "Кызылординск/* област/*", "Қызылорда облыс/*", ""),
    ("GPE", "Mangystau Region", "Мангистауск/* област/*", "Маңғыстау облыс/*", ""),
    ("GPE", "Pavlodar Region", "Павлодарск/* област/*", "Павлодар облыс/*", ""),
    (
        "GPE",
        "North Kazakhstan Region",
        "Северо-Казахстанск/* област/*",
        "Солтүстік Қазақстан облыс/*",
        "",
    ),
    ("GPE", "Turkistan Region", "Туркестанск/* област/*", "Түркістан облыс/*", ""),
    ("GPE", "Ulytau Region", "област/* Улытау", "Ұлытау облыс/*", ""),
    ("GPE", "Sarysu District", "Сарыагашск/* район/*", "Сарыағаш аудан/*", ""),
    # neighbours and partners
    ("GPE", "Russia", "Россия/ia", "Ресей/k", ""),
    ("GPE", "China", "Китай/j", "Қытай/k", ""),
    ("GPE", "Uzbekistan", "Узбекистан/m", "Өзбекстан/k", ""),
    ("GPE", "Kyrgyzstan", "Кыргызстан/m", "Қырғызстан/k", ""),
    ("GPE", "Kyrgyzstan", "Киргизия/ia", "Қырғыз Республикасы/k", ""),
    ("GPE", "Turkmenistan", "Туркменистан/m", "Түрікменстан/k", ""),
    ("GPE", "Tajikistan", "Таджикистан/m", "Тәжікстан/k", ""),
    ("GPE", "Azerbaijan", "Азербайджан/m", "Әзербайжан/k", ""),
    ("GPE", "Turkey", "Турция/ia", "Түркия/k", ""),
    ("GPE", "Belarus", "Беларусь/fsoft", "Беларусь/k", ""),
    ("GPE", "Ukraine", "Украина/a", "Украина/k", ""),
    ("GPE", "Armenia", "Армения/ia", "Армения/k", ""),
    ("GPE", "Georgia", "Грузия/ia", "Грузия/k", ""),
    ("GPE", "Mongolia", "Монголия/ia", "Моңғолия/k", ""),
    ("GPE", "Afghanistan", "Афганистан/m", "Ауғанстан/k", ""),
    ("GPE", "Pakistan", "Пакистан/m", "Пәкістан/k", ""),
    ("GPE", "Iran", "Иран/m", "Иран/k", ""),
    ("GPE", "India", "Индия/ia", "Үндістан/k", ""),
    ("GPE", "Japan", "Япония/ia", "Жапония/k", ""),
    ("GPE", "South Korea", "Корея/ia", "Корея/k", ""),
    ("GPE", "Germany", "Германия/ia", "Германия/k", ""),
    ("GPE", "France", "Франция/ia", "Франция/k", ""),
    ("GPE", "Italy", "Италия/ia", "Италия/k", ""),
    ("GPE", "United Kingdom", "Великобритания/ia", "Ұлыбритания/k", ""),
    ("GPE", "United States", "США", "АҚШ/k", ""),
    ("GPE", "UAE", "ОАЭ", "БАӘ/k", ""),
    ("GPE", "Saudi Arabia", "Саудовск/* Аравия/ia", "Сауд Арабиясы/k", ""),
    ("GPE", "Qatar", "Катар/m", "Катар/k", ""),
    ("GPE", "Moscow", "Москва/a", "Мәскеу/k", ""),
    ("GPE", "Tashkent", "Ташкент/m", "Ташкент/k", ""),
    ("GPE", "Bishkek", "Бишкек/m", "Бішкек/k", ""),
    ("GPE", "Beijing", "Пекин/m", "Бейжің/k", ""),
    ("GPE", "Istanbul", "Стамбул/m", "Стамбұл/k", ""),
    ("GPE", "Ankara", "Анкара/a", "Анкара/k", ""),
    ("GPE", "Dubai", "Дубай/j", "Дубай/k", ""),
    ("GPE", "Baku", "Баку", "Баку/k", ""),
    ("GPE", "Minsk", "Минск/m", "Минск/k", ""),
    ("GPE", "Dushanbe", "Душанбе", "Душанбе/k", ""),
    ("GPE", "Ashgabat", "Ашхабад/m", "Ашхабад/k", ""),
    ("GPE", "Brussels", "Брюссель/soft", "Брюссель/k", ""),
    ("GPE", "Washington", "Вашингтон/m", "Вашингтон/k", ""),
    ("LOC", "Central Asia", "Центральн/* Азия/ia", "Орталық Азия/k", ""),
    ("LOC", "Europe", "Европа/a", "Еуропа/k", ""),
    ("LOC", "Caspian Sea", "Каспийск/* мор/*", "Каспий теңіз/*", ""),
    # state bodies
    ("ORG", "Akorda", "Акорда/a", "Ақорда/k", "Akorda"),
    ("ORG", "Mazhilis", "Мажилис/m!", "Мәжіліс/k!", "Mazhilis"),
    ("ORG", "Senate", "Сенат/m!", "Сенат/k!", ""),
    ("ORG", "Parliament", "Парламент/m!", "Парламент/k!", ""),
    ("ORG", "Government", "Правительство/o!", "Үкімет/k!", ""),
    ("ORG", "Government", "Кабмин/m!", "", ""),
    (
        "ORG",
        "Presidential Administration",
        "Администраци/* Президент/m",
        "Президент Әкімшілі/*",
        "",
    ),
    ("ORG", "National Bank", "Национальн/* банк/*", "Ұлттық банк/*", ""),
    ("ORG", "National Bank", "Нацбанк/m", "", ""),
    ("ORG", "Constitutional Court", "Конституционн/* суд/*", "Конституциялық сот/k", ""),
    ("ORG", "Supreme Court", "Верховн/* суд/*", "Жоғарғы сот/k", ""),
    ("ORG", "Prosecutor General's Office", "Генеральн/* прокуратур/*", "Бас прокуратура/k", ""),
    ("ORG", "National Security Committee", "КНБ", "ҰҚК/k", ""),
    (
        "ORG",
        "Supreme Audit Chamber",
        "Высш/* аудиторск/* палат/*",
        "Жоғары аудиторлық палата/k",
        "",
    ),
    ("ORG", "Central Election Commission", "ЦИК", "ОСК/k", ""),
    # international organisations and big companies
    ("ORG", "United Nations", "ООН", "БҰҰ/k", "UN"),
    ("ORG", "SCO", "ШОС", "ШЫҰ/k", "SCO"),
    ("ORG", "CIS", "СНГ", "ТМД/k", "CIS"),
    ("ORG", "EAEU", "ЕАЭС", "ЕАЭО/k", "EAEU"),
    ("ORG", "CSTO", "ОДКБ", "ҰҚШҰ/k", "CSTO"),
    (
        "ORG",
        "Organization of Turkic States",
        "Организаци/* тюркских государств",
        "Түркі мемлекеттері ұйым/*",
        "OTS",
    ),
    ("ORG", "European Union", "Евросоюз/m", "Еуроодақ/k", ""),
    ("ORG", "European Union", "Европейск/* союз/*", "Еуропа одағ/*", ""),
    ("ORG", "NATO", "НАТО", "НАТО/k", "NATO"),
    ("ORG", "WTO", "ВТО", "ДСҰ/k", "WTO"),
    ("ORG", "WTO", "Всемирн/* торгов/* организаци/*", "Дүниежүзілік сауда ұйым/*", ""),
    ("ORG", "IMF", "МВФ", "ХВҚ/k", "IMF"),
    ("ORG", "OSCE", "ОБСЕ", "ЕҚЫҰ/k", "OSCE"),
    ("ORG", "World Bank", "Всемирн/* банк/*", "Дүниежүзілік банк/*", "World Bank"),
    ("ORG", "EDB", "ЕАБР", "ЕДБ/k", "EDB"),
    ("ORG", "EDB", "Евразийск/* банк/* развития", "Еуразиялық даму банк/*", ""),
    ("ORG", "EBRD", "ЕБРР", "ЕҚДБ/k", "EBRD"),
    ("ORG", "ADB", "АБР", "АДБ/k", "ADB"),
    (
        "ORG",
        "Eurasian Economic Commission",
        "Евразийск/* экономическ/* комисси/*",
        "Еуразиялық экономикалық комиссия/k",
        "",
    ),
    (
        "ORG",
        "EFSD",
        "Евразийск/* фонд/* стабилизации и развития",
        "Еуразиялық тұрақтандыру және даму қор/*",
        "",
    ),
    ("ORG", "AIX", "Астанинск/* международн/* бирж/*", "Астана халықаралық биржа/*", "AIX"),
    ("ORG", "AIFC", "МФЦА", "АХҚО/k", "AIFC"),
    ("ORG", "Samruk-Kazyna", "Самрук-Казына/a", "Самұрық-Қазына/k", "Samruk-Kazyna"),
    ("ORG", "KazMunayGas", "КазМунайГаз/m", "ҚазМұнайГаз/k", "KazMunayGas"),
    ("ORG", "Kazakhtelecom", "Казахтелеком/m", "Қазақтелеком/k", "Kazakhtelecom"),
    ("ORG", "KEGOC", "KEGOC", "KEGOC", "KEGOC"),
    ("ORG", "Halyk Bank", "Халык Банк/*", "Халық банк/*", "Halyk Bank"),
    ("ORG", "Air Astana", "Эйр Астана/*", "Эйр Астана/k", "Air Astana"),
    ("ORG", "Kazinform", "Казинформ/m", "Қазақпарат/k", "Kazinform"),
    ("ORG", "KazakhExport", "KazakhExport", "KazakhExport", "KazakhExport"),
    (
        "ORG",
        "Al-Farabi KazNU",
        "Казахск/* национальн/* университет/* имени аль-Фараби",
        "әл-Фараби атындағы Қазақ ұлттық университет/*",
        "",
    ),
    (
        "ORG",
        "Kazakh Agrotechnical University",
        "Казахск/* агротехническ/* университет/*",
        "Қазақ агротехникалық университет/*",
        "",
    ),
    # leaders and officials
    (
        "PERSON",
        "Kassym-Jomart Tokayev",
        "Касым-Жомарт/m Токаев/sur",
        "Қасым-Жомарт Тоқаев/k",
        "Kassym-Jomart Tokayev",
    ),
    ("PERSON", "Kassym-Jomart Tokayev", "Токаев/sur", "Тоқаев/k", "Tokayev"),
    ("PERSON", "Olzhas Bektenov", "Олжас/m Бектенов/sur", "Олжас Бектенов/k", ""),
    ("PERSON", "Olzhas Bektenov", "Бектенов/sur", "Бектенов/k", "Bektenov"),
    ("PERSON", "Nursultan Nazarbayev", "Нурсултан/m Назарбаев/sur", "Нұрсұлтан Назарбаев/k", ""),
    ("PERSON", "Nursultan Nazarbayev", "Назарбаев/sur", "Назарбаев/k", "Nazarbayev"),
    ("PERSON", "Maulen Ashimbayev", "Маулен/m Ашимбаев/sur", "Мәулен Әшімбаев/k", ""),
    ("PERSON", "Yerlan Koshanov", "Ерлан/m Кошанов/sur", "Ерлан Қошанов/k", ""),
    ("PERSON", "Roman Sklyar", "Роман/m Скляр/m", "Роман Скляр/k", ""),
    ("PERSON", "Serik Zhumangarin", "Серик/m Жумангарин/sur", "Серік Жұманғарин/k", ""),
    ("PERSON", "Yerlan Karin", "Ерлан/m Карин/sur", "Ерлан Қарин/k", ""),
    ("PERSON", "Murat Nurtleu", "Мурат/m Нуртлеу", "Мұрат Нұртілеу/k", ""),
    ("PERSON", "Yermek Kosherbayev", "Ермек/m Кошербаев/sur", "Ермек Көшербаев/k", ""),
    ("PERSON", "Alikhan Smailov", "Алихан/m Смаилов/sur", "Әлихан Смайылов/k", ""),
    ("PERSON", "Vladimir Putin", "Владимир/m Путин/sur", "Владимир Путин/k", ""),
    ("PERSON", "Vladimir Putin", "Путин/sur", "Путин/k", "Putin"),
    ("PERSON", "Xi Jinping", "Си Цзиньпин/m", "Си Цзиньпин/k", "Xi Jinping"),
    ("PERSON", "Shavkat Mirziyoyev", "Шавкат/m Мирзиёев/sur", "Шавкат Мирзиёев/k", ""),
    ("PERSON", "Shavkat Mirziyoyev", "Мирзиёев/sur", "Мирзиёев/k", "Mirziyoyev"),
    ("PERSON", "Sadyr Japarov", "Садыр/m Жапаров/sur", "Садыр Жапаров/k", ""),
    ("PERSON", "Sadyr Japarov", "Жапаров/sur", "Жапаров/k", "Japarov"),
    ("PERSON", "Emomali Rahmon", "Эмомали Рахмон/m", "Эмомали Рахмон/k", ""),
    (
        "PERSON",
        "Gurbanguly Berdimuhamedov",
        "Гурбангулы Бердымухамедов/sur",
        "Гурбангулы Бердімұхамедов/k",
        "",
    ),
    (
        "PERSON",
        "Serdar Berdimuhamedov",
        "Сердар/m Бердымухамедов/sur",
        "Сердар Бердімұхамедов/k",
        "",
    ),
    ("PERSON", "Berdimuhamedov", "Бердымухамедов/sur", "Бердімұхамедов/k", ""),
    ("PERSON", "Alexander Lukashenko", "Александр/m Лукашенко", "Александр Лукашенко/k", ""),
    ("PERSON", "Recep Tayyip Erdogan", "Реджеп Тайип Эрдоган/m", "Режеп Тайып Ердоған/k", ""),
    ("PERSON", "Recep Tayyip Erdogan", "Эрдоган/m", "Ердоған/k", "Erdogan"),
    ("PERSON", "Ilham Aliyev", "Ильхам/m Алиев/sur", "Ильхам Әлиев/k", ""),
    ("PERSON", "Nikol Pashinyan", "Никол/m Пашинян/m", "Никол Пашинян/k", ""),
    ("PERSON", "Volodymyr Zelensky", "Владимир/m Зеленск/*", "Владимир Зеленский/k", ""),
    ("PERSON", "Donald Trump", "Дональд/m Трамп/m", "Дональд Трамп/k", ""),
    ("PERSON", "Donald Trump", "Трамп/m", "Трамп/k", "Trump"),
    ("PERSON", "Joe Biden", "Джо Байден/m", "Джо Байден/k", ""),
    ("PERSON", "Emmanuel Macron", "Эммануэль/soft Макрон/m", "Эммануэль Макрон/k", ""),
    ("PERSON", "Antonio Guterres", "Антониу Гутерриш/m", "Антониу Гутерриш/k", ""),
    ("PERSON", "Khoja Ahmed Yasawi", "Ходжи Ахмеда Ясави", "Қожа Ахмет Ясауи/k", ""),
    # nationalities and groups (adjectives take any ending)
    ("NORP", "Kazakhstani", "казахстанск/*", "қазақстандық/k", ""),
    ("NORP", "Kazakh", "казахск/*", "қазақ/k", ""),
    ("NORP", "Russian", "российск/*", "ресейлік/k", ""),
    ("NORP", "Chinese", "китайск/*", "қытайлық/k", ""),
    ("NORP", "Uzbek", "узбекск/*", "өзбекстандық/k", ""),
    ("NORP", "Kyrgyz", "кыргызск/*", "қырғызстандық/k", ""),
    ("NORP", "Turkish", "турецк/*", "түркиялық/k", ""),
    ("NORP", "American", "американск/*", "америкалық/k", ""),
    ("NORP", "European", "европейск/*", "еуропалық/k", ""),
]

# Ministries: Russian "Министерство <genitive>" (only the head noun inflects) and
# Kazakh "<name> министрлігі" (only the last word inflects).
MINISTRIES: list[tuple[str, str]] = [
    ("иностранных дел", "Сыртқы істер"),
    ("обороны", "Қорғаныс"),
    ("внутренних дел", "Ішкі істер"),
    ("финансов", "Қаржы"),
    ("национальной экономики", "Ұлттық экономика"),
    ("экономики", "Экономика"),
    ("юстиции", "Әділет"),
    ("здравоохранения", "Денсаулық сақтау"),
    ("просвещения", "Оқу-ағарту"),
    ("науки и высшего образования", "Ғылым және жоғары білім"),
    ("энергетики", "Энергетика"),
    ("сельского хозяйства", "Ауыл шаруашылығы"),
    ("промышленности и строительства", "Өнеркәсіп және құрылыс"),
    ("транспорта", "Көлік"),
    ("торговли и интеграции", "Сауда және интеграция"),
    ("труда и социальной защиты населения", "Еңбек және халықты әлеуметтік қорғау"),
    ("культуры и информации", "Мәдениет және ақпарат"),
    ("туризма и спорта", "Туризм және спорт"),
    ("экологии и природных ресурсов", "Экология және табиғи ресурстар"),
    ("по чрезвычайным ситуациям", "Төтенше жағдайлар"),
    ("цифрового развития", "Цифрлық даму"),
    ("искусственного интеллекта и цифрового развития", "Жасанды интеллект және цифрлық даму"),
    ("водных ресурсов и ирригации", "Су ресурстары және ирригация"),
]
RU_MINISTRY_SHORT = (
    "МИД Минфин/m Минэнерго Минздрав/m Минюст/m Минобороны МВД МЧС Минсельхоз/m Минтруда "
    "Минторговли Минпросвещения Миннацэкономики Минтранс/m Минкультуры Минцифры Минводы"
).split()

RU_MONTHS = "январ феврал март апрел ма[йя] июн июл август сентябр октябр ноябр декабр"
KK_MONTHS = "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан"
RU_FIRST = (
    "Аскар Асет Айбек Айдар Айдос Азамат Алмас Арман Асхат Бауыржан Бахыт Бекзат Берик Болат "
    "Галымжан Данияр Даурен Даулет Ерболат Ержан Ерлан Ермек Жандос Кайрат Канат Мади Марат "
    "Мурат Мухтар Нурлан Нуржан Олжас Руслан Санжар Серик Талгат Тимур Алексей Андрей "
    "Дмитрий Николай Роман Сергей Владимир Александр"
).split()
RU_FIRST_F = "Айгерим Алия Гульнара Динара Жанар Мария Елена Ольга Анна Асель Айжан".split()
KK_FIRST = (
    "Асқар Әсет Айбек Айдар Айдос Азамат Алмас Арман Асхат Бауыржан Бақыт Бекзат Берік Болат "
    "Ғалымжан Данияр Дәурен Дәулет Ерболат Ержан Ерлан Ермек Жандос Қайрат Қанат Мади Марат "
    "Мұрат Мұхтар Нұрлан Нұржан Олжас Руслан Санжар Серік Талғат Тимур Николай Роман Сергей "
    "Әйгерім Әлия Гүлнара Динара Жанар Мария Әсел Айжан"
).split()


def _ru_token(word: str) -> dict:
    word, _, cls = word.partition("/")
    low = word.lower()
    if cls == "*":
        return {"LOWER": {"REGEX": f"^{low}"}}
    if cls:
        ending, alternatives = RU[cls]
        stem = low[: len(low) - len(ending)] if ending and low.endswith(ending) else low
        return {"LOWER": {"REGEX": f"^{stem}{alternatives}$"}}
    return {"LOWER": low}


def _kk_token(word: str) -> dict:
    word, _, cls = word.partition("/")
    low = word.lower()
    if cls == "*":
        return {"LOWER": {"REGEX": f"^{low}"}}
    if cls == "k":
        return {"LOWER": {"REGEX": f"^{low}{KK_SUFFIX}?$"}}
    return {"LOWER": low}


def _phrase(nlp, phrase: str, token) -> list[dict]:
    """Token patterns for a phrase; a hyphenated word's class goes to its last token.

    A word ending in "!" must be title case (Правительство the Government, not any).
    """
    words: list[list[dict]] = []
    for word in phrase.split():
        title = word.endswith("!")
        base, sep, cls = word.rstrip("!").partition("/")
        pieces = [t.text for t in nlp.make_doc(base)]
        tokens = [{"LOWER": p.lower()} for p in pieces[:-1]]
        tokens.append(token(pieces[-1] + sep + cls))
        if title:
            tokens[-1]["IS_TITLE"] = True
        words.append(tokens)
    return spaced(*words)


def spaced(*words: list[dict] | dict) -> list[dict]:
    """Join token patterns, allowing a whitespace token (a no-break space, which spaCy
    keeps as a token of its own) between words."""
    out: list[dict] = []
    for word in words:
        if out:
            out.append(dict(SPACE))
        out += word if isinstance(word, list) else [word]
    return out


def named_patterns(nlp, lang: str) -> list[dict]:
    token = _ru_token if lang == "ru" else _kk_token
    column = 2 if lang == "ru" else 3
    out = []
    for row in NAMED:
        label, ident, spelled, latin = row[0], row[1], row[column], row[4]
        if spelled:
            out.append({"label": label, "pattern": _phrase(nlp, spelled, token), "id": ident})
        if latin:
            out.append({"label": label, "pattern": latin, "id": ident})
    for ru, kk in MINISTRIES:
        if lang == "ru":
            pattern = _phrase(nlp, f"Министерств/* {ru}", token)
        else:
            pattern = _phrase(nlp, f"{kk} министрлі/*", token)
        out.append({"label": "ORG", "pattern": pattern, "id": f"Ministry: {ru}"})
    if lang == "ru":
        for short in RU_MINISTRY_SHORT:
            out.append({"label": "ORG", "pattern": _phrase(nlp, short, token)})
    return out


def _alternation(words: list[str]) -> str:
    return "(?:" + "|".join(w.lower() for w in words) + ")"


def _ru_first_names() -> str:
    """Russian forms of common first names: Аскар -> Аскара, Николай -> Николая,
    Алия -> Алии."""
    soft = [n[:-1] for n in RU_FIRST if n.endswith("й")]
    hard = [n for n in RU_FIRST if not n.endswith("й")]
    female = [n[:-1] for n in RU_FIRST_F if n[-1] in "аяь"]
    female_hard = [n for n in RU_FIRST_F if n[-1] not in "аяь"]
    forms = [
        f"{_alternation(hard)}(?:|а|у|ом|е)",
        f"{_alternation(soft)}(?:й|я|ю|ем|е)",
        f"{_alternation(female)}(?:а|я|ы|и|е|у|ю|ой|ей|ь|ью)",
        _alternation(female_hard),
    ]
    return "^(?:" + "|".join(forms) + ")$"


def generic_patterns(lang: str) -> list[dict]:
    """Names, dates, money and percentages by shape rather than by list."""
    num = {"LIKE_NUM": True}
    year = {"TEXT": {"REGEX": r"^(?:1[89]|20)\d\d$"}}
    if lang == "ru":
        month = {"LOWER": {"REGEX": f"^{_alternation(RU_MONTHS.split())}"}}
        year_word = {"LOWER": {"REGEX": "^(?:год[ауоы]?[мх]?|г)$"}}
        scale = {"LOWER": {"REGEX": "^(?:тыс|млн|млрд|трлн|миллион|миллиард|триллион)"}}
        currency = {"LOWER": {"REGEX": "^(?:доллар|тенге|евро|рубл|юан|сом)"}}
        percent = spaced(num, {"ORTH": "%"})
        first = {"LOWER": {"REGEX": _ru_first_names()}, "IS_TITLE": True}
        surname = {
            "IS_TITLE": True,
            "LOWER": {"REGEX": "(?:ов|ев|ёв|ин|ова|ева|ина)(?:|а|у|ым|ом|е|ой|ы)$"},
        }
        names = [spaced(first, surname)]
    else:
        month = {"LOWER": {"REGEX": f"^{_alternation(KK_MONTHS.split())}"}}
        year_word = {"LOWER": {"REGEX": "^жыл"}}
        scale = {"LOWER": {"REGEX": "^(?:мың|млн|млрд|трлн|миллион|миллиард|триллион)"}}
        currency = {"LOWER": {"REGEX": "^(?:доллар|теңге|еуро|рубль|юань|сом)"}}
        percent = spaced(num, {"LOWER": {"REGEX": "^пайыз"}})
        first = {"LOWER": {"REGEX": f"^{_alternation(KK_FIRST)}$"}, "IS_TITLE": True}
        surname = {
            "IS_TITLE": True,
            "LOWER": {"REGEX": f"(?:ов|ев|ин|ова|ева|ина|ұлы|қызы){KK_SUFFIX}?$"},
        }
        names = [spaced(first, surname)]
    # no optional tokens at the ends: an optional space could then end the entity
    day = {"IS_DIGIT": True}
    dates = [
        spaced(day, month),
        spaced(day, month, year),
        spaced(day, month, year, year_word),
        spaced(month, year),
        spaced(month, year, year_word),
        spaced(year, year_word),
    ]
    out = [{"label": "PERSON", "pattern": p} for p in names]
    out += [{"label": "DATE", "pattern": p} for p in dates]
    out.append({"label": "TIME", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}:\d\d$"}}]})
    out.append({"label": "MONEY", "pattern": spaced(num, currency)})
    out.append({"label": "MONEY", "pattern": spaced(num, scale, currency)})
    out.append({"label": "PERCENT", "pattern": percent})
    return out


def build(lang: str) -> str:
    """The JSONL text of one language's patterns."""
    import spacy

    from annotator.suggest.resolve import resolve_pipeline

    nlp = spacy.blank(resolve_pipeline(lang).blank)  # the fallback's own tokenizer
    patterns = named_patterns(nlp, lang) + generic_patterns(lang)
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in patterns)


def main() -> None:
    for lang in LANGS:
        path = HERE / f"{lang}.jsonl"
        path.write_text(build(lang), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
