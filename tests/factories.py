"""factory_boy factories shared by every test module. Each stage adds its own below or in
tests/<app>/factories.py."""
from datetime import date

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
            from tsf.accounts.totp import enrol_totp

            enrol_totp(self, extracted if isinstance(extracted, str) else "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def office():
    """A staff member of the programme office, for test data made through the services (which refuse an
    actor without the role, tsf.accounts.permissions)."""
    user = User.objects.filter(email="programme.office@example.org").first()
    return user or UserFactory(email="programme.office@example.org", full_name="Ufficio Programma",
                               roles=["staff"], mfa="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


# A municipal act as the decision services require it (tsf.core.acts.act_problems): the admissibility
# list, the decisions, payments and revocations take `act_*`; the award takes `official`.
SERVICE_ACT = {"act_number": "2019 01234", "act_date": date(2019, 2, 27), "act_official": "Dott.ssa Maria Bianchi"}
AWARD_ACT = {"act_number": "2019 04567", "act_date": date(2019, 10, 28), "official": "Dott.ssa Maria Bianchi"}


# Whatever the form sends (nothing, blanks, a string, a date after the suite's pinned day of 18 November
# 2026), a decision is refused without its act: (the act given, the field named, the message).
NO_ACT = [
    ({"act_number": "", "act_date": None, "act_official": ""}, "act_number",
     "Give the number of the municipal act (determinazione dirigenziale) that makes this decision."),
    ({**SERVICE_ACT, "act_number": "   "}, "act_number",
     "Give the number of the municipal act (determinazione dirigenziale) that makes this decision."),
    ({**SERVICE_ACT, "act_date": None}, "act_date", "Give the date of the municipal act."),
    ({**SERVICE_ACT, "act_date": "2019-02-27"}, "act_date", "The date of the municipal act is not a valid date."),
    ({**SERVICE_ACT, "act_date": date(2026, 11, 19)}, "act_date",
     "The date of the municipal act cannot be in the future."),
    ({**SERVICE_ACT, "act_official": " "}, "act_official", "Give the name of the official responsible for the act."),
]
