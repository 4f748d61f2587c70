"""Small helpers that the views of every app share: how a service's refusal reaches the person who asked."""

from django.core.exceptions import ValidationError


def base_url(request) -> str:
    """The site's absolute root, for the links in the e-mails a service sends."""
    return request.build_absolute_uri("/")


def refusal(error: ValidationError) -> str:
    """A service's refusal as one message."""
    return " ".join(error.messages)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
