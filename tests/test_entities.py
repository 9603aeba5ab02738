"""Entities: one canonical name per entity, and descriptions that alias it only
when they denote it (fictional story: the Orvale Textiles catalogue recall)."""

from __future__ import annotations

import datetime as dt

import pytest

from builders import article
from corroborate.brief import start_brief
from corroborate.claims import find_facts
from corroborate.config import BriefOptions
from corroborate.entities import listed_people
from corroborate.sentences import split_sentences

GAZETTE = (
    "Orvale Textiles pulled its winter catalogue on Monday after complaints about a faulty dye.\n\n"
    "The company filed a lawsuit against the production firm that printed the catalogue.\n\n"
    "Singer Talia Brook, a frequent face in Orvale Textiles adverts, said she was disappointed.\n\n"
    "Brook, who shares kids Juniper, 8, Rowan, 5, and Wren, 2, with her husband, said the brand had apologised.\n\n"
    "The celebrities who wore the catalogue's coats stayed silent."
)
LEDGER = (
    "Orvale Textiles has sued the production company Juniper Mills over the faulty dye.\n\n"
    "The brand said a rival company had copied its designs, and the parent company of Orvale Textiles declined "
    "to comment.\n\n"
    "Talia Brook said the company had apologised to her."
)


def facts_of(*articles):
    """The brief of fictional `articles` through sentences, entities and facts."""
    return find_facts(split_sentences(start_brief(list(articles)), BriefOptions()), BriefOptions())


@pytest.fixture(scope="module")
def recall():
    gazette = article(GAZETTE, title="Catalogue pulled", outlet="Orvale Gazette", published=dt.date(2031, 5, 14))
    ledger = article(LEDGER, title="Dye lawsuit", outlet="Trade Ledger", published=dt.date(2031, 5, 14))
    return facts_of(gazette, ledger)


def entity(brief, name):
    return next((e for e in brief.entities if e.name == name), None)


def test_list_of_people_with_ages_is_found():
    text = "She shares kids Juniper, 8, Rowan, 5, and Wren, 2, with him. Brook, 41, said so."
    assert [text[a:b] for a, b in listed_people(text)] == ["Juniper", "Rowan", "Wren"]


def test_bare_generic_descriptions_alias_the_main_organisation(recall):
    orvale = entity(recall, "Orvale Textiles")
    assert orvale is not None and orvale.kind == "ORG"
    aliases = {a.lower() for a in orvale.aliases}
    assert {"the company", "the brand"} <= aliases


def test_descriptions_with_a_distinguishing_modifier_are_another_organisation(recall):
    aliases = {a.lower() for a in entity(recall, "Orvale Textiles").aliases}
    for other in ("the production firm", "the production company", "a rival company", "the parent company"):
        assert other not in aliases


def test_plural_and_kindless_descriptions_alias_no_person(recall):
    brook = entity(recall, "Talia Brook")
    assert brook is not None and brook.kind == "PERSON"
    aliases = {a.lower() for a in brook.aliases}
    assert "the celebrities" not in aliases and "a frequent face" not in aliases


def test_children_listed_with_ages_are_people_not_part_of_a_longer_name(recall):
    juniper = entity(recall, "Juniper")
    assert juniper is not None and juniper.kind == "PERSON"
    mills = entity(recall, "Juniper Mills")
    assert mills is not None and "Juniper" not in mills.aliases
    ages = {(s.subject, s.claims[0].value) for s in recall.facts if s.attribute == "age"}
    assert ("Juniper", "8") in ages and ("Rowan", "5") in ages
    assert not any(subject == "Juniper Mills" for subject, _ in ages)


# --- fact labels: a date belongs to its clause's verb; anonymous posts date nothing

DISPATCH = (
    "Orvale Textiles filed a $2 million lawsuit against the printing firm and set designer responsible for the "
    "faulty catalogue on Friday.\n\n"
    'One reader added: "I threw out all my Orvale coats this weekend. Never again."\n\n'
    'Talia Brook wrote: "I met their team on Tuesday and they listened."'
)


@pytest.fixture(scope="module")
def dispatch():
    return facts_of(article(DISPATCH, title="Lawsuit", outlet="Orvale Dispatch", published=dt.date(2031, 5, 17)))


def test_a_date_belongs_to_the_verb_of_its_clause(dispatch):
    friday = [c for s in dispatch.facts for c in s.claims if c.kind == "date" and c.display == "Friday"]
    assert [c.attribute for c in friday] == ["date of file lawsuit"]
    assert not [s for s in dispatch.facts if s.claims[0].kind == "participants" and s.attribute == "set"]


def test_dates_in_anonymous_quoted_posts_are_not_events(dispatch):
    displays = {c.display for s in dispatch.facts for c in s.claims if c.kind == "date"}
    assert "this weekend" not in displays
    assert "Tuesday" in displays  # a named person's quoted words still date what she says


def test_platforms_and_names_headed_by_an_organisation_noun_are_organisations():
    from corroborate.entities import _Group

    for name, tagged in (("Twitter", "PERSON"), ("Instagram Story", "PERSON"), ("Brantmoor General Hospital", "PERSON"),
                         ("Quell FM", "GPE")):  # fmt: skip
        group = _Group()
        group.surfaces[name] += 1
        group.labels[tagged] += 3
        assert group.kind == "ORG", name
    person = _Group()
    person.surfaces["Renata Solberg"] += 1
    person.labels["PERSON"] += 3
    assert person.kind == "PERSON"


def test_a_country_or_its_people_tagged_org_now_and_then_stay_a_place_or_nationality():
    from corroborate.entities import _country_names, _Group

    if not _country_names():
        pytest.skip("countryinfo is not installed: no gazetteer of countries")

    def group(name: str, best: str, votes: int) -> _Group:
        made = _Group()
        made.surfaces[name] += votes
        made.labels[best] += votes
        made.labels["ORG"] += 2  # a few ORG tags, as the small model gives a country
        made.mentions = [None] * votes  # never "in X": only counted
        return made

    assert group("U.S.", "GPE", 40).kind == "GPE"
    assert group("Egyptians", "NORP", 30).kind == "NORP"
    assert group("Britain", "GPE", 30).kind == "GPE" and group("America", "GPE", 30).kind == "GPE"
    # A brand the model takes for a place still becomes an organisation.
    assert group("Veltrani", "GPE", 40).kind == "ORG"


def test_a_quoted_title_after_the_article_loses_its_quote_mark():
    from corroborate.entities import clean_name

    assert clean_name("the “Harbour Tales") == "Harbour Tales"
    assert clean_name("“Harbour Tales”") == "Harbour Tales"


def test_a_thing_is_named_as_most_writers_name_it_and_a_person_by_full_name():
    from corroborate.entities import _Group

    platform = _Group()
    platform.surfaces.update({"Instagram": 5, "Instagram Story": 1})
    platform.labels["ORG"] += 6
    assert platform.canonical == "Instagram"
    person = _Group()
    person.surfaces.update({"Solberg": 9, "Renata Solberg": 2})
    person.labels["PERSON"] += 11
    assert person.canonical == "Renata Solberg"
    tie = _Group()
    tie.surfaces.update({"Quell": 1, "Quell FM": 1})
    tie.labels["ORG"] += 2
    assert tie.canonical == "Quell FM"


def test_a_place_does_not_join_an_event_named_after_it():
    text = (
        "Designers gathered for Velmora Design Week on Monday, where the Ostrel collection opened the show.\n\n"
        "Buyers flew to Velmora from across the region, and hotels in Velmora were full.\n\n"
        "Velmora Design Week closes on Friday."
    )
    facts = facts_of(article(text, title="Design week opens", outlet="Style Wire", published=dt.date(2031, 3, 3)))
    week = entity(facts, "Velmora Design Week")
    assert week is not None and "Velmora" not in week.aliases
    place = entity(facts, "Velmora")
    assert place is not None and place.kind == "GPE"


def test_a_possessor_run_into_what_it_owns_is_the_entity():
    text = (
        "Orvale Textiles said on Monday that it would recall the coats.\n\n"
        "Fans flocked to Orvale’s Spring Show before the recall.\n\n"
        "Orvale Textiles apologised to customers."
    )
    facts = facts_of(article(text, title="Coats recalled", outlet="Trade Ledger", published=dt.date(2031, 3, 3)))
    names = [e.name for e in facts.entities]
    assert not any("’s" in name or "'s" in name for name in names), names
    # The possessor is the entity mentioned there, not "Orvale’s Spring Show".
    assert any(facts.text(m) == "Orvale" for e in facts.entities for m in e.mentions)


def test_a_title_the_story_gives_several_people_picks_none_of_them():
    """"spokesman Ivo Renn" and "spokesman Pia Lund", twice each: "the spokesman" may be
    either, so it names neither; "Mayor Ada Quist" alone holds her title."""
    text = (
        "The ferry would sail on Monday, said spokesman Ivo Renn.\n\n"
        "The harbour was closed, said spokesman Pia Lund.\n\n"
        "The sailing was confirmed by spokesman Ivo Renn.\n\n"
        "Nothing more was said by spokesman Pia Lund.\n\n"
        "Mayor Ada Quist visited the quay on Tuesday.\n\n"
        "The spokesman said the ferry was safe, and the mayor thanked the crew."
    )
    brief = facts_of(article(text, title="Ferry sails", outlet="Valdport Herald", published=dt.date(2031, 5, 14)))
    aliases = {e.name: {a.lower() for a in e.aliases} for e in brief.entities}
    assert "the mayor" in aliases.get("Ada Quist", set())
    assert not any("the spokesman" in found for found in aliases.values()), aliases


def _briefed(*texts):
    """The brief of fictional `texts`, one article each, from outlets of their own."""
    return facts_of(*(
        article(text, title=f"Story {i}", outlet=f"Outlet {i}", published=dt.date(2031, 5, 14))
        for i, text in enumerate(texts)
    ))  # fmt: skip


def _aliases_of(*texts):
    return {e.name: {a.lower() for a in e.aliases} for e in _briefed(*texts).entities}


def test_a_noun_before_a_name_is_a_title_only_if_the_story_shows_it_is_one():
    """The tagger compounds "number" and "press" with the name after them ("a number
    Ostrow said was too low", a garbled "the mayor's press Ostrow"): neither word is a
    title, so "the number" and "the press" name nobody. "Agent Brann Ostrow", whom the
    story has speak as "the agent", keeps the title."""
    number = _aliases_of(
        "Brann Ostrow put the mill's worth at 3 million crowns, a number Ostrow said was far too low.\n\n"
        "The number was later cut, and the number is still disputed."
    )
    press = _aliases_of(
        "Brann Ostrow spoke in Varnholm on Monday.\n\nAs the mayor's press Ostrow returned a tie to Ada Quist.\n\n"
        "The press was not told, and the press left early."
    )
    agent = _aliases_of(
        "Varnholm officers questioned the crew on Monday, said agent Brann Ostrow.\n\n"
        "The agent said the boat was safe.\n\nThe crew was released, the agent told reporters."
    )
    assert not any("the number" in found for found in number.values()), number
    assert not any("the press" in found for found in press.values()), press
    assert "the agent" in agent.get("Brann Ostrow", set()), agent


def test_the_end_of_a_hyphenated_modifier_is_no_title():
    """"the three-time Vellmark Cup champion": "time" is no title, and what follows it
    no person."""
    brief = _briefed(
        "Pia Lund won the Vellmark road race on Sunday.\n\n"
        "The three-time Vellmark Cup champion Pia Lund said it was her best race.\n\n"
        "At the time, the crowd cheered the three-time Tour de Vellmark winner."
    )
    kinds = {e.name: e.kind for e in brief.entities}
    assert kinds.get("Pia Lund") == "PERSON"
    assert kinds.get("Tour de Vellmark", "ORG") != "PERSON" and kinds.get("Vellmark Cup", "FAC") != "PERSON", kinds


def test_a_story_of_many_people_has_no_main_person_for_a_bare_description():
    """Three stories of three people (a feed pooled as one): "the actress" in the chess
    story is none of them, not the person mentioned most."""
    aliases = _aliases_of(
        "Singer Talia Brook released an album on Monday. Brook said it took three years. Brook will tour in June.",
        "Oren Vask won the chess final in Valdport. The actress who presented the prize said Vask had played well. "
        "Vask, 30, thanked his coach.",
        "Ilse Marr opened a bakery in Orvale. Marr said the bread sold out. Marr hired four bakers.",
    )
    assert not any("the actress" in found for found in aliases.values()), aliases


def test_an_event_named_by_a_hyphenated_word_keeps_the_whole_word():
    """"seek re-election": the tokenizer splits the word at its hyphen, and the fact was
    "date of seek re"."""
    brief = _briefed(
        "Mayor Ada Quist said on Monday that she will not seek re-election in May 2032.\n\n"
        "Quist has led Valdport since 2024."
    )
    attributes = {slot.attribute for slot in brief.facts}
    assert "date of seek re-election" in attributes, attributes


def test_an_initialism_is_one_name_however_it_is_written():
    """"UN" and "U.N." are one organisation, and "U.N." keeps its last full stop."""
    from corroborate.entities import clean_name, initialism

    assert clean_name("the U.S.") == "U.S." and initialism("U.S.") == "US" and initialism("Us") is None
    brief = _briefed(
        "The U.N. sent two ships to Valdport on Monday.\n\n"
        "A UN spokeswoman said the ships would stay a week.\n\n"
        "The U.N. has sent ships to the harbour before, and the UN will pay for the fuel."
    )
    named = [e for e in brief.entities if {e.name, *e.aliases} & {"U.N.", "UN"}]
    assert len(named) == 1 and {"U.N.", "UN"} <= {named[0].name, *named[0].aliases}, named


def test_the_vice_president_is_not_the_president():
    """"President Ada Quist" and "Vice President Ivo Renn": "the vice president" is Renn,
    "the president" Quist, and "the next president" neither."""
    aliases = _aliases_of(
        "President Ada Quist opened the Valdport bridge on Monday.\n\n"
        "Vice President Ivo Renn stood beside President Ada Quist.\n\n"
        "The vice president said the bridge cost 40 million crowns.\n\n"
        "The president thanked the builders, and the next president will open the tunnel."
    )
    assert "the vice president" in aliases.get("Ivo Renn", set()), aliases
    assert "the president" in aliases.get("Ada Quist", set()), aliases
    assert not any("the next president" in found or "the vice president" in found
                   for name, found in aliases.items() if name != "Ivo Renn"), aliases  # fmt: skip


def test_a_name_of_its_own_does_not_join_a_longer_name_it_starts():
    """"Velmora", a country written across the story, is not "Velmora City", nor is
    "Valdport" the "Valdport Commodity Exchange": each is written in articles that never
    give the longer name. "the Exchange", written only beside its full name, is a short
    form of it, and "Ostrel Freight Ltd" is "Ostrel Freight" with its legal form."""
    brief = _briefed(
        "Buyers flew to Velmora on Monday, and hotels in Velmora were full.",
        "Ships from Velmora reached Valdport on Tuesday, officials in Velmora said.",
        "Hotels in Velmora City were full on Monday. Buyers flew to Velmora City from the coast.",
        "Grain prices rose at the Valdport Commodity Exchange on Monday.\n\n"
        "Traders at the Exchange said prices would fall, and the Exchange closed early.",
        "Ostrel Freight Ltd moved the grain on Monday. Ostrel Freight has six ships.",
        "The grain reached Valdport aboard ships of Ostrel Freight on Tuesday.",
    )
    names = {e.name: {e.name, *e.aliases} for e in brief.entities}
    holding = lambda name: [held for held in names.values() if name in held]  # noqa: E731
    assert len(holding("Velmora")) == 1 and "Velmora City" not in holding("Velmora")[0], names
    assert len(holding("Valdport")) == 1 and "Valdport Commodity Exchange" not in holding("Valdport")[0], names
    assert any({"Exchange", "Valdport Commodity Exchange"} <= held for held in names.values()), names
    assert any({"Ostrel Freight", "Ostrel Freight Ltd"} <= held for held in names.values()), names


def test_a_photo_credit_run_into_the_next_sentence_is_no_name():
    """A flattened page runs a caption's credit into the story: "Photograph: Ada
    Quist/Valdport Wire Ostrel Freight said ..." is no one person, and no description
    of the story ("the spill") is given to it."""
    brief = _briefed(
        "A boom in the harbour. Photograph: Ada Quist/Valdport Wire Ostrel Freight said the spill was small.\n\n"
        "The spill reached the beach on Monday, and the spill closed the harbour.",
        "Crews cleaned the harbour. Photograph: Ada Quist/Valdport Wire The spill was the largest in years.",
    )
    assert not [e.name for e in brief.entities if "/" in e.name or any("/" in a for a in e.aliases)], brief.entities


def test_a_description_names_only_someone_its_article_names():
    """"The spokeswoman" points back to a person its article has named: in an article that
    never names Priya Madsen, the rail company's spokeswoman is someone else."""
    brief = _briefed(
        "Priya Madsen, a spokeswoman for the Valdport port, said the ferry would sail on Monday.\n\n"
        "The spokeswoman said the hull had been repaired.",
        "Trains to Valdport were cancelled on Monday.\n\nThe spokeswoman for the rail company declined to comment.",
    )
    madsen = next(e for e in brief.entities if e.name == "Priya Madsen")
    first = brief.articles[0].id if "Madsen" in brief.articles[0].text else brief.articles[1].id
    assert "the spokeswoman" in {a.lower() for a in madsen.aliases}, madsen.aliases
    assert {m.article_id for m in madsen.mentions} == {first}, madsen.mentions
