"""Requests as this app's middleware leaves them, for type checking (the typed request classes
django-stubs and django-htmx advise): a view behind ``login_required`` that needs the account
takes an AuthenticatedHttpRequest; one that reads ``request.htmx`` an HtmxHttpRequest. At run time
every request is Django's HttpRequest."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHtmxRequest(AuthenticatedHttpRequest):
    htmx: HtmxDetails
