"""User-facing strings of the command line and the generated files, in Dutch and English.

(The web app uses gettext catalogues; these are the few strings of the Django-free core.)
"""

from __future__ import annotations

from groeimodel.model.schema import Lang

TEXTS: dict[str, dict[Lang, str]] = {
    "questionnaire": {"nl": "Vragenlijst", "en": "Questionnaire"},
    "questionnaire_intro": {
        "nl": "Geef bij elke stelling aan in hoeverre u het ermee eens bent. Weet u het niet, of past de stelling "
        "niet bij uw bedrijf, kies dan '?'.",
        "en": "For each statement, say how far you agree. If you do not know, or the statement does not fit your "
        "firm, choose '?'.",
    },
    "xlsx_instructions": {
        "nl": "Vul in de kolom Antwoord per stelling 1 tot en met 5 in, of 'weet niet'. Lever het bestand daarna in.",
        "en": "In the Answer column, fill in 1 to 5 for each statement, or 'don't know'. Then hand the file in.",
    },
    "xlsx_error": {
        "nl": "Kies 1, 2, 3, 4, 5 of 'weet niet'.",
        "en": "Choose 1, 2, 3, 4, 5 or 'don't know'.",
    },
    "dont_know": {"nl": "weet niet", "en": "don't know"},
    "model": {"nl": "Model", "en": "Model"},
    "version": {"nl": "Versie", "en": "Version"},
    "level": {"nl": "Niveau", "en": "Level"},
    "levels": {"nl": "Niveaus", "en": "Levels"},
    "block": {"nl": "Bouwsteen", "en": "Building block"},
    "blocks": {"nl": "Bouwstenen", "en": "Building blocks"},
    "statement": {"nl": "Stelling", "en": "Statement"},
    "statements": {"nl": "Stellingen", "en": "Statements"},
    "answer": {"nl": "Antwoord", "en": "Answer"},
    "score": {"nl": "Score", "en": "Score"},
    "band": {"nl": "Fase", "en": "Band"},
    "achieved": {"nl": "Bereikt", "en": "Achieved"},
    "answered": {"nl": "Beantwoord", "en": "Answered"},
    "position": {"nl": "Positie op de ladder", "en": "Position on the ladder"},
    "position_none": {"nl": "nog geen niveau bereikt", "en": "no level achieved yet"},
    "next_step": {"nl": "Volgende stap", "en": "Next step"},
    "top_reached": {"nl": "Hoogste niveau bereikt", "en": "Top level reached"},
    "advice": {"nl": "Advies", "en": "Advice"},
    "threshold": {"nl": "Drempel", "en": "Threshold"},
    "learning_loop": {"nl": "Leerlus", "en": "Learning loop"},
    "key_question": {"nl": "Kernvraag", "en": "Key question"},
    "igm_place": {"nl": "Plaats in het Innovatie Groei Model", "en": "Place in the Innovation Growth Model"},
    "reconstruction": {"nl": "reconstructie", "en": "reconstruction"},
    "indicators": {"nl": "Indicatoren", "en": "Indicators"},
    "growth_indicators": {"nl": "Groei-indicatoren (duurzame groei)", "en": "Growth indicators (sustainable growth)"},
    "examples": {"nl": "Voorbeelden", "en": "Examples"},
    "scan": {"nl": "Scan", "en": "Scan"},
    "scans": {"nl": "Scans", "en": "Scans"},
    "items": {"nl": "stellingen", "en": "items"},
    "reverse": {"nl": "omgekeerd gescoord", "en": "reverse-keyed"},
    "investment": {"nl": "Investering", "en": "Investment"},
    "annual_benefit": {"nl": "Jaarlijkse opbrengst", "en": "Yearly benefit"},
    "annual_cost": {"nl": "Jaarlijkse kosten", "en": "Yearly cost"},
    "years": {"nl": "Looptijd (jaren)", "en": "Horizon (years)"},
    "discount_rate": {"nl": "Disconteringsvoet", "en": "Discount rate"},
    "payback_years": {"nl": "Terugverdientijd (jaren)", "en": "Payback period (years)"},
    "roi": {"nl": "Rendement (ROI)", "en": "Return on investment (ROI)"},
    "npv": {"nl": "Netto contante waarde (NCW)", "en": "Net present value (NPV)"},
    "irr": {"nl": "Interne rentevoet (IRR)", "en": "Internal rate of return (IRR)"},
    "not_paid_back": {"nl": "niet binnen de looptijd", "en": "not within the horizon"},
    "none": {"nl": "geen", "en": "none"},
    "business_case": {"nl": "Businesscase", "en": "Business case"},
    "error": {"nl": "fout", "en": "error"},
    "evidence": {"nl": "Doorslaggevend", "en": "Evidence"},
    "evidence_for": {"nl": "Doorslaggevend voor niveau {level}", "en": "Evidence for level {level}"},
    "doubt": {"nl": "twijfel tussen niveau {a} en {b}", "en": "in doubt between level {a} and {b}"},
}


def t(key: str, lang: Lang) -> str:
    return TEXTS[key][lang]
