"""The portal's authentication backends: Django's and allauth's, whose `get_user()` (run on every
request of a signed-in person) reads a snapshot of the person kept in the cache: the user row,
their roles and whether they have two-factor authentication, in one round trip to the cache
instead of one query (the user with their two-factor state and their roles).

The snapshot belongs to the private generation of `tsf.core.pagecache`: any change of a model
(a role granted or taken away, the account deactivated, the password or the e-mail changed, an
authenticator added or removed...) makes every snapshot stale, so the next request reads the
database again. Django still checks the session's password hash against the snapshot, and an
inactive person is never returned (`user_can_authenticate`, as Django's backend does). Without a
cache, the database is read with that one query. `TSF_USER_SNAPSHOT_SECONDS` (300 by
default; 0 turns it off: the test suite does, so that its query counts do not depend on whether
a snapshot happened to be fresh; tests/tsf/test_private_cache.py turns it on).
"""
from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from tsf.core import pagecache
from tsf.core.statements import Statement


class SnapshotUserMixin:
    def get_user(self, user_id):
        seconds = getattr(settings, "TSF_USER_SNAPSHOT_SECONDS", 300)
        if seconds <= 0:
            return self._load_user(user_id)
        return pagecache.private_snapshot(f"tsf:authuser:{user_id}", lambda: self._load_user(user_id), seconds)

    def get_all_permissions(self, user_obj, obj=None):
        """Django's model permissions (the admin's, and every one of a superuser) need a session that
        used two-factor authentication, like the portal's roles (tsf.accounts.middleware)."""
        if getattr(user_obj, "session_mfa", None) is False:
            return set()
        return super().get_all_permissions(user_obj, obj)

    def _load_user(self, user_id):
        """The person with their two-factor state, their roles and unread notifications, in one query
        (one EXISTS per role: the same SQL on SQLite and PostgreSQL). The statement is the same on
        every request but the id: it is made by the ORM once per process (`tsf.core.statements`)."""
        from .models import Role

        sql, params = USER_STATEMENT.sql(user=user_id)
        user = next(iter(get_user_model()._default_manager.raw(sql, params)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._tsf_has_mfa = bool(user.tsf_totp)  # what permissions.has_mfa() reads
        # What User.held_roles would read with a second query (a cached property: set it now).
        user.__dict__["held_roles"] = frozenset(role for role in Role.values if getattr(user, f"tsf_role_{role}"))
        return user


def _user_query(user):
    """The query `_load_user` runs: the user row with its two-factor state, roles and unread count."""
    from allauth.mfa.models import Authenticator

    from tsf.notifications.models import Notification

    from .models import Role, RoleGrant

    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    roles = {f"tsf_role_{role}": Exists(RoleGrant.objects.filter(user=OuterRef("pk"), role=role))
             for role in Role.values}
    # The layout's "Notifications" badge (tsf.core.context_processors.portal) reads it from here.
    unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("recipient").annotate(n=Count("pk")).values("n"))
    return (get_user_model()._default_manager
            .annotate(tsf_totp=Exists(totp), tsf_unread=Coalesce(Subquery(unread), 0), **roles)
            .filter(pk=user).order_by())


# (a user id no account has: where the id goes in the statement's parameters)
USER_STATEMENT = Statement(_user_query, user=-7_000_000_017)


class ModelBackend(SnapshotUserMixin, DjangoModelBackend):
    pass


class AuthenticationBackend(SnapshotUserMixin, AllauthAuthenticationBackend):
    pass
