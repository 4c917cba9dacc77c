"""Fixtures for the Django layer: territories, accounts of every role, campaigns."""

from __future__ import annotations

import datetime as dt

import pytest

from numeduc.questionnaires import load_questionnaire
from numeduc.web.accounts.models import Role, User
from numeduc.web.surveys.models import Answer, Campaign, Response
from numeduc.web.territories.loading import load_reference
from numeduc.web.territories.models import Academie, Departement

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Académies and the 101 départements, loaded once (collèges skipped: slow, not needed here).

    pytest-django runs the transactional tests (browser) last; they reload what they need.
    """
    with django_db_blocker.unblock():
        load_reference(colleges=False)


@pytest.fixture
def territories(db):
    assert Departement.objects.count() == 101


def make_user(email: str, role: str, *, departement: str | None = None, academie: str | None = None) -> User:
    user = User(email=email, username=email, role=role)
    if departement:
        user.departement = Departement.objects.get(code=departement)
    if academie:
        user.academie = Academie.objects.get(code=academie)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def users(territories):
    loiret = Departement.objects.get(code="45")
    return {
        "coordinator": make_user("coord@test.fr", Role.COORDINATOR),
        "loiret_editor": make_user("editeur45@test.fr", Role.DEPARTEMENT_EDITOR, departement="45"),
        "loiret_viewer": make_user("lecteur45@test.fr", Role.DEPARTEMENT_VIEWER, departement="45"),
        "nord_editor": make_user("editeur59@test.fr", Role.DEPARTEMENT_EDITOR, departement="59"),
        "dan_loiret": make_user("dan@test.fr", Role.DAN, academie=loiret.academie.code),
        "dan_other": make_user(
            "dan.lille@test.fr", Role.DAN, academie=Departement.objects.get(code="59").academie.code
        ),
    }


def make_campaign(
    year: int = 2018, status: str = Campaign.Status.OPEN, slug: str = "autodiagnostic", **extra
) -> Campaign:
    questionnaire = load_questionnaire(slug)
    campaign = Campaign.objects.create(
        title=f"Autodiagnostic {year}",
        questionnaire_slug=questionnaire.slug,
        questionnaire_version=questionnaire.version,
        year=year,
        opens_on=dt.date(year, 3, 1),
        closes_on=dt.date(year, 6, 30),
        status=status,
        **extra,
    )
    if questionnaire.audience == "departement":
        campaign.target_departements.set(Departement.objects.all())
    else:
        campaign.target_academies.set(Academie.objects.all())
    return campaign


@pytest.fixture
def campaign(territories):
    return make_campaign()


def full_answers(level: int = 3) -> dict[str, str]:
    """A valid raw answer (form strings) to every required item of the autodiagnostic."""
    questionnaire = load_questionnaire("autodiagnostic")
    answers = {}
    for item in questionnaire.items:
        if item.type == "level":
            answers[item.id] = str(level)
        elif item.type == "choice":
            answers[item.id] = item.choices[0].value
        elif item.type == "number":
            low = item.min if item.min is not None else 0
            answers[item.id] = str(int(low) + 1 if item.max is None or item.max >= low + 1 else low)
        else:
            answers[item.id] = "texte"
    return answers


def submit_response(campaign, code: str, answers: dict[str, str]) -> Response:
    """A submitted response of département ``code`` with ``answers`` (form strings, as
    ``full_answers`` gives them: digits stored as numbers)."""
    from django.utils import timezone

    response = Response.objects.create(
        campaign=campaign,
        departement=Departement.objects.get(code=code),
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Answer.objects.bulk_create(
        Answer(response=response, item_id=k, value=int(v) if v.isdigit() else v) for k, v in answers.items()
    )
    return response


@pytest.fixture(name="full_answers")
def full_answers_fixture():
    return full_answers


def login_request():
    """django-axes checks every sign-in against its request (address, lock-out): the test
    client's ``login`` gets one, as the login page's form does."""
    from django.test import RequestFactory

    return RequestFactory().post("/compte/connexion/")


@pytest.fixture
def login(client):
    def _login(user, the_client=None):
        the_client = the_client or client
        assert the_client.login(request=login_request(), email=user.email, password=PASSWORD)
        return the_client

    return _login


@pytest.fixture(autouse=True)
def empty_usage_warehouse(settings, tmp_path):
    """No test reads the developer's ``var/warehouse`` (a ``numeduc demo setup`` there would mark
    every Loiret page as demo): an empty warehouse root unless a fixture serves one (``world``)."""
    from numeduc.web.usage_dashboard import store

    settings.USAGE_WAREHOUSE_ROOT = tmp_path / "warehouse"
    store.clear_memo()
    yield
    store.clear_memo()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The production hasher is slow on purpose; tests do not need that protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign_factory(territories):
    return make_campaign


# -- a small generated usage warehouse (four real Loiret collèges, two months), shared by the
# usage dashboard, API and budget-bounds tests --------------------------------------------------

USAGE_MONTH_1, USAGE_MONTH_2 = "2024-10", "2024-11"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from numeduc.demo.usage import generate

    out = tmp_path_factory.mktemp("usage_gen")
    # Four real Loiret collèges, two months (Toussaint holidays in October).
    generate("45", 900, 2, out, seed=11, start_month=USAGE_MONTH_1, max_colleges=4, events_per_session=3.0)
    return out


@pytest.fixture(scope="module")
def warehouse_root(generated, tmp_path_factory):
    from numeduc.web.usage_dashboard.demo import build_warehouse

    root = tmp_path_factory.mktemp("usage_wh")
    build_warehouse(generated, root / "45", "45")
    return root


@pytest.fixture(scope="module")
def expected(warehouse_root):
    """What the pure core computes on the same warehouse (pages and API must show exactly this)."""
    from numeduc.usage.indicators import compute_indicators

    return compute_indicators(warehouse_root / "45")


@pytest.fixture
def world(settings, warehouse_root, users, generated):
    """The warehouse served, its collèges in the database, a Nord collège and a school head."""
    import pandas as pd

    from numeduc.web.territories.models import College
    from numeduc.web.usage_dashboard import store

    settings.USAGE_WAREHOUSE_ROOT = warehouse_root
    store.clear_memo()
    est = pd.read_csv(generated / "establishments.csv", dtype={"uai": str})
    loiret = Departement.objects.get(code="45")
    colleges = [
        College.objects.create(uai=r.uai, name=r.name, departement=loiret, commune_name=r.commune_name)
        for r in est.itertuples()
    ]
    nord = College.objects.create(
        uai="0590001X", name="Collège du Nord", departement=Departement.objects.get(code="59")
    )
    school = User(
        email="principal@test.fr", username="principal@test.fr", role=Role.SCHOOL, college=colleges[0]
    )
    school.set_password(PASSWORD)
    school.save()
    return {"colleges": colleges, "nord_college": nord, "school": school, **users}
