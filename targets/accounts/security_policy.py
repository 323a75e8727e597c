"""The security policy in force: the security admin's settings, read through a short cache so that
every request does not ask the database. A change reaches every app process within CACHE_SECONDS."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from targets.models import SecuritySettings

CACHE_KEY = "security-policy"
CACHE_SECONDS = 30


def defaults() -> dict[str, int]:
    """A new installation's policy, from the environment (see settings.py)."""
    return {
        "password_max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "session_max_hours": settings.SESSION_MAX_HOURS,
        "login_failure_limit": settings.AXES_DEFAULT_FAILURE_LIMIT,
        "lockout_minutes": settings.AXES_DEFAULT_LOCKOUT_MINUTES,
    }


def current() -> SecuritySettings:
    policy: SecuritySettings | None = cache.get(CACHE_KEY)
    if policy is None:
        policy, _created = SecuritySettings.objects.get_or_create(pk=1, defaults=defaults())
        cache.set(CACHE_KEY, policy, CACHE_SECONDS)
    return policy


@receiver(post_save, sender=SecuritySettings)
def forget_cached_policy(**kwargs: object) -> None:
    cache.delete(CACHE_KEY)


def failure_limit(request: HttpRequest, credentials: dict[str, object] | None) -> int:
    """For django-axes (AXES_FAILURE_LIMIT)."""
    return current().login_failure_limit


def lockout_time(request: HttpRequest) -> timedelta:
    """For django-axes (AXES_COOLOFF_TIME): how long a lock lasts, and how long a failure counts."""
    return timedelta(minutes=current().lockout_minutes)
