"""Demonstration participatory budgets, told through the same services people use
(called by `participation.demo.load()`, after the accounts and ideas exist).

- "Budget participatif régional 2026": the whole Region, in its voting phase, with
  twelve feasible projects and three found not feasible (with public reasons in
  French and Dutch), one of them an idea an official turned into a project, and a
  few dozen ballots already cast.
- "Budget de quartier Schaerbeek 2025": closed and counted, where the greedy rule and
  the Method of Equal Shares fund different projects, so the comparison shows
  something.

Idempotent: a round is found by its French title and left alone if it exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from participation.extensions import db
from participation.models import BudgetRound, Challenge, Idea, Municipality, User
from participation.models.base import clock_at, utcnow
from participation.services import budgets
from participation.vocabulary import BallotRule, Feasibility, IdeaStatus, OutcomeRule

# (title, description, language, cost, translations, not-feasible reasons FR/NL)
Project = tuple[str, str, str, int, dict[str, tuple[str, str]], tuple[str, str] | None]

REGIONAL: list[Project] = [
    (
        "Des arbres le long du canal",
        "Planter quarante arbres sur les quais du canal entre Anderlecht et Molenbeek, "
        "pour de l'ombre en été et un peu de fraîcheur pour les promeneurs.",
        "fr",
        90_000,
        {"nl": ("Bomen langs het kanaal", "Veertig bomen planten op de kaaien van het kanaal.")},
        None,
    ),
    (
        "Veilige fietsenstallingen aan de stations",
        "Overdekte en afgesloten fietsenstallingen aan vijf treinstations, zodat pendelaars "
        "hun fiets zonder zorgen kunnen achterlaten.",
        "nl",
        120_000,
        {"fr": ("Parkings vélos sécurisés aux gares", "Des parkings vélos couverts et fermés.")},
        None,
    ),
    (
        "Fontaines d'eau potable dans les parcs",
        "Installer douze fontaines d'eau potable dans les parcs régionaux, accessibles aux "
        "personnes en fauteuil roulant.",
        "fr",
        48_000,
        {},
        None,
    ),
    (
        "Repair cafés in every municipality",
        "Tools, spare parts and volunteer training so that each municipality can hold a "
        "monthly repair café for bikes, clothes and small appliances.",
        "en",
        35_000,
        {"fr": ("Des repair cafés dans chaque commune", "Outils et formation des bénévoles.")},
        None,
    ),
    (
        "Wifi gratuit dans les bibliothèques",
        "Un wifi public rapide et des bornes de recharge dans toutes les bibliothèques "
        "francophones et néerlandophones de la Région.",
        "fr",
        60_000,
        {},
        None,
    ),
    (
        "Meer zitbanken op pleinen",
        "Tachtig nieuwe zitbanken op pleinen en langs wandelroutes, met aandacht voor "
        "ouderen die onderweg even willen rusten.",
        "nl",
        40_000,
        {"fr": ("Plus de bancs sur les places", "Quatre-vingts nouveaux bancs.")},
        None,
    ),
    (
        "Potagers collectifs sur les toits",
        "Aménager trois toits de bâtiments publics en potagers partagés, ouverts aux "
        "habitants du quartier et aux écoles.",
        "fr",
        75_000,
        {},
        None,
    ),
    (
        "Lighting on dark cycle paths",
        "Motion-sensitive LED lighting along 6 km of cycle paths that are unlit at night, "
        "so that cyclists feel safe after dark.",
        "en",
        110_000,
        {},
        None,
    ),
    (
        "Speelstraten in de zomer",
        "Materiaal en begeleiding zodat twintig straten in juli en augustus een speelstraat "
        "kunnen worden.",
        "nl",
        25_000,
        {"fr": ("Rues réservées au jeu en été", "Du matériel pour vingt rues réservées au jeu.")},
        None,
    ),
    (
        "Toilettes publiques accessibles",
        "Six toilettes publiques accessibles et gratuites près des grands arrêts de tram et "
        "de métro, entretenues chaque jour.",
        "fr",
        130_000,
        {},
        None,
    ),
    (
        "Nichoirs et hôtels à insectes dans les écoles",
        "Des nichoirs et des hôtels à insectes construits avec les élèves de trente écoles "
        "primaires, avec un atelier nature.",
        "fr",
        18_000,
        {"nl": ("Nestkasten en insectenhotels op scholen", "Samen met leerlingen gebouwd.")},
        None,
    ),
    # Not feasible: their reasons are public.
    (
        "Un téléphérique entre la gare du Midi et la Basilique",
        "Relier la gare du Midi à la Basilique de Koekelberg par un téléphérique urbain.",
        "fr",
        450_000,
        {},
        (
            "Le coût dépasse de loin le budget et le projet demande des permis régionaux "
            "qui prennent plusieurs années.",
            "De kosten liggen ver boven het budget en het project vraagt gewestelijke "
            "vergunningen die jaren duren.",
        ),
    ),
    (
        "Gratis parkeren in het centrum",
        "Parkeren in het centrum van Brussel gratis maken op zaterdag.",
        "nl",
        80_000,
        {},
        (
            "Le stationnement relève des communes et de parking.brussels, pas de ce budget.",
            "Parkeren valt onder de gemeenten en parking.brussels, niet onder deze begroting.",
        ),
    ),
    (
        "Heated bus shelters",
        "Heat every bus shelter in the Region during winter.",
        "en",
        300_000,
        {},
        (
            "La STIB ne peut pas raccorder les abris à l'électricité dans ce délai, et la "
            "consommation serait trop élevée.",
            "De MIVB kan de wachthuisjes niet tijdig aansluiten en het verbruik zou te hoog zijn.",
        ),
    ),
]

SCHAERBEEK: list[Project] = [
    (
        "Nouvelle cour de récréation verte",
        "Remplacer le béton de la cour de l'école 1 par des arbres, du sable et un potager.",
        "fr",
        60_000,
        {"nl": ("Een groene speelplaats", "Beton vervangen door bomen, zand en een moestuin.")},
        None,
    ),
    (
        "Éclairage du parc Josaphat",
        "Un éclairage doux le long des allées principales du parc Josaphat.",
        "fr",
        40_000,
        {},
        None,
    ),
    (
        "Buurtwerkplaats voor jongeren",
        "Een werkplaats waar jongeren fietsen en meubels leren herstellen.",
        "nl",
        30_000,
        {"fr": ("Un atelier de quartier pour les jeunes", "Réparer vélos et meubles.")},
        None,
    ),
    (
        "Bancs et tables place Colignon",
        "Des bancs et des tables de pique-nique sur la place Colignon.",
        "fr",
        25_000,
        {},
        None,
    ),
    (
        "Compost collectif rue Royale Sainte-Marie",
        "Trois bacs à compost gérés par les habitants, avec une formation.",
        "fr",
        15_000,
        {},
        None,
    ),
]
# Who voted for what in Schaerbeek (indexes into SCHAERBEEK): five residents back the
# two big projects, three back the small ones. Greedy funds the two big ones (all the
# budget); equal shares gives the smaller group its fair share too.
SCHAERBEEK_BALLOTS = [[0, 1]] * 5 + [[2, 3, 4]] * 3


def _dates(now: datetime, offsets: tuple[int, int, int, int]) -> list[datetime]:
    return [now + timedelta(days=d) for d in offsets]


def _create_round(
    official: User, title: tuple[str, str, str], texts: tuple[str, str, str], **values: Any
):
    return budgets.create_round(
        official,
        budgets.RoundInput(
            title_fr=title[0],
            title_nl=title[1],
            title_en=title[2],
            description_fr=texts[0],
            description_nl=texts[1],
            description_en=texts[2],
            **values,
        ),
    )


def _propose(
    budget_round, authors: list[User], projects: list[Project], at: datetime, official: User
):
    made = []
    challenges = list(db.session.scalars(select(Challenge).order_by(Challenge.position)))
    for n, (title, description, language, cost, translations, reasons) in enumerate(projects):
        author = authors[n % len(authors)]
        with clock_at(at + timedelta(hours=n)):
            project = budgets.submit_project(
                author,
                budget_round,
                title,
                description,
                language,
                # Filters have something to show: a challenge each, the author's place.
                challenges[n % len(challenges)].id if challenges else None,
                author.municipality_id,
                translations=translations,
            )
        made.append((project, cost, reasons))
    return made


def _review(made, at: datetime, official: User) -> None:
    for n, (project, cost, reasons) in enumerate(made):
        with clock_at(at + timedelta(hours=n)):
            if reasons is None:
                budgets.review_project(official, project, cost, Feasibility.FEASIBLE)
            else:
                budgets.review_project(
                    official, project, cost, Feasibility.NOT_FEASIBLE, reasons[0], reasons[1]
                )


def _exists(title_fr: str) -> bool:
    return (
        db.session.scalar(select(BudgetRound.id).where(BudgetRound.title_fr == title_fr))
        is not None
    )


def load(official: User, citizens: list[User]) -> int:
    """Create the two demo rounds if missing; return how many were created."""
    created = 0
    now = utcnow()
    voters = [c for c in citizens if c.email_confirmed_at is not None]
    title = (
        "Budget participatif régional 2026",
        "Gewestelijke burgerbegroting 2026",
        "Regional participatory budget 2026",
    )
    if not _exists(title[0]):
        created += 1
        dates = _dates(now, (-40, -20, -6, 15))
        with clock_at(dates[0] - timedelta(days=3)):
            budget_round = _create_round(
                official,
                title,
                (
                    "Un demi-million d'euros pour des projets proposés par les habitants, "
                    "dans toute la Région. Choisissez les projets que vous voulez voir "
                    "réalisés, dans la limite du budget.",
                    "Een half miljoen euro voor projecten die bewoners voorstellen, in het "
                    "hele Gewest. Kies de projecten die u gerealiseerd wilt zien, binnen "
                    "het budget.",
                    "Half a million euros for projects residents propose, across the whole "
                    "Region. Choose the projects you want to see done, within the budget.",
                ),
                municipality_id=None,
                total_amount=500_000,
                submission_opens_at=dates[0],
                review_opens_at=dates[1],
                voting_opens_at=dates[2],
                voting_closes_at=dates[3],
                ballot_rule=BallotRule.KNAPSACK,
                min_share=10,
                outcome_rule=OutcomeRule.EQUAL_SHARES,
            )
        made = _propose(budget_round, voters[:10], REGIONAL, dates[0] + timedelta(days=2), official)
        # An official turns a popular published idea into a project.
        idea = db.session.scalar(
            select(Idea)
            .where(Idea.status == IdeaStatus.PUBLISHED)
            .order_by(Idea.support_count.desc(), Idea.id)
            .limit(1)
        )
        if idea is not None:
            with clock_at(dates[0] + timedelta(days=5)):
                from_idea = budgets.project_from_idea(official, budget_round, idea.id)
            made.insert(2, (from_idea, 55_000, None))
        _review(made, dates[1] + timedelta(days=2), official)
        feasible = [p for p, _cost, reasons in made if reasons is None]
        for n, voter in enumerate(voters[:30]):
            picks = [feasible[(n + k * 5) % len(feasible)] for k in range(3)]
            chosen: list[Any] = []
            for project in picks:
                spent = sum(p.cost or 0 for p in chosen)
                if project not in chosen and spent + (project.cost or 0) <= 500_000:
                    chosen.append(project)
            if sum(p.cost or 0 for p in chosen) < budget_round.min_spend:
                continue
            with clock_at(dates[2] + timedelta(hours=3 * n + 1)):
                budgets.cast_ballot(voter, budget_round, [str(p.id) for p in chosen])

    title = (
        "Budget de quartier Schaerbeek 2025",
        "Wijkbudget Schaarbeek 2025",
        "Schaerbeek neighbourhood budget 2025",
    )
    schaerbeek = db.session.scalar(select(Municipality).where(Municipality.slug == "schaerbeek"))
    residents = [v for v in voters if schaerbeek and v.municipality_id == schaerbeek.id]
    if not _exists(title[0]) and schaerbeek is not None and len(residents) >= 8:
        created += 1
        dates = _dates(now, (-120, -90, -70, -50))
        with clock_at(dates[0] - timedelta(days=3)):
            budget_round = _create_round(
                official,
                title,
                (
                    "100 000 euros pour des projets de quartier à Schaerbeek.",
                    "100.000 euro voor buurtprojecten in Schaarbeek.",
                    "100,000 euros for neighbourhood projects in Schaerbeek.",
                ),
                municipality_id=schaerbeek.id,
                total_amount=100_000,
                submission_opens_at=dates[0],
                review_opens_at=dates[1],
                voting_opens_at=dates[2],
                voting_closes_at=dates[3],
                ballot_rule=BallotRule.KNAPSACK,
                min_share=0,
                outcome_rule=OutcomeRule.GREEDY,
            )
        made = _propose(budget_round, residents, SCHAERBEEK, dates[0] + timedelta(days=1), official)
        _review(made, dates[1] + timedelta(days=1), official)
        for n, (voter, picks) in enumerate(zip(residents, SCHAERBEEK_BALLOTS, strict=False)):
            with clock_at(dates[2] + timedelta(days=1, hours=n)):
                budgets.cast_ballot(voter, budget_round, [str(made[i][0].id) for i in picks])
        with clock_at(dates[3] + timedelta(hours=2)):
            budgets.request_count(official, budget_round)
            budgets.count_round(official, budget_round)
    db.session.flush()
    return created
