"""Words: tokens, stems, filler words, the bilingual concept lexicon and the sentence cues of the classifier.

Stemming (Snowball, Dutch and English) makes "werkplekken" and "werkplek" one term and "decided", "decides" and
"decide" another. The concept lexicon joins a Dutch and an English phrase in one feature, so an English example
also teaches the Dutch text: the model file's cues are parallel lists (the n-th Dutch cue of a level is its n-th
English cue), and `EXTRA_CONCEPTS` adds the terms that real descriptions use for the same things. Sentence cues
look inside one sentence for who decides (staff or management) and who takes part, and whether partners beyond
the firm are part of what is done (measured, and not used by the shipped model: see docs/classifier.md).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

TOKEN = re.compile(r"(?u)\b\w[\w\-']*\w\b|\b\w\b")
SENTENCE = re.compile(r"(?<=[.!?;:])\s+")

# Function words, numbers and units that never count as evidence (and that tell Dutch from English).
FILLER: dict[str, frozenset[str]] = {
    "nl": frozenset(
        "de het een en van in is dat op te met voor zijn niet aan er ook als bij om door maar we wij ons onze hun "
        "naar uit dan of wordt werd worden zij die deze dit hebben heeft had waren was kunnen meer nu al wat wie "
        "waar hoe wanneer waarom welke elk elke ieder iedere alle alles veel weinig zo zoals nog toch wel echt "
        "per tot over onder tussen na sinds zonder tegen binnen buiten vanaf via bijna ruim circa ongeveer zeker "
        "kan kon konden moet moeten moest zal zullen zou zouden wil willen wilde mag mogen doen doet deed gaan "
        "gaat ging komen komt kwam krijgen krijgt kreeg maken maakt maakte zien ziet zag geven geeft gaf staan "
        "staat stond houden houdt hield laten laat liet blijven blijft bleef zich hij ze haar hem ik je jij u "
        "men iets niets iemand niemand ander andere anders eigen zelf daar hier daarom daardoor daarna toen "
        "omdat terwijl want dus waardoor waarmee waarin waarbij zodat eerst eerste twee drie vier vijf zes "
        "zeven acht negen tien honderd duizend miljoen miljard procent jaar jaren maand maanden week weken dag "
        "dagen uur uren euro eur keer helft deel nieuw nieuwe goed goede groot grote klein kleine bedrijf bedrijven "
        "brengt brengen bracht zet zetten zette gebruikt gebruiken kreeg kregen hele heel nemen neemt nam namen "
        "steeds altijd vaak".split()
    ),
    "en": frozenset(
        "the a an and of in is that on to with for are not at there also as by from but we our their they was "
        "were be been this these it its have has had can more now which who into than what when where how why "
        "each every all any many much some such so still very just per until over under between after since "
        "without against within about around nearly almost roughly some could would should will shall may might "
        "must do does did done make makes made get gets got go goes went come comes came take takes took give "
        "gives gave keep keeps kept let lets he she him her his them i you me my your one two three four five "
        "six seven eight nine ten hundred thousand million billion percent per cent year years month months week "
        "weeks day days hour hours euro euros eur pound pounds gbp dollar dollars usd time times half part new "
        "good big small other others own itself themselves then there here thus therefore because while so "
        "first also only even well really company companies firm firm's business's whole brought bring brings "
        "put puts used uses use takes taking always often".split()
    ),
}
OTHER_LANGUAGES = frozenset(
    "der und ist nicht mit auf das ein eine wir unsere sind haben über ihre jetzt selbst auch werden wird sich "
    "noch zum zur dem sie le la les et est des une nous pour avec dans sont notre el los las y es por con una "
    "para del".split()
)
# Short and frequent enough to tell the languages apart (the filler lists above are longer).
LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        "de het een en van in is dat op te met voor zijn niet aan er ook als bij om door maar we wij ons onze hun "
        "naar uit dan of wordt werd worden zij die deze dit hebben heeft had waren was kunnen meer nu al".split()
    ),
    "en": frozenset(
        "the a an and of in is that on to with for are not at there also as by from but we our their they was "
        "were be been this these it its have has had can more now which who into than".split()
    ),
    "other": OTHER_LANGUAGES,
}
CURRENCY = frozenset("€ $ £ eur euro euros k m mln mrd".split())
_DIGIT = re.compile(r"\d")
_ALL_FILLER = FILLER["nl"] | FILLER["en"] | CURRENCY

_STEMMERS = {"nl": snowballstemmer.stemmer("dutch"), "en": snowballstemmer.stemmer("english")}


def raw_tokens(text: str) -> list[str]:
    """Word tokens as written; tokens with a digit (amounts, years, counts) are left out."""
    return [t for t in TOKEN.findall(text) if not _DIGIT.search(t)]


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; tokens with a digit (amounts, years, counts) are left out."""
    return [t.lower() for t in raw_tokens(text)]


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """The Snowball stem of a lower-case word ("nl" or "en"); each part of a hyphenated word is stemmed."""
    stemmer = _STEMMERS["nl" if lang == "nl" else "en"]
    if "-" in word:
        return "-".join(stemmer.stemWord(part) for part in word.split("-"))
    return str(stemmer.stemWord(word))


def is_filler(phrase: str) -> bool:
    """True for a word or phrase that says nothing of the content: function words, numbers, units, currency."""
    words = TOKEN.findall(phrase.lower())
    if not words or _DIGIT.search(phrase):
        return True
    if any(c in phrase for c in "€$£%"):
        return True
    content = [w for w in words if w not in _ALL_FILLER and len(w) > 2]
    return not content or words[0] in _ALL_FILLER or words[-1] in _ALL_FILLER


def fold(text: str) -> str:
    """Lower case without accents: "Coöperatie" -> "cooperatie"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- concepts ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    """One idea in both languages: the phrases that name it, and the class it is a cue of."""

    name: str
    level: int
    nl: tuple[str, ...]
    en: tuple[str, ...]


# Terms that real descriptions use for the model's cues (grouped by the class they are a cue of). Each concept
# is named by its English key; the model file's own cues come first (see `concepts_from_cues`).
EXTRA_CONCEPTS: tuple[Concept, ...] = (
    Concept("new machine", 0, ("nieuwe machine", "machine", "investering in", "freesmachine", "robot", "installatie"),
            ("new machine", "machine", "invested in", "robot", "equipment", "installed")),
    Concept("product or market", 0, ("nieuw product", "lancering", "assortiment", "webshop", "klanten werven",
                                     "nieuwe klanten", "omzet"),
            ("new product", "launch", "launched", "range", "webshop", "new customers", "turnover", "sales")),
    Concept("staff perks", 0, ("personeelsuitje", "kerstpakket", "bedrijfsuitje", "loonsverhoging", "bonus",
                               "fruitmand"),
            ("staff outing", "christmas hamper", "team outing", "pay rise", "bonus", "fruit basket")),
    Concept("charity", 0, ("donatie", "sponsoring", "sponsort", "schenkt", "goed doel", "vrijwilligersdag"),
            ("donation", "sponsorship", "sponsors", "donates", "charity", "volunteer day")),
    Concept("efficiency", 1, ("efficiënter", "sneller", "besparing", "bespaart", "tijdwinst", "minder fouten",
                              "doorlooptijd korter", "kosten"),
            ("more efficient", "faster", "saving", "saves", "time saved", "fewer errors", "costs")),
    Concept("flexible work", 1, ("thuiswerken", "flexibel werken", "flexplekken", "hybride werken",
                                 "werktijden", "plaats- en tijdonafhankelijk"),
            ("working from home", "flexible working", "hot desks", "hybrid working", "working hours", "remote")),
    Concept("digital workflow", 1, ("digitale planning", "software", "app", "digitaal", "automatiseren",
                                    "systeem"),
            ("digital planning", "software", "app", "digital", "automate", "system")),
    Concept("lean", 1, ("lean", "5s", "verspilling", "standaardiseren", "werkplek inrichten", "stroomlijnen"),
            ("lean", "5s", "waste", "standardise", "layout", "streamline")),
    Concept("staff ideas", 2, ("ideeën", "meedenken", "verbetervoorstellen", "inbreng", "suggesties",
                               "ideeënbus"),
            ("ideas", "suggestions", "improvement proposals", "input", "suggestion scheme", "contribute ideas")),
    Concept("continuous improvement", 2, ("continu verbeteren", "verbeterteam", "verbeterbord", "dagstart",
                                          "leren", "experimenteren"),
            ("continuous improvement", "improvement team", "improvement board", "daily huddle", "learning",
             "experiment")),
    Concept("leadership and culture", 2, ("leiderschap", "cultuur", "coachen", "vertrouwen", "training",
                                          "ontwikkeling"),
            ("leadership", "culture", "coaching", "trust", "training", "development")),
    Concept("strategy together", 2, ("strategie", "visie", "koers", "samen met medewerkers", "betrokken"),
            ("strategy", "vision", "direction", "together with employees", "involved", "engagement")),
    Concept("self-management", 3, ("zelfsturend", "zelfsturing", "zelforganiserend", "zelf beslissen",
                                   "zelf roosteren", "autonome teams"),
            ("self-managing", "self-management", "self-organising", "decide themselves", "autonomous teams",
             "self-directed")),
    Concept("no managers", 3, ("geen managers", "managementlaag", "leidinggevenden verdwenen", "hiërarchie",
                               "platte organisatie", "rollen"),
            ("no managers", "management layer", "managers removed", "hierarchy", "flat structure", "roles")),
    Concept("ownership", 3, ("eigenaar", "aandelen", "coöperatie", "werknemersaandeelhouderschap", "mede-eigenaar",
                             "holacratie", "sociocratie"),
            ("owned", "shares", "cooperative", "employee ownership", "co-owner", "holacracy", "sociocracy")),
    Concept("identity", 3, ("identiteit", "propositie", "bedrijfsconcept", "herpositionering", "businessmodel"),
            ("identity", "proposition", "business concept", "repositioning", "business model")),
    Concept("partners", 4, ("gemeente", "scholen", "school", "mbo", "roc", "hogeschool", "partners", "netwerk",
                            "samenwerkingsverband", "uwv", "werkgevers", "regio"),
            ("municipality", "council", "schools", "college", "university", "partners", "network",
             "partnership", "job centre", "employers", "region")),
    Concept("inclusive employment", 4, ("afstand tot de arbeidsmarkt", "arbeidsbeperking", "beperking",
                                        "vluchtelingen", "statushouders", "werklozen", "participatiewet",
                                        "leerwerkplek", "beschut"),
            ("distance from the labour market", "disability", "disabilities", "refugees", "unemployed",
             "ex-offenders", "autism", "homeless", "apprenticeship")),
    Concept("societal value", 4, ("maatschappelijk", "sociale onderneming", "samenleving", "buurt", "wijk",
                                  "inclusief"),
            ("societal", "social enterprise", "society", "community", "neighbourhood", "inclusive")),
)  # fmt: skip


def concepts_from_cues(cues: dict[int, tuple[list[str], list[str]]]) -> list[Concept]:
    """One concept per pair of the model file's parallel Dutch and English cues, then `EXTRA_CONCEPTS`."""
    out = []
    for level, (nl, en) in sorted(cues.items()):
        for a, b in zip(nl, en, strict=False):
            out.append(Concept(b.lower(), level, (a.lower(),), (b.lower(),)))
    return out + list(EXTRA_CONCEPTS)


def stems_of(phrase: str, lang: str) -> tuple[str, ...]:
    return tuple(stem(t, lang) for t in TOKEN.findall(phrase.lower()))


# --- sentence cues: who decides, who takes part, inside or beyond the firm ----------------------------------------

ROLES: dict[str, tuple[str, ...]] = {
    "staff": ("medewerkers", "medewerker", "werknemers", "personeel", "team", "teams", "collega's", "collega",
              "monteurs", "operators", "mensen", "iedereen", "employees", "employee", "staff", "workers", "team",
              "teams", "colleagues", "operators", "everyone", "people", "members"),
    "management": ("directeur", "directie", "eigenaar", "eigenaren", "management", "manager", "managers",
                   "leidinggevende", "leidinggevenden", "bestuur", "oprichter", "director", "owner", "owners",
                   "managers", "manager", "board", "ceo", "founder", "boss"),
    "decide": ("beslissen", "besluiten", "besloot", "besloten", "beslist", "bepalen", "bepaalt", "kiezen", "kiest",
               "zelf", "verantwoordelijk", "budget", "aannemen", "decide", "decides", "decided", "determine",
               "choose", "chooses", "themselves", "responsible", "budget", "hire", "hires", "vote", "votes"),
    "take_part": ("meedenken", "denken mee", "ideeën", "voorstellen", "inbreng", "betrokken", "gevraagd",
                  "geraadpleegd", "suggesties", "ideas", "suggest", "suggestions", "propose", "proposals",
                  "consulted", "involved", "asked", "contribute", "take part"),
    "impose": ("voortaan", "verplicht", "moeten", "regel", "opgelegd", "vanaf nu", "from now on", "mandatory",
               "must", "rule", "imposed", "required"),
    "beyond": ("gemeente", "scholen", "school", "partners", "samen met", "regio", "regionale", "netwerk",
               "andere bedrijven", "uwv", "stichting", "municipality", "council", "schools", "partners",
               "together with", "region", "regional", "network", "other firms", "charity", "foundation",
               "community"),
}  # fmt: skip

SENTENCE_CUES: tuple[str, ...] = (
    "staff decide",
    "management decides",
    "staff take part",
    "management imposes",
    "beyond the firm",
)


def _phrase_set(words: tuple[str, ...]) -> tuple[frozenset[tuple[str, ...]], ...]:
    """The stemmed forms of the phrases, in both languages' stemmers, grouped by length (1, 2, 3 words)."""
    by_len: dict[int, set[tuple[str, ...]]] = {1: set(), 2: set(), 3: set()}
    for phrase in words:
        for lang in ("nl", "en"):
            s = stems_of(phrase, lang)
            if 1 <= len(s) <= 3:
                by_len[len(s)].add(s)
    return tuple(frozenset(by_len[n]) for n in (1, 2, 3))


_ROLE_STEMS = {role: _phrase_set(words) for role, words in ROLES.items()}


def _has(stems: list[str], phrases: tuple[frozenset[tuple[str, ...]], ...]) -> bool:
    for n, wanted in enumerate(phrases, start=1):
        if wanted and any(tuple(stems[i : i + n]) in wanted for i in range(len(stems) - n + 1)):
            return True
    return False


def sentence_cues(text: str, lang: str) -> dict[str, int]:
    """How many sentences say that staff decide, that management decides, that staff take part, that management
    imposes a rule, or that partners beyond the firm are involved."""
    counts = dict.fromkeys(SENTENCE_CUES, 0)
    for sentence in SENTENCE.split(text):
        s = [stem(t, lang) for t in tokens(sentence)]
        has = {role: _has(s, phrases) for role, phrases in _ROLE_STEMS.items()}
        if has["staff"] and has["decide"] and not has["management"]:
            counts["staff decide"] += 1
        if has["management"] and has["decide"]:
            counts["management decides"] += 1
        if has["staff"] and has["take_part"]:
            counts["staff take part"] += 1
        if has["management"] and has["impose"]:
            counts["management imposes"] += 1
        if has["beyond"]:
            counts["beyond the firm"] += 1
    return counts
