"""A stored export's or frozen ledger's name in the reader's language: the record keeps the form's (Chinese)
title, the catalogue knows its translation."""

from typing import Any

from django import template
from django_stubs_ext import StrOrPromise

from ledgers.catalogue import LEDGERS

register = template.Library()


@register.filter
def ledger_title(record: Any) -> StrOrPromise:
    ledger = LEDGERS.get(record.ledger)
    return ledger.title if ledger is not None else record.title
