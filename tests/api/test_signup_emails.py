"""Look-alike and invisible emails at signup and login (issue 20, finding 4), on SQLite and PostgreSQL."""

import uuid

import pytest

from app.extensions import db
from app.models import User
from tests.support.flow import PASSWORD

SIGNUP = "/api/v1/signup"
LOGIN = "/api/v1/login"


def signup(client, email):
    return client.post(SIGNUP, json={"email": email, "password": PASSWORD, "phone": "+14155550123"})


def login(client, email):
    return client.post(LOGIN, json={"email": email, "password": PASSWORD})


@pytest.mark.parametrize("twin", ["kim{}@example.com\u200b", "kim{}@example.com\u202e", "k\u0131m{}@example.com",
                                  "kim{}\u2060@example.com", "kim{}@\u200dexample.com"])
def test_a_look_alike_of_an_account_gets_no_account_of_its_own(client, twin):
    tag = uuid.uuid4().hex[:6]
    assert signup(client, f"kim{tag}@example.com").status_code == 201
    response = signup(client, twin.format(tag))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"email"}


def test_a_kelvin_sign_is_folded_into_the_account_it_imitates(client):
    tag = uuid.uuid4().hex[:6]
    assert signup(client, f"kim{tag}@example.com").status_code == 201
    assert signup(client, f"\u212aim{tag}@example.com").get_json()["code"] == "email_taken"
    assert login(client, f"\u212aim{tag}@example.com").status_code == 200


def test_an_international_domain_is_one_account_under_both_spellings(client):
    tag = uuid.uuid4().hex[:6]
    created = signup(client, f"kim{tag}@B\u00fccher.de")
    assert created.status_code == 201
    assert created.get_json()["email"] == f"kim{tag}@xn--bcher-kva.de"
    assert signup(client, f"kim{tag}@xn--bcher-kva.de").get_json()["code"] == "email_taken"
    assert login(client, f"kim{tag}@b\u00fccher.de").status_code == 200
    assert login(client, f"kim{tag}@xn--bcher-kva.de").status_code == 200


@pytest.mark.parametrize("stored", ["old{}@b\u00fccher.de", "old{}@example.com\u200b", "\u00f6ld{}@example.com"])
def test_accounts_made_before_the_rule_still_log_in_with_their_stored_form(app, client, stored):
    tag = uuid.uuid4().hex[:6]
    email = stored.format(tag)
    assert signup(client, f"placeholder-{tag}@example.com").status_code == 201
    with app.app_context():
        user = db.session.query(User).filter(User.email == f"placeholder-{tag}@example.com").one()
        user.email = email  # what the earlier trim-and-lower-case rule stored
        db.session.commit()
    assert login(client, email).status_code == 200
    assert login(client, email.upper()).status_code == 200
