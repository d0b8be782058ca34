"""factory_boy factories shared by every test module. Each stage adds its own below or in
tests/<app>/factories.py."""
import factory
from allauth.account.models import EmailAddress

from tsf.accounts.models import User
from tsf.accounts.services import grant_role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="it_IT")
    language = "it"
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-9")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True, "primary": True})
        for role in extracted or ():
            grant_role(self, role)
        self.clear_role_cache()

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if extracted:
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(self, extracted if isinstance(extracted, str) else "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def office():
    """A staff member of the programme office, for test data made through the services (which refuse an
    actor without the role, tsf.accounts.permissions)."""
    user = User.objects.filter(email="programme.office@example.org").first()
    return user or UserFactory(email="programme.office@example.org", full_name="Ufficio Programma",
                               roles=["staff"], mfa="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
