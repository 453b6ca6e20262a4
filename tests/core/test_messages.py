"""A service's message is English where it is parsed (the API) and in the reader's language
where it is read (the web pages)."""

import copy

import pytest
from django.utils import translation

from core.errors import Conflict, InvalidInput
from core.messages import FormattedMessage, Message, Term, localized
from registry.ledger.services.movements import ACCOUNT_FROZEN, QUANTITY_NOT_POSITIVE
from registry.projects.services.lifecycle import NOT_ALLOWED
from tests.registry.calendar_notice import HOLIDAYS, SOURCE, UNKNOWN_YEAR


def test_a_formatted_message_is_its_english_text():
    message = ACCOUNT_FROZEN.format(account="Main")

    assert message == "Account Main is frozen: nothing moves in or out until it is unfrozen."
    assert isinstance(message, FormattedMessage)


def test_a_formatted_message_reads_in_chinese_with_its_arguments():
    message = ACCOUNT_FROZEN.format(account="Main")

    with translation.override("zh-hans"):
        text = localized(message)

    assert text == "账户 Main 已冻结：解冻之前不能转入或转出。"


def test_a_message_without_arguments_reads_in_chinese():
    with translation.override("zh-hans"):
        assert localized(QUANTITY_NOT_POSITIVE) == "数量须为整数吨减排量，至少 1 吨。"
    with translation.override("en"):
        assert localized(QUANTITY_NOT_POSITIVE) == QUANTITY_NOT_POSITIVE


def test_terms_in_a_message_read_as_their_labels():
    message = NOT_ALLOWED.format(
        action=Term("submit", "提交"), kind=Term("project", "项目"), status=Term("draft", "草稿")
    )

    assert message == "Cannot submit a project that is draft."
    with translation.override("zh-hans"):
        assert localized(message) == "无法对状态为“草稿”的项目执行“提交”操作。"


def test_other_text_is_left_as_it_is():
    with translation.override("zh-hans"):
        assert localized("Draft") == "Draft"
        assert localized(Message("Not in the catalogue: {x}.").format(x=1)) == (
            "Not in the catalogue: 1."
        )


def test_an_error_keeps_its_message_as_it_was_raised():
    message = ACCOUNT_FROZEN.format(account="Main")

    assert Conflict(message).message is message
    assert InvalidInput({"quantity": QUANTITY_NOT_POSITIVE}).errors == {
        "quantity": [QUANTITY_NOT_POSITIVE]
    }
    assert InvalidInput({"quantity": QUANTITY_NOT_POSITIVE}).errors["quantity"][0] is (
        QUANTITY_NOT_POSITIVE
    )


def test_a_formatted_message_survives_a_copy():
    message = ACCOUNT_FROZEN.format(account="Main")

    for copied in (copy.copy(message), copy.deepcopy(message)):
        assert copied == message
        with translation.override("zh-hans"):
            assert localized(copied) == "账户 Main 已冻结：解冻之前不能转入或转出。"


def as_json(days: list[dict]) -> list[dict]:
    return [{**day, "date": day["date"].isoformat()} for day in days]


@pytest.mark.django_db
def test_the_api_answers_a_domain_error_in_english_to_a_chinese_browser(clients):
    day = f"{UNKNOWN_YEAR + 1}-01-01"
    body = {
        "year": UNKNOWN_YEAR,
        "source": SOURCE,
        "holidays": as_json(HOLIDAYS),
        "working_days": [{"date": day}],
    }

    response = clients["operator"].post(
        "/api/v1/calendar-years/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert response.status_code == 400
    assert response.json() == {
        "working_days": [f"{day} is not in {UNKNOWN_YEAR}."],
    }


@pytest.mark.django_db
def test_the_api_answers_its_own_messages_in_english_to_a_chinese_browser(clients):
    response = clients["operator"].post(
        "/api/v1/calendar-years/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert response.status_code == 400
    assert response.json()["year"] == ["This field is required."]
    assert response.headers["Content-Language"] == "en"
