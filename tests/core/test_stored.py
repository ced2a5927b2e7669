"""Stored messages (core.stored): kept as source text and parameters, read in the reader's language."""

import copy

from django.utils import translation

from core.stored import Stored, as_json, of_json, shown, shown_item, stored

KEY = "“%(text)s”应为 11 位数字"


def test_a_stored_message_is_its_chinese_sentence_and_remembers_how_it_was_made():
    message = stored(KEY, text="12345")
    assert message == "“12345”应为 11 位数字"
    assert isinstance(message, str)
    assert (message.key, message.params) == (KEY, {"text": "12345"})
    assert copy.deepcopy(message).params == {"text": "12345"}


def test_it_is_read_in_the_readers_language():
    message = stored(KEY, text="12345")
    with translation.override("en"):
        assert shown(message) == "“12345” should be 11 digits"
    with translation.override("zh-hans"):
        assert shown(message) == "“12345”应为 11 位数字"


def test_a_json_round_trip_keeps_source_and_parameters_and_plain_sentences_stay_as_written():
    item = {"row": 3, "column": "联系电话", **as_json(stored(KEY, text="12345"))}
    assert item["message"] == "“12345”应为 11 位数字"
    assert isinstance(of_json(item), Stored)
    with translation.override("en"):
        assert shown_item(item) == {"row": 3, "column": "联系电话", "message": "“12345” should be 11 digits"}
        # A sentence written before messages were stored with their source (or a person's words) is kept as is.
        assert shown_item({"row": 3, "message": "旧的错误"}) == {"row": 3, "message": "旧的错误"}


def test_a_translation_that_lost_a_parameter_falls_back_to_the_chinese_sentence(monkeypatch):
    monkeypatch.setattr("core.stored.gettext", lambda key: "should be %(digits)s digits")
    assert shown(stored(KEY, text="12345")) == "“12345”应为 11 位数字"


def test_a_refusal_reads_in_the_language_of_whoever_reads_it_and_keeps_its_source_for_storing():
    from core.errors import DomainError

    refusal = DomainError(stored(KEY, text="12345"), field="phone")
    with translation.override("en"):
        assert refusal.message == "“12345” should be 11 digits"
    with translation.override("zh-hans"):
        assert refusal.message == "“12345”应为 11 位数字"
    assert isinstance(refusal.stored, Stored)
    assert as_json(refusal.stored)["key"] == KEY
    assert DomainError("已翻译的句子").message == "已翻译的句子"  # a sentence translated where it was raised
