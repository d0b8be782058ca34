"""People and their roles. One person may hold several roles (a promoter can also be a mentor)."""
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, _user_has_module_perms, _user_has_perm
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROMOTER = "promoter", _("Promoter")
    STAFF = "staff", _("Staff (City of Turin)")
    TUTOR = "tutor", _("Tutor")
    ASSESSOR = "assessor", _("Assessor")
    MENTOR = "mentor", _("Mentor / expert / investor")
    EDITOR = "editor", _("Editor")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def with_role(self, role):
        return self.filter(role_grants__role=role, is_active=True).distinct()


class User(AbstractUser):
    """A person. The e-mail address is the login; `is_staff` only opens the Django admin
    (superusers); the portal's roles are in RoleGrant."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="it"
    )
    # The person's codice fiscale, kept once: SPID and CIE identities are matched by it (tsf.spid);
    # verified once an identity provider vouched for it.
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True, null=True, blank=True)
    fiscal_code_verified = models.BooleanField(_("codice fiscale verified with SPID or CIE"), default=False)
    company_fiscal_code = models.CharField(
        _("codice fiscale of the organisation represented (from SPID)"), max_length=16, blank=True,
        help_text=_("Sent by the identity provider when the person signed in with a SPID identity for "
                    "professional use."))

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]

    # Whether this request's session used two-factor authentication with an authenticator the person
    # still has: set on the signed-in person of every request by
    # tsf.accounts.middleware.TwoFactorGateMiddleware. None for a person read outside a request (a
    # task, a command, another person on a page), who keeps every role they hold.
    session_mfa: bool | None = None

    @cached_property
    def held_roles(self) -> frozenset[str]:
        """The roles granted to this person, read once per request (or once per prefetched object)."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "role_grants" in cache:
            return frozenset(g.role for g in cache["role_grants"])
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    @property
    def gated_roles(self) -> frozenset[str]:
        """Held roles that give nothing yet: they require two-factor authentication and this session
        did not use it (the one gate: every rule, page, file, export and service asks `roles`)."""
        if self.session_mfa is not False:
            return frozenset()
        return self.held_roles.intersection(settings.TSF_MFA_REQUIRED_ROLES)

    @property
    def roles(self) -> frozenset[str]:
        """The roles this person may use now: those held, less the ones waiting for two-factor
        authentication in this session."""
        gated = self.gated_roles
        return self.held_roles - gated if gated else self.held_roles

    def has_perm(self, perm, obj=None):
        """As Django's, except that a superuser whose session did not use two factors is asked like
        anyone else (Django answers yes to every permission of a superuser before asking a backend)."""
        if self.session_mfa is False and self.is_superuser:
            return self.is_active and _user_has_perm(self, perm, obj=obj)
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.session_mfa is False and self.is_superuser:
            return self.is_active and _user_has_module_perms(self, app_label)
        return super().has_module_perms(app_label)

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.roles.intersection(roles))

    def clear_role_cache(self):
        self.__dict__.pop("held_roles", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("role_grants", None)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, db_index=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"
