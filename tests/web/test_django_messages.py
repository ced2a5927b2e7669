"""Django's own form messages read as natural Chinese (locale/zh_Hans overrides Django's catalogue): a required
field says 此项必填, a too-long text says how long it may be, a bad date shows the expected form."""

import pytest
from django import forms
from django.utils import translation


class _Form(forms.Form):
    name = forms.CharField(max_length=4)
    on = forms.DateField()
    count = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=[("a", "甲")])


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "name", "此项必填"),
        ({"name": "同心县丁塘镇"}, "name", "最多 4 个字（现在 6 个）"),
        ({"on": "12/03"}, "on", "请输入有效的日期，如 2026-12-03"),
        ({"count": "0"}, "count", "不能小于 1"),
        ({"count": "x"}, "count", "请输入整数"),
        ({"kind": "z"}, "kind", "“z”不在可选范围内，请重新选择"),
    ],
)
def test_form_messages_read_naturally(data, field, message):
    with translation.override("zh-hans"):
        errors = _Form(data).errors
        assert errors[field] == [message]
