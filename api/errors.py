"""Errors are JSON, `{"detail": ...}` or `{"field": ["message"]}`; never a 500 for bad input."""

import logging

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import CheckConstraint
from rest_framework import exceptions
from rest_framework.views import exception_handler

from approvision.records import Refused, StaleVersion

logger = logging.getLogger(__name__)


def api_exception_handler(error, context):
    if isinstance(error, StaleVersion):
        from api.views import PreconditionFailed

        error = PreconditionFailed()
    elif isinstance(error, Refused):
        error = exceptions.ValidationError(
            {field or "detail": [message] for field, message in error.errors.items()}
        )
    elif isinstance(error, DjangoValidationError):
        error = exceptions.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        )
    elif isinstance(error, IntegrityError) and _broken_rule(error):
        # A database rule the service did not check first: still the client's input, so a 400
        # naming the rule, never a 500 (the service's transaction has rolled back). Logged, as
        # the rule belongs in the serializer or the service, where it can name its field.
        logger.warning("A database rule refused an API write: %s", _broken_rule(error))
        error = exceptions.ValidationError({"detail": [_broken_rule(error)]})
    return exception_handler(error, context)


CHECK_VIOLATION = "23514"


def _broken_rule(error: IntegrityError) -> str:
    """The message of the check constraint an IntegrityError broke, or "" if it was another kind."""
    cause = error.__cause__
    if getattr(cause, "pgcode", None) != CHECK_VIOLATION:
        return ""
    name = getattr(getattr(cause, "diag", None), "constraint_name", "") or ""
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if (
                isinstance(constraint, CheckConstraint)
                and constraint.name == name
                and constraint.violation_error_message != constraint.default_violation_error_message
            ):
                return str(constraint.violation_error_message)
    return f"The change breaks the rule “{name.replace('_', ' ')}”"


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
