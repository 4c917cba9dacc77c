"""Property: replaying the history of a response always gives its stored answers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from numeduc.questionnaires import AnswerError
from numeduc.web.surveys import services
from numeduc.web.surveys.models import Answer, Response
from numeduc.web.territories.models import Departement

ITEMS = [
    "f01_maturite_equipes",
    "f02_evaluation_suivi",
    "budget_investissement_par_eleve",
    "strategie_equipement",
]
raw_values = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "5", "", "12,5", "-1", "byod", "eim", "x"]), st.text(max_size=5)
)
edits = st.lists(
    st.tuples(
        st.sampled_from(ITEMS), st.one_of(st.none(), raw_values), st.one_of(st.none(), st.text(max_size=20))
    ),
    max_size=15,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=edits)
def test_history_replays_to_the_stored_answers(users, campaign, sequence):
    Response.objects.filter(campaign=campaign).delete()
    response = services.response_for(campaign, departement=Departement.objects.get(code="45"))
    for item, value, comment in sequence:
        try:
            services.save_answer(response, item, value, comment, users["loiret_editor"])
        except AnswerError:
            pass  # refused edits must leave no trace: checked by the replay below
    replayed: dict[tuple[str, str], object] = {}
    for event in response.events.order_by("id"):
        key = (event.item_id, event.field)
        assert replayed.get(key) == event.old_value or (
            replayed.get(key) is None and event.old_value in (None, "")
        )
        replayed[key] = event.new_value
    for answer in Answer.objects.filter(response=response):
        assert replayed.get((answer.item_id, "value")) == answer.value
        assert (replayed.get((answer.item_id, "comment")) or "") == answer.comment
