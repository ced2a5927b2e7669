"""The one place where domain errors raised by services become HTTP statuses (STYLE rule 18), and where the schema
says which of those statuses each operation can answer."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular import openapi
from drf_spectacular.plumbing import ComponentRegistry
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError, TransitionNotAllowed


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field:
            body[exc.field] = [exc.message]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A bare list of messages (DRF's search filter refusing a NUL character): the documented shape is an object.
        response.data = {"detail": "；".join(str(message) for message in response.data)}
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404 (``handler404``): an address under /api/ that matches no route (``/households/0.5/``) is
    answered as the API answers a missing row, in JSON; pages get the 404 page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


# Query parameters that never give 400: a page outside the list is 404, and unknown orderings or sizes are ignored.
_LENIENT_QUERY = {"page", "page_size", "search", "ordering"}
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_ERRORS = {
    "400": "Invalid input: field name → messages, or ``detail`` for a refusal of the domain.",
    "401": "No valid credentials (a missing or expired token).",
    "403": "Visible, but not the caller's step.",
    "404": "Missing or outside the caller's jurisdiction (the same answer), or a page past the end.",
    "409": "The row's current state does not allow this step.",
    "413": "The request body is over ``UPLOAD_MAX_REQUEST_BYTES``.",
    "415": "A request body of a media type the operation does not read.",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema with the error answers documented on each operation that can give them, so a
    client (and the contract test, tests/api/test_contract.py) knows every status code it may receive."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        invalid = {"schema": {"type": "object", "additionalProperties": {}}}
        responses = operation["responses"]
        for code in self._error_codes(operation):
            body = invalid if code == "400" else error
            responses.setdefault(code, {"description": _ERRORS[code], "content": {"application/json": body}})
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        codes = []
        if self.method in _UNSAFE or query - _LENIENT_QUERY:
            codes.append("400")
        if any(isinstance(permission, IsAuthenticated) for permission in self.view.get_permissions()):
            codes += ["401", "403"]
        if "{" in self.path or "page" in query:
            codes.append("404")
        if self.method in _UNSAFE:
            codes += ["409", "413", "415"]
        return codes
