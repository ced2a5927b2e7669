"""``LongSelect`` writes the markup Django's select writes, option by option, without a template per option;
``SuggestInput`` fetches its suggestions into its own datalist."""

import pytest
from django import forms
from django.test.html import parse_html

from core.forms import BootstrapMixin, LongSelect, SuggestInput

PLACES = [
    ("", "全部"),
    ("640324100000", "豫海镇"),
    ("640324100201", '豫海镇<草湾>村 & "旧"'),
    ("640324101000", "河西镇"),
]


class Plain(BootstrapMixin, forms.Form):
    area = forms.ChoiceField(label="乡镇或村", choices=PLACES, required=False)
    must = forms.ChoiceField(label="必选", choices=PLACES[1:])


class Long(BootstrapMixin, forms.Form):
    area = forms.ChoiceField(label="乡镇或村", choices=PLACES, required=False, widget=LongSelect)
    must = forms.ChoiceField(label="必选", choices=PLACES[1:], widget=LongSelect)


@pytest.mark.parametrize("data", [None, {"area": "640324100201", "must": "640324101000"}, {"area": "nowhere"}])
def test_the_markup_is_djangos(data):
    plain, long = Plain(data, auto_id="id_x_%s"), Long(data, auto_id="id_x_%s")
    for name in ("area", "must"):
        assert parse_html(str(long[name])) == parse_html(str(plain[name])), name


def test_grouped_choices_are_rendered_by_the_template():
    groups = [("豫海镇", [("640324100201", "草湾村")]), ("河西镇", [("640324101201", "上河村")])]
    field = forms.ChoiceField(choices=groups, widget=LongSelect)
    assert parse_html(field.widget.render("area", "640324101201")) == parse_html(
        forms.Select(choices=groups).render("area", "640324101201")
    )


def test_an_empty_value_and_a_repeated_one_are_written_as_djangos():
    choices = [(None, "未选"), ("640324100000", "豫海镇"), ("640324100000", "豫海镇（重复）")]
    for value in (None, "640324100000"):
        assert parse_html(LongSelect(choices=choices).render("area", value)) == parse_html(
            forms.Select(choices=choices).render("area", value)
        )


def test_labels_and_values_are_escaped():
    html = LongSelect(choices=PLACES).render("area", "")
    assert "豫海镇&lt;草湾&gt;村 &amp; &quot;旧&quot;" in html
    assert "<草湾>" not in html


class Pick(forms.Form):
    cadre = forms.CharField(widget=SuggestInput("/suggest/"))


def test_a_suggest_input_fetches_into_its_own_datalist_whatever_the_forms_prefix():
    """The suggestions go to the datalist right after the input, which the input lists; what is typed is sent under
    the input's own name (prefixed or not), which the answering view reads as the one value sent."""
    for form, name, datalist in (
        (Pick(), "cadre", "id_cadre-options"),
        (Pick(prefix="p"), "p-cadre", "id_p-cadre-options"),
        (Pick(auto_id=False), "cadre", "cadre-options"),
    ):
        html = str(form["cadre"])
        assert f'name="{name}"' in html
        assert f'list="{datalist}"' in html
        assert 'hx-get="/suggest/"' in html
        assert 'hx-target="next datalist"' in html
        assert html.endswith(f'<datalist id="{datalist}"></datalist>')
    with_id = SuggestInput("/suggest/", attrs={"id": "f-cadre"}).render("cadre", "李华")
    assert 'list="f-cadre-options"' in with_id
    assert 'value="李华"' in with_id
