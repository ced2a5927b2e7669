from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from geo.once import reading_once


class ParametersOnceMiddleware:
    """Facts fixed for a request (policy parameters, the areas of a jurisdiction) are read once (``geo.once``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with reading_once():
            return self.get_response(request)
