"""Form plumbing every app shares: Bootstrap classes on every widget, the date input, and what every command view
does (STYLE rule 18): refuse with the first invalid field, named; run the service and report its outcome."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.forms.utils import flatatt
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django_stubs_ext import StrOrPromise

from core.errors import DomainError
from core.stored import shown

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A select of many options (the places of a county or a province) written directly: Django renders each option
    through a template of its own, some 90 µs apiece, and a page of a form per ledger, each offering a county's
    133 places, took 0.2 s to render (a province's 2,000 places: seconds). The same markup; grouped choices go the
    template's way."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        final = {**self.build_attrs(self.attrs, attrs), "name": name}
        rows, one_selected = [], False  # a single select marks its first match only, as Django's does
        for option, label in choices:
            shown = "" if option is None else str(option)
            selected = shown in chosen and (self.allow_multiple_selected or not one_selected)
            one_selected = one_selected or selected
            rows.append((shown, mark_safe(" selected") if selected else "", label))
        options = format_html_join("", '<option value="{}"{}>{}</option>', rows)
        return format_html("<select{}>{}</select>", flatatt(final), options)


class SuggestInput(forms.TextInput):
    """A text input whose suggestions are fetched as one types (htmx): ``url`` answers what was typed (sent under
    the input's name) with ``<option>``s for the input's own datalist. For a choice among thousands (a county's
    cadres), which no list on a phone can offer; without scripts it is a plain text input."""

    def __init__(self, url: StrOrPromise, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = {**(attrs or {})}
        options = f"{final.get('id') or self.attrs.get('id') or name}-options"
        suggest = {
            "list": options,
            "autocomplete": "off",
            "hx-get": str(self.url),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "next datalist",
        }
        text = super().render(name, value, {**final, **suggest}, renderer)
        return format_html('{}<datalist id="{}"></datalist>', text, options)


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates stay free of per-field markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def raise_first_error(form: Any) -> None:
    """Raise the form's first error as a ``DomainError`` whose message names the field ("意见：不能为空")."""
    if form.is_valid():
        return
    name, errors = next(iter(form.errors.items()))
    label = form.fields[name].label if name in form.fields else ""
    raise DomainError(f"{label}：{errors[0]}" if label else str(errors[0]), field=name)


def ticked_ids(request: HttpRequest, name: str) -> list[int]:
    """The rows ticked in a batch form (checkboxes named ``name``), in the page's order. A value that is no row
    number cannot name a row the user may see: 404, as for any row outside their jurisdiction."""
    try:
        return [int(value) for value in request.POST.getlist(name)]
    except ValueError as exc:
        raise Http404 from exc


# The request type of the views that run commands (an app's signed-in request, which core cannot name).
Request = TypeVar("Request", bound=HttpRequest)
Command = tuple[Callable[[Request, Any], Any], StrOrPromise]  # the success message: a lazy translation


def refusal_message(exc: DomainError) -> str:
    """The refusal's sentence, followed by a link to each step elsewhere that fixes a failing condition."""
    message = shown(exc.message)  # a stored message (core.stored) in the reader's language
    if not exc.fixes:
        return message
    links = format_html_join(
        " ",
        '<a class="alert-link ms-1" href="{}" data-testid="refusal-fix">{}</a>',
        ((f.url, f.label) for f in exc.fixes),
    )
    return format_html("{} {}", message, links)


def run_command(request: Request, target: Any, command: Command[Request]) -> HttpResponse:
    """What every command view does (STYLE rule 18): run one service through its form, say what happened — the
    refusal's Chinese sentence, or what was done — and go back to the page of the case."""
    run, done = command
    try:
        run(request, target)
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
    else:
        messages.success(request, done)
    return redirect(target)
