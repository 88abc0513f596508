"""The demo's consultations (issue 12): the 2018 Brussels Smart City survey publishes
the seed's percentages exactly; an open consultation in three languages can be
answered by a newcomer."""

from __future__ import annotations

from sqlalchemy import func, select

from participation.demo_consultations import OPEN_TITLE_EN
from participation.extensions import db
from participation.models import Consultation, ConsultationParticipation, ConsultationResponse
from participation.services import consultations as service
from participation.vocabulary import ConsultationState
from tests.factories_consultations import full_answer, question_ids
from tests.pages import html

SEED = [[44, 26, 15, 6, 9], [33, 32, 16, 16, 3], [43, 22, 15, 7, 4, 6, 3]]


def test_the_demo_survey_publishes_the_seed_percentages(app, runner, client, make_user, login):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        seed = db.session.scalars(
            select(Consultation).where(Consultation.title_en.like("Brussels Smart City 2018%"))
        ).one()
        seed_id = seed.id
        assert seed.state() == ConsultationState.CLOSED
        outcome = service.results(seed, "en")
        assert outcome.respondents == 300
        assert [[o.percent for o in q.options] for q in outcome.questions] == SEED
        assert [q.n for q in outcome.questions] == [300, 300, 300]
        labels = [o.option.label("en") for o in outcome.questions[0].options]
        assert labels[0].startswith("A municipality which facilitates administrative")
        assert labels[-2:] == ["I do not know", "None of these responses"]
        assert outcome.questions[2].options[4].option.label("nl") == (
            "Een (groter) budget aan sociale media besteden"
        )
        # Small cells are folded: every group shown has at least 10 respondents.
        assert outcome.groups and all(g.n >= 10 for g in outcome.groups)
        assert outcome.groups[-1].key == "other"
        # Imported anonymous answers: no participation names anyone.
        assert (
            db.session.scalar(
                select(func.count(ConsultationParticipation.id)).where(
                    ConsultationParticipation.consultation_id == seed_id
                )
            )
            == 0
        )
        open_one = db.session.scalars(
            select(Consultation).where(Consultation.title_en == OPEN_TITLE_EN)
        ).one()
        open_id = open_one.id
        assert open_one.state() == ConsultationState.OPEN
        assert all((open_one.title_fr, open_one.title_nl, open_one.title_en))
    page = html(client.get(f"/fr/consultations/{seed_id}/results"))
    for percent in (44, 26, 15, 6, 9, 33, 32, 16, 3, 43, 22, 7, 4):
        assert f">{percent}\u00a0%<" in page  # French: a no-break space before %
    # Again: nothing new.
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Consultation.id))) == 2
        assert (
            db.session.scalar(
                select(func.count(ConsultationResponse.id)).where(
                    ConsultationResponse.consultation_id == seed_id
                )
            )
            == 300
        )
    # A newcomer answers the open one.
    newcomer = make_user(language="nl")
    login(client, newcomer)
    answer = full_answer(question_ids(app, open_id))
    assert client.submit(f"/nl/consultations/{open_id}", answer).status_code == 302
    assert client.get(f"/nl/consultations/{open_id}/results").status_code == 200
    with app.app_context():
        # Two demo citizens answered before the newcomer.
        assert db.session.get(Consultation, open_id).respondent_count == 3
