"""The one error type of the services: a refusal a person can act on, in their language, with the field at fault."""
from __future__ import annotations


class ServiceError(ValueError):
    """Input or a step refused. message is already translated (gettext at the raise: the request's language, Chinese
    outside a request); field names the form field it belongs to, None for the page as a whole."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
