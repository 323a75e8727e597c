from django.http import HttpRequest

from targets.access import access_for


def roles(request: HttpRequest) -> dict:
    """The signed-in user's access, for the navigation."""
    return {"access": access_for(request)}
