"""The categories the benchmark and the monitor group by, with their codes and value labels in Dutch and English.

These are the codes stored on a company (SBI 2008 section letter, EU size class, province code) and the values
the monitor tables and their exports use. The exports' codebook (docs/monitor.md) is written from these lists.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["nl", "en"]

# SBI 2008 sections (CBS), letter -> (nl, en).
SBI_SECTIONS: Final[dict[str, tuple[str, str]]] = {
    "A": ("Landbouw, bosbouw en visserij", "Agriculture, forestry and fishing"),
    "B": ("Delfstoffenwinning", "Mining and quarrying"),
    "C": ("Industrie", "Manufacturing"),
    "D": ("Energievoorziening", "Electricity, gas, steam and air conditioning supply"),
    "E": ("Waterbedrijven en afvalbeheer", "Water supply; sewerage, waste management and remediation"),
    "F": ("Bouwnijverheid", "Construction"),
    "G": ("Handel", "Wholesale and retail trade"),
    "H": ("Vervoer en opslag", "Transportation and storage"),
    "I": ("Logies-, maaltijd- en drankverstrekking", "Accommodation and food service activities"),
    "J": ("Informatie en communicatie", "Information and communication"),
    "K": ("Financiële instellingen", "Financial institutions"),
    "L": ("Verhuur van en handel in onroerend goed", "Renting, buying and selling of real estate"),
    "M": ("Specialistische zakelijke diensten", "Consultancy, research and other specialised business services"),
    "N": ("Verhuur en overige zakelijke diensten", "Renting and leasing of tangible goods and other business support"),
    "O": ("Openbaar bestuur en overheidsdiensten", "Public administration and public services"),
    "P": ("Onderwijs", "Education"),
    "Q": ("Gezondheids- en welzijnszorg", "Human health and social work activities"),
    "R": ("Cultuur, sport en recreatie", "Culture, sports and recreation"),
    "S": ("Overige dienstverlening", "Other service activities"),
    "T": ("Huishoudens als werkgever", "Activities of households as employers"),
    "U": ("Extraterritoriale organisaties", "Extraterritorial organisations and bodies"),
}

# EU size classes by head count (Recommendation 2003/361/EC), code -> (nl, en).
SIZE_CLASSES: Final[dict[str, tuple[str, str]]] = {
    "micro": ("micro (minder dan 10 werkzame personen)", "micro (fewer than 10 employees)"),
    "small": ("klein (10 tot 50)", "small (10 to 49 employees)"),
    "medium": ("middelgroot (50 tot 250)", "medium (50 to 249 employees)"),
    "large": ("groot (250 of meer)", "large (250 employees or more)"),
}

PROVINCES: Final[dict[str, tuple[str, str]]] = {
    "DR": ("Drenthe", "Drenthe"),
    "FL": ("Flevoland", "Flevoland"),
    "FR": ("Fryslân", "Fryslân"),
    "GE": ("Gelderland", "Gelderland"),
    "GR": ("Groningen", "Groningen"),
    "LI": ("Limburg", "Limburg"),
    "NB": ("Noord-Brabant", "North Brabant"),
    "NH": ("Noord-Holland", "North Holland"),
    "OV": ("Overijssel", "Overijssel"),
    "UT": ("Utrecht", "Utrecht"),
    "ZE": ("Zeeland", "Zeeland"),
    "ZH": ("Zuid-Holland", "South Holland"),
}

MOVEMENTS: Final[dict[str, tuple[str, str]]] = {
    "up": ("omhoog", "up"),
    "same": ("gelijk", "same"),
    "down": ("omlaag", "down"),
}

PEER_GROUP_KINDS: Final[dict[str, tuple[str, str]]] = {
    "sector_size": ("zelfde sector en grootteklasse", "same sector and size class"),
    "size": ("zelfde grootteklasse", "same size class"),
    "all": ("alle bedrijven", "all firms"),
}


def label(labels: dict[str, tuple[str, str]], code: str, lang: Lang) -> str:
    """The value label of ``code`` in ``lang``."""
    nl, en = labels[code]
    return nl if lang == "nl" else en


def position_label(position: int, lang: Lang) -> str:
    """A ladder position: 0 means no level achieved yet."""
    if position == 0:
        return "nog geen niveau bereikt" if lang == "nl" else "no level achieved yet"
    return f"niveau {position}" if lang == "nl" else f"level {position}"
