"""Demo: the public pages of the 25 projects of 2018 that reached the Incubation Lab, published,
with a public summary; the 12 funded ones with the grant the committee awarded.

Runs AFTER assessment.demo (which moves the proposals to funded / not funded and leaves the
funded DecisionItems in ctx.data["funded_2018"], each with `proposal_id` and `grant_amount`):
projects does not import assessment, it only reads what the context hands over. Idempotent.
"""
from datetime import datetime, time

from calls.models import Call
from tsf.core.dates import ROME

from .models import LAB_STATUSES, ProposalStatus, PublicProject
from .services import unique_public_slug

FEATURED = 3


def _summary(proposal, version, funded):
    groups = ", ".join(g.name.lower() for g in version.target_groups.all())
    hoods = ", ".join(n.name for n in version.neighbourhoods.all())
    where = hoods or (version.district.name if version.district else "Torino")
    first = (version.solution or "").split(". ")[0].rstrip(".")
    text = f"{proposal.organisation.legal_name} porta a {where} “{version.title}”."
    if first:
        text += f" {first}."
    if groups:
        text += f" Il progetto si rivolge a {groups}, con i servizi e le associazioni del quartiere."
    if funded:
        text += (" Dopo l'Incubation Lab il progetto è stato finanziato: due anni per realizzarlo, con "
                 "l'accompagnamento del percorso di accelerazione.")
    else:
        text += (" Il team ha partecipato ai quattro workshop dell'Incubation Lab e ha sviluppato il proprio "
                 "modello di servizio e di sostenibilità.")
    return text


def seed(ctx):
    call = ctx.data.get("call_2018") or Call.objects.filter(slug="torino-social-factory-2018").first()
    if call is None:
        return
    grants = {}
    for item in ctx.data.get("funded_2018") or []:
        if getattr(item, "grant_amount", None):
            grants[item.proposal_id] = item.grant_amount
    proposals = (
        call.proposals.filter(status__in=LAB_STATUSES)
        .select_related("organisation")
        .prefetch_related("versions__target_groups", "versions__neighbourhoods", "versions__district")
        .order_by("protocol_seq")
    )
    published_at = call.results_published_on or call.closes_at.date()
    when = datetime.combine(published_at, time(12, 0), tzinfo=ROME)
    featured_left = FEATURED - PublicProject.objects.filter(featured=True).count()
    pages = []
    for proposal in proposals:
        funded = proposal.status == ProposalStatus.FUNDED
        page = PublicProject.objects.filter(proposal=proposal).first()
        if page is None:
            version = proposal.current_version
            page = PublicProject.objects.create(
                proposal=proposal,
                slug=unique_public_slug(version.title),
                summary=_summary(proposal, version, funded),
                public_grant_amount=grants.get(proposal.pk) if funded else None,
                featured=funded and featured_left > 0,
                is_published=True,
                published_at=when,
            )
            if page.featured:
                featured_left -= 1
        elif funded and page.public_grant_amount is None and proposal.pk in grants:
            page.public_grant_amount = grants[proposal.pk]
            page.save(update_fields=["public_grant_amount", "updated_at"])
        pages.append(page)
    ctx.data["public_projects_2018"] = pages
