"""A deterministic synthetic news corpus for build benchmarks.

Takes a seed and a count N; returns (or writes) N article files in the
scraped-page shape newsarchive's loader reads:

    headline
    headline                      (scraped twice)
    standfirst
    N min read
    body paragraphs, one per line, with short subheading lines
    pull-quotes ending in " |", some as "quote - Name |"
    a run of body paragraphs scraped a second time (most articles)

All text comes from the small vocabulary and grammar below: invented towns,
people and organisations, so the corpus can be published with the project.
Article `i` is drawn from its own generator seeded with `(seed, i)`, so the
first 1,000 articles of a 10,000-article corpus are the 1,000-article corpus.

Dates (spread over 25 years) and tags (from 30 topics) reach the loader in
one of three ways, chosen with `--meta`:

* `frontmatter`: a YAML block with `date` and `tags` above the text;
* `sidecar`: the text alone in `NAME.txt`, with `NAME.yaml` beside it;
* `none`: the text alone (the site then has only undated articles).

    python -m benchmarks.corpus --n 1000 --out /dev/shm/corpus [--seed 1] [--meta frontmatter]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# Bump when the grammar or vocabulary changes, so cached corpora are regenerated.
GENERATOR_VERSION = 1

Meta = Literal["frontmatter", "sidecar", "none"]
META_CHOICES: tuple[Meta, ...] = ("frontmatter", "sidecar", "none")

FIRST_DATE = dt.date(2001, 1, 1)
LAST_DATE = dt.date(2025, 12, 31)
# Share of articles whose scrape repeats a run of paragraphs further down.
REPEAT_SHARE = 0.8
# Share of articles that open with a dateline ("KESTLE BAY (Coastline Wire) - ").
DATELINE_SHARE = 0.3

# --- vocabulary -----------------------------------------------------------------------------

TOWNS = (
    "Harrowby",
    "Kestle Bay",
    "Marrowfield",
    "Upper Dunsett",
    "Calder Mill",
    "Brackenholt",
    "Fennick",
    "Orlow Green",
    "Saltmarsh End",
    "Tressing",
    "Westerleigh",
    "Aldwick Vale",
    "Pennock",
    "Rookhaven",
    "Stannard Cross",
    "Lynwater",
    "Grisdale",
    "Heronsford",
    "Moss Tallow",
    "Quarrington",
    "Ebbsworth",
    "Carnley",
    "Dunmere",
    "Ivelbury",
    "Norcot",
    "Pelham Rise",
    "Thistleby",
    "Varrow",
    "Wenlow",
    "Yarbeck",
)

FIRST_NAMES = (
    "Ada",
    "Bilal",
    "Catrin",
    "Dmitri",
    "Eleni",
    "Femi",
    "Greta",
    "Hamish",
    "Ines",
    "Jonas",
    "Keiko",
    "Luca",
    "Marisol",
    "Niall",
    "Oksana",
    "Priya",
    "Quentin",
    "Rosa",
    "Sami",
    "Tove",
    "Umar",
    "Vera",
    "Wendell",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Arlo",
    "Bronwen",
    "Cormac",
    "Delphine",
)

SURNAMES = (
    "Okafor",
    "Brennick",
    "Castellane",
    "Dunmore",
    "Eskildsen",
    "Farrant",
    "Galloway",
    "Halvorsen",
    "Ibarra",
    "Jessop",
    "Kowalczyk",
    "Lindqvist",
    "Marchetti",
    "Nakamura",
    "Oyelaran",
    "Pritchard",
    "Quaye",
    "Rasmussen",
    "Szabo",
    "Trevelyan",
    "Underhill",
    "Vasquez",
    "Whitlock",
    "Yeoman",
    "Zeller",
    "Abernethy",
    "Bellweather",
    "Crouch",
    "Devereux",
    "Ellery",
)

ORGANISATIONS = (
    "the district council",
    "the harbour board",
    "the regional transport authority",
    "the water company",
    "the teachers' union",
    "the county health trust",
    "the chamber of commerce",
    "the farmers' association",
    "the river trust",
    "the housing association",
    "the police authority",
    "the university",
    "the parish council",
    "the port authority",
    "the energy cooperative",
    "the tenants' federation",
    "the heritage society",
    "the planning inspectorate",
    "the fire service",
    "the weather office",
)

ROLES = (
    "a councillor for {town}",
    "the chief executive of {org}",
    "a spokeswoman for {org}",
    "a spokesman for {org}",
    "who chairs {org}",
    "a resident of {town}",
    "a researcher at {org}",
    "the head of {org}",
    "who runs a shop in {town}",
    "an organiser with {org}",
)

WIRES = ("Coastline Wire", "Valley Press", "Northern Desk", "Shire News Service")

# Thirty topics, each with the things its stories are about. The key is the tag.
TOPICS: dict[str, tuple[str, ...]] = {
    "Transport": ("the bus timetable", "the ring road scheme", "rail fares", "the night bus service"),
    "Housing": ("the new housing estate", "town centre rents", "the empty homes register", "the housing waiting list"),
    "Health": ("the walk-in clinic", "hospital waiting times", "the ambulance station", "the dental surgery"),
    "Education": ("the primary school merger", "exam results", "the school meals contract", "the sixth form college"),
    "Environment": ("the flood barrier", "air quality on the high street", "the recycling centre", "tree planting"),
    "Local government": ("the council budget", "the ward boundary review", "the mayoral election", "council tax"),
    "Courts": ("the appeal hearing", "the court backlog", "the planning inquiry", "the tribunal ruling"),
    "Business": ("the shopping arcade", "the factory expansion", "business rates", "the market hall lease"),
    "Farming": ("the sheep auction", "the milk price", "the drought relief fund", "hedgerow grants"),
    "Fishing": ("the fishing quota", "the harbour moorings", "the fish market", "the oyster beds"),
    "Weather": ("the storm warning", "the cold snap", "the heatwave plan", "the gritting rota"),
    "Energy": ("the wind farm", "the heating network", "the solar array", "fuel bills"),
    "Culture": ("the arts festival", "the theatre refurbishment", "the museum loan", "street music licences"),
    "Sport": ("the football ground", "the regatta", "the leisure centre", "the cycling race"),
    "Science": ("the observatory", "the research grant", "the soil survey", "the seabird count"),
    "Technology": ("the broadband rollout", "the ticketing app", "the data centre", "the mobile mast"),
    "Policing": ("neighbourhood patrols", "the speed cameras", "shoplifting figures", "the custody suite"),
    "Elections": ("the by-election", "the postal vote count", "polling station changes", "the candidate list"),
    "Budget": ("the spending review", "the reserves fund", "the borrowing limit", "the savings plan"),
    "Heritage": ("the old lighthouse", "the abbey ruins", "the listed mill", "the war memorial"),
    "Water": ("reservoir levels", "the hosepipe ban", "the sewage outfall", "water main repairs"),
    "Tourism": ("the visitor centre", "the campsite licence", "the summer season", "the coastal path"),
    "Employment": ("the jobs fair", "the apprenticeship scheme", "the pay offer", "the redundancy talks"),
    "Retail": ("the Sunday market", "empty shop units", "parking charges", "the supermarket plan"),
    "Roads": ("pothole repairs", "the bypass", "the bridge closure", "the new roundabout"),
    "Rail": ("the station upgrade", "the branch line", "the level crossing", "the freight depot"),
    "Ports": ("the ferry terminal", "the dredging contract", "the container berth", "the harbour wall"),
    "Libraries": ("the mobile library", "library opening hours", "the archive reading room", "the book fund"),
    "Public health": ("the vaccination drive", "food hygiene ratings", "the smoking ban", "the clean air zone"),
    "Wildlife": ("the otter survey", "the nature reserve", "the badger cull", "the wetland project"),
}
TAGS = tuple(TOPICS)
# Earlier topics are commoner, as on a real desk: weight 1/(rank + 3).
_TAG_WEIGHTS = tuple(1 / (rank + 3) for rank in range(len(TAGS)))

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ORDINALS = ("second", "third", "fourth", "fifth")

# --- grammar ---------------------------------------------------------------------------------
# Slots: {town} {Town} {org} {Org} {org2} {thing} {thing2} {person} {role} {day} {month}
# {years} {pct} {money} {count} {votes} {against} {ordinal} {later}. {Org} is {org} capitalised.

HEADLINES = (
    "{Town} council delays vote on {bare}",
    "Row grows over {bare} in {Town}",
    "{Short} backs {bare} despite objections",
    "Questions raised over the cost of {bare}",
    "{Town} residents fight plans for {bare}",
    "New deal agreed on {bare} after months of talks",
    "Deadline missed for {bare} as costs climb",
    "{Town} to review {bare} after complaints",
    "Fresh doubts cast on {bare} in {Town}",
    "{Short} under pressure over {bare}",
    "Plans for {bare} approved at stormy meeting",
    "{Town} waits for answers on {bare}",
    "Campaigners win concession on {bare}",
    "Report warns {bare} could cost {Town} more",
    "{Short} apologises over handling of {bare}",
)
HEADLINE_TAILS = ("", "", "", " amid budget row", " as deadline nears", ", report finds", " after public outcry")

STANDFIRSTS = (
    "{Org} has {act} {thing} in {town}, {tail}.",
    "People in {town} will have to wait until {month} to learn what happens to {thing}, {tail}.",
    "A decision by {org} on {thing} has divided opinion in {town}, {tail}.",
)
STANDFIRST_ACTS = (
    "announced a review of",
    "postponed a decision on",
    "approved changes to",
    "set out new plans for",
    "come under fire for its handling of",
)
STANDFIRST_TAILS = (
    "a move its critics say came without warning or consultation",
    "with a final vote expected before the end of the year",
    "after more than a year of pressure from residents and traders",
    "despite a warning that the costs could rise again next spring",
    "leaving several questions about money and timing unanswered",
)

SENTENCES = (
    "{Org} said on {day} that {thing} would be reviewed before the end of {month}.",
    "Residents of {town} have complained about {thing} for more than {years} years.",
    "The cost of {thing} has risen by {pct} per cent since the plans were first drawn up.",
    "Figures published by {org} show that {thing} now takes up {pct} per cent of its spending.",
    "A report to {org} warned that {thing} could be delayed until {later} unless more money was found.",
    "{Person}, {role}, said the decision had been taken without proper consultation.",
    "Under the proposals, {thing} would be run jointly by {org} and {org2}.",
    "Campaigners in {town} gathered outside the town hall on {day} to oppose changes to {thing}.",
    "{Org} declined to comment on the timing of the announcement.",
    "It is the {ordinal} time in {years} years that {thing} has been put forward for debate.",
    "Officials expect a final decision on {thing} to be made at a meeting in {month}.",
    "The plan for {thing} was approved by {votes} votes to {against} after a debate lasting most of the evening.",
    "Opposition members questioned whether {thing} represented value for money at a time of cuts elsewhere.",
    "Some {count} people responded to the consultation on {thing}, the highest number on record.",
    "Work on {thing} is due to begin in {month} and is expected to take about {years} months.",
    "Those living closest to {thing} say they were not told about the changes in advance.",
    "{Org} has set aside {money} to cover the cost of {thing} over the next {years} years.",
    "Traders in {town} said {thing} had already affected the number of visitors on market days.",
    "An independent review of {thing} is expected to be published in the spring.",
    "Neither {org} nor {org2} would say how long the arrangement might last.",
    "The last time {thing} was changed, in {earlier}, it took almost two years for the complaints to die down.",
    "A petition calling for a rethink of {thing} has gathered more than {count} signatures.",
    "{Person} said the concerns raised about {thing2} had been heard and would be answered in writing.",
    "Members of {org} are due to meet again on {day} to discuss {thing2}.",
    "Previous attempts to settle the future of {thing} collapsed over who should pay for it.",
    "The {ordinal} phase of the work, covering {thing2}, has not yet been costed.",
    "According to {org}, demand for {thing} has grown steadily since {earlier}.",
    "Several families in {town} said they had only learned of the plan from a notice pinned to a lamp post.",
    "{Org} said it remained committed to {thing} but that the timetable was under review.",
    "Critics point out that {thing2} was promised in {earlier} and has still not been delivered.",
    "At a crowded public meeting in {town} on {day}, speaker after speaker asked why the plan had changed.",
    "The figures do not include the cost of {thing2}, which will be considered separately.",
    "A spokesperson for {org2} said it had not been consulted before the announcement.",
    "Local businesses have been invited to a briefing on {thing} later this month.",
)

QUOTES = (
    "We have waited long enough for a straight answer about {thing}",
    "Nobody in {town} asked for this, and nobody was told it was coming",
    "This is the right decision, even if it is not the popular one",
    "The money has to come from somewhere, and we have been honest about that",
    "If {thing} goes, it will not be coming back",
    "We will keep listening, but we cannot keep waiting",
    "People here are not against change, they are against being ignored",
    "There is still time to get {thing} right if everyone is willing",
    "I have lived in {town} all my life and I have never seen anything like it",
    "Every month of delay costs us more than the month before",
    "We were promised a plan and what we got was a press release",
    "Our job is to make {thing} work for the people who rely on it",
    "The town deserves better than another year of meetings",
    "Nobody is pretending this will be easy or cheap",
)
QUOTE_FORMS = (
    '"{quote}," said {person}, {role}.',
    '"{quote}," {person} told the meeting.',
    '{Person}, {role}, said: "{quote}."',
    '"{quote}," said {person}. "We will be watching closely what happens next."',
)

SUBHEADINGS = (
    "What happens next",
    "Reaction in {Town}",
    "Costs under scrutiny",
    "A long wait",
    "The case for {bare}",
    "Looking ahead",
    "Divided opinion",
    "Questions for {org}",
    "How the vote went",
    "Behind the figures",
    "{Town} responds",
    "Earlier attempts",
    "Who pays",
    "A town split over {bare}",
)


# --- articles -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article: its file stem, metadata and scraped text (no metadata in it)."""

    index: int
    stem: str
    date: dt.date
    tags: tuple[str, ...]
    text: str
    words: int


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bare(thing: str) -> str:
    return thing[4:] if thing.startswith("the ") else thing


def _short(org: str) -> str:
    return _cap(_bare(org))


class _Writer:
    """Fills grammar slots for one article: one town, one topic, a small cast."""

    def __init__(self, rng: random.Random, date: dt.date, topic: str) -> None:
        self.rng = rng
        self.date = date
        self.town = rng.choice(TOWNS)
        self.things = TOPICS[topic]
        self.orgs = rng.sample(ORGANISATIONS, 3)
        self.cast = [
            (
                f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                rng.choice(ROLES).format(town=self.town, org=rng.choice(self.orgs)),
            )
            for _ in range(3)
        ]
        # Quotes are drawn without replacement: a page never says the same thing twice by chance.
        self.unused_quotes = list(QUOTES)

    def fill(self, template: str, **extra: str) -> str:
        rng = self.rng
        thing, thing2 = rng.sample(self.things, 2)
        org, org2 = rng.sample(self.orgs, 2)
        person, role = rng.choice(self.cast)
        votes = rng.randint(9, 30)
        return template.format(
            town=self.town,
            Town=self.town,
            org=org,
            Org=_cap(org),
            org2=org2,
            Short=_short(org),
            thing=thing,
            thing2=thing2,
            bare=_bare(thing),
            person=person,
            Person=person,
            role=role,
            day=rng.choice(WEEKDAYS),
            month=rng.choice(MONTHS),
            years=rng.randint(2, 12),
            pct=rng.randint(3, 60),
            money=f"£{rng.randint(2, 95) * 10_000:,}",
            count=f"{rng.randint(3, 90) * 100:,}",
            votes=votes,
            against=rng.randint(1, votes - 1),
            ordinal=rng.choice(ORDINALS),
            later=self.date.year + rng.randint(1, 4),
            earlier=self.date.year - rng.randint(2, 15),
            **extra,
        )

    def quote(self) -> tuple[str, str, str]:
        """A quoted paragraph, its quote and who said it."""
        person, role = self.rng.choice(self.cast)
        template = self.unused_quotes.pop(self.rng.randrange(len(self.unused_quotes)))
        quote = self.fill(template)
        form = self.rng.choice(QUOTE_FORMS)
        return form.format(quote=quote, person=person, Person=person, role=role), quote, person

    def paragraph(self) -> str:
        count = self.rng.choices((1, 2, 3), weights=(2, 5, 3))[0]
        return " ".join(self.fill(self.rng.choice(SENTENCES)) for _ in range(count))


def _tags(rng: random.Random, topic: str) -> tuple[str, ...]:
    extra = rng.choices(TAGS, weights=_TAG_WEIGHTS, k=rng.choice((0, 1, 1, 2, 3)))
    return tuple(dict.fromkeys((topic, *extra)))


def _word_count(lines: Sequence[str]) -> int:
    return sum(len(line.split()) for line in lines)


def _retyped(text: str) -> str:
    """The same paragraph as a second scrape might give it: curly quotes, or a comma lost."""
    if '"' in text:
        out, opening = [], True
        for char in text:
            if char == '"':
                out.append("\u201c" if opening else "\u201d")
                opening = not opening
            else:
                out.append(char)
        return "".join(out)
    return text.replace(", ", " ", 1) if ", " in text else text.rstrip(".") + "..."


def article(seed: int, index: int) -> Article:
    """Article `index` of the corpus for `seed`; depends on nothing else."""
    rng = random.Random(f"newsarchive-bench:{seed}:{index}")
    date = FIRST_DATE + dt.timedelta(days=rng.randrange((LAST_DATE - FIRST_DATE).days + 1))
    topic = rng.choices(TAGS, weights=_TAG_WEIGHTS)[0]
    tags = _tags(rng, topic)
    writer = _Writer(rng, date, topic)

    headline = writer.fill(rng.choice(HEADLINES)) + rng.choice(HEADLINE_TAILS)
    standfirst = writer.fill(
        rng.choice(STANDFIRSTS), act=rng.choice(STANDFIRST_ACTS), tail=rng.choice(STANDFIRST_TAILS)
    )
    # About 700 words a file, counting the header lines and the scraper's repeats.
    target = rng.randint(570, 710)
    repeats = rng.random() < REPEAT_SHARE
    header_words = 2 * len(headline.split()) + len(standfirst.split()) + 3
    repeat_budget = round(target * 0.16) if repeats else 0
    unique_target = target - header_words - repeat_budget

    # Body items: ("p", text), ("h", subheading) or ("q", paragraph with a quote).
    items: list[tuple[str, str]] = []
    quotes: dict[int, tuple[str, str]] = {}
    first = writer.paragraph()
    if rng.random() < DATELINE_SHARE:
        first = f"{writer.town.upper()} ({rng.choice(WIRES)}) - {first}"
    items.append(("p", first))
    words = len(first.split())
    since_heading = 1
    while words < unique_target:
        if since_heading >= rng.randint(4, 8):
            items.append(("h", writer.fill(rng.choice(SUBHEADINGS))))
            since_heading = 0
        elif rng.random() < 0.18 and writer.unused_quotes:
            text, quote, person = writer.quote()
            quotes[len(items)] = (quote, person)
            items.append(("q", text))
        else:
            items.append(("p", writer.paragraph()))
        words += len(items[-1][1].split())
        since_heading += 1

    pullquotes = _pullquotes(rng, items, quotes)
    body = _with_repeat(rng, items, pullquotes, repeat_budget) if repeats else _inline(items, pullquotes)
    unique_words = words + len(headline.split()) + len(standfirst.split())
    minutes = max(1, math.ceil(unique_words / 230))
    lines = [headline, headline, standfirst, f"{minutes} min read", *body]
    text = "\n".join(lines) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return Article(index, f"{index:06d}_{digest}", date, tags, text, _word_count(lines))


def _pullquotes(rng: random.Random, items: list[tuple[str, str]], quotes: dict[int, tuple[str, str]]) -> dict[int, str]:
    """One to three pull-quote lines, keyed by the position of the item they echo."""
    wanted = rng.randint(1, 3)
    chosen: dict[int, str] = {}
    for position in rng.sample(sorted(quotes), min(wanted, len(quotes))):
        quote, person = quotes[position]
        chosen[position] = f"{quote} - {person} |" if rng.random() < 0.6 else f"{quote} |"
    paragraphs = [k for k, (kind, _) in enumerate(items) if kind == "p" and k > 0]
    for position in rng.sample(paragraphs, min(len(paragraphs), wanted - len(chosen))):
        # A paragraph's first sentence, trimmed, as sub-editors pull it out.
        sentence = items[position][1].split(". ")[0].rstrip(".")
        chosen[position] = f"{sentence} |"
    return chosen


def _inline(items: list[tuple[str, str]], pullquotes: dict[int, str], skip: range = range(0)) -> list[str]:
    """Items in order, each pull-quote just above the paragraph it echoes (except for items in `skip`)."""
    lines: list[str] = []
    for position, (_, text) in enumerate(items):
        if position in pullquotes and position not in skip:
            lines.append(pullquotes[position])
        lines.append(text)
    return lines


def _with_repeat(
    rng: random.Random, items: list[tuple[str, str]], pullquotes: dict[int, str], budget: int
) -> list[str]:
    """The body with a run of items scraped a second time further down; the run's pull-quotes sit in the copy."""
    start = rng.randrange(max(1, len(items) // 2))
    end = start
    copied = 0
    while end < len(items) - 1 and (copied < budget or end - start < 2):
        copied += len(items[end][1].split())
        end += 1
    run = range(start, end)
    retype = rng.random() < 0.3
    copy: list[str] = []
    for position in run:
        if position in pullquotes:
            copy.append(pullquotes[position])
        kind, text = items[position]
        if retype and kind == "p" and len(text.split()) >= 12:
            text, retype = _retyped(text), False
        copy.append(text)
    original = _inline(items, pullquotes, skip=run)
    # Where the copy lands, counted in lines of the original (pull-quotes shift items down).
    after = rng.randint(end, len(items))
    at = len(_inline(items[:after], pullquotes, skip=run))
    return original[:at] + copy + original[at:]


def files_for(item: Article, meta: Meta) -> dict[str, str]:
    """File name to file text for one article, with its metadata delivered as `meta` says."""
    tags = "[" + ", ".join(json.dumps(t) for t in item.tags) + "]"
    fields = f"date: {item.date.isoformat()}\ntags: {tags}\n"
    if meta == "frontmatter":
        return {f"{item.stem}.txt": f"---\n{fields}---\n{item.text}"}
    if meta == "sidecar":
        return {f"{item.stem}.txt": item.text, f"{item.stem}.yaml": fields}
    return {f"{item.stem}.txt": item.text}


@dataclass(frozen=True, slots=True)
class Written:
    articles: int
    files: int
    words: int
    bytes: int
    seconds: float


def write_corpus(out: Path, n: int, seed: int = 1, meta: Meta = "frontmatter") -> Written:
    """Write articles 0..n-1 into `out` (created if missing). Existing files of the same name are replaced."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    files = words = size = 0
    for index in range(n):
        item = article(seed, index)
        words += item.words
        for name, text in files_for(item, meta).items():
            data = text.encode("utf-8")
            (out / name).write_bytes(data)
            files += 1
            size += len(data)
    return Written(n, files, words, size, time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.corpus", description="Write a deterministic synthetic news corpus."
    )
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--meta", choices=META_CHOICES, default="frontmatter", help="how dates and tags reach the loader"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be 0 or more")
    done = write_corpus(args.out, args.n, args.seed, args.meta)
    average = done.words / done.articles if done.articles else 0
    print(
        f"wrote {done.articles} articles ({done.files} files, {average:.0f} words each on average, "
        f"{done.bytes / 1e6:.1f} MB) to {args.out} in {done.seconds:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
