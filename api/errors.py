"""Errors are JSON, `{"detail": ...}` or `{"field": ["message"]}`; never a 500 for bad input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler

from approvision.records import Refused, StaleVersion


def api_exception_handler(error, context):
    if isinstance(error, StaleVersion):
        from api.views import PreconditionFailed

        error = PreconditionFailed()
    elif isinstance(error, Refused):
        error = exceptions.ValidationError({error.field or "detail": [str(error)]})
    elif isinstance(error, DjangoValidationError):
        error = exceptions.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        )
    return exception_handler(error, context)


def add_error_responses(result, generator, request, public):
    """Every operation may answer 401 (no or bad credentials), 403, 404 and 429 (rate limit):
    document them all, so clients and schemathesis know every answer the API gives."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    result["components"]["schemas"].setdefault(
        "Error",
        {
            "type": "object",
            "description": "`detail` for the request as a whole, or messages per field",
            "additionalProperties": True,
        },
    )
    words = {
        "400": "Field errors or a broken rule",
        "401": "Not signed in, or the token is not valid",
        "403": "The role may not do this",
        "404": "No such record the user may see",
        "429": "Too many requests: wait for Retry-After seconds",
    }
    for operations in result["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in words.items():
                responses.setdefault(code, {"description": description, "content": error})
    return result
