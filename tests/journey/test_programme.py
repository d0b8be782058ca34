"""The 2018 edition of Torino Social Factory, walked from an empty database through the portal's
pages only, in one Chromium run: staff open the call; three promoters submit; staff check
admissibility; assessors declare no conflict and score; staff admit two teams to the lab; a tutor
logs a workshop; the teams submit revised proposals; the committee scores them; staff fund one
team and award its grant; the team reports; the deadline engine reminds; the camp takes place; the
help desk answers; the team not funded reads its improvement page; the public reads the results.

What the test does outside the browser, and why:
- the people (staff, tutor, assessors, editor, mentor, two promoters) are made with `make_user`
  (the third promoter signs up in the browser);
- the programme and the city's reference data (districts, themes, target groups) are loaded as a
  deployment loads them: the portal has no page to create a programme;
- "time passes": the live server's clock cannot be frozen, so where a stage needs time to pass
  (the call closes, the revised window opens and closes, a report falls due, the camp day comes)
  the dates are moved in the database with plain ORM updates, each one marked TIME PASSES;
- the deadline engine is run with `tsf.notifications.deadlines.run()`, the body of the Celery beat
  task.
"""
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from tests.journey.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
SIGNUP_PASSWORD = "Promoter-Password-2018"

# The three proposals: (organisation, seed of its codice fiscale, title, kind of solution)
TEAMS = {
    "promoter1": ("Emporio Solidale Barriera APS", 1801, "Emporio solidale di Barriera", "clothing_emporium"),
    "promoter2": ("Forno Sociale Mirafiori Cooperativa", 1802, "Forno sociale di Mirafiori", "artisan_bakery"),
    "promoter3": ("Cortili Aperti Aurora ODV", 1803, "Cortili aperti in Aurora", "community_hub"),
}


def lap(clock, name):
    """Seconds per stage, printed with `pytest -s`: the journey must stay quick."""
    now = time.monotonic()
    print(f"{name}: {now - clock[0]:.1f}s")
    clock[0] = now


def local(dt, fmt="%Y-%m-%dT%H:%M"):
    return timezone.localtime(dt).strftime(fmt)


def tick(page, text):
    """Bootstrap Italia draws a checkbox or radio on its label: a person clicks the label."""
    page.locator("label", has_text=text).first.click()


def ensure_ticked(page, label):
    if not page.get_by_label(label, exact=True).is_checked():
        tick(page, label)
    assert page.get_by_label(label, exact=True).is_checked()


def field(page, label, exact=False):
    """The field whose label starts with `label` (or is `label`, with crispy's asterisk when required)."""
    end = r"\*?\s*$" if exact else ""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}{end}"))


# Steps --------------------------------------------------------------------------------------------

def staff_open_the_call(staff, public):
    now = timezone.now()
    staff.goto("/en/calls/staff/new/")
    staff.get_by_role("heading", name="New call").wait_for()
    field(staff, "Programme").select_option(label="Torino Social Factory")
    field(staff, "Title").first.fill("Torino Social Factory 2018")
    field(staff, "Slug").fill("tsf-2018")
    field(staff, "Edition (year)").fill("2018")
    field(staff, "Summary").fill("Il bando della Città di Torino per progetti di innovazione sociale nei quartieri.")
    # Open now, closing in half an hour (Europe/Rome, as the form says).
    field(staff, "Opens at").fill(local(now - timedelta(minutes=5)))
    field(staff, "Closes at").fill(local(now + timedelta(minutes=30)))
    field(staff, "Revised proposals open at").fill(local(now + timedelta(days=60)))
    field(staff, "Revised proposals close at").fill(local(now + timedelta(days=90)))
    field(staff, "Projects admitted to incubation").fill("2")
    field(staff, "Projects funded (at most)").fill("1")
    field(staff, "Maximum grant (EUR)").fill("140000")
    field(staff, "Total budget (EUR)").fill("300000")
    for text in ("Circoscrizione 6", "Circoscrizione 7", "Povertà urbana", "Coesione sociale",
                 "Famiglie in difficoltà economica", "Abitanti del quartiere"):
        tick(staff, text)
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_text("The call has been saved.").wait_for()

    # Not public yet: a visitor does not find it; staff publish it.
    staff.get_by_role("heading", name=re.compile("Edit “Torino Social Factory 2018”")).wait_for()
    assert public.goto("/en/calls/tsf-2018/").status == 404
    tick(staff, "Published")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_text("The call has been saved.").wait_for()


def promoter_signs_up(page, live_server, name, email):
    page.goto("/en/accounts/signup/")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^\s*Password\*?\s*$")).fill(SIGNUP_PASSWORD)
    page.get_by_label(re.compile("Password \\(again\\)")).fill(SIGNUP_PASSWORD)
    page.get_by_text(re.compile("I have read the privacy notice")).click()
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"https?://\S+/confirm-email/\S+", message.body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()
    page.goto("/en/accounts/login/")
    page.get_by_label(re.compile(r"^\s*Email")).fill(email)
    page.get_by_label(re.compile(r"^\s*Password")).fill(SIGNUP_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="My area").wait_for()


def promoter_submits(page, tmp_path, org, cf_seed, title, solution_kind, legal_rep):
    from tests.projects.factories import partita_iva

    page.goto("/en/calls/")
    page.get_by_role("link", name="Torino Social Factory 2018").first.click()
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("heading", name="New organisation").wait_for()
    field(page, "Legal name").fill(org)
    field(page, "Legal form").select_option("aps")
    field(page, "Codice fiscale").fill(partita_iva(cf_seed))
    field(page, "Address").fill("Via Cigna 10")
    field(page, "Postcode").fill("10152")
    field(page, "Legal representative", exact=True).fill(legal_rep)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Start a proposal").wait_for()
    page.get_by_role("button", name="Start").click()

    page.get_by_role("heading", name="The project", exact=True).wait_for()
    field(page, "Title").fill(title)
    field(page, "Summary").fill(f"{title}: un servizio di prossimità per le famiglie del quartiere.")
    tick(page, "Povertà urbana")
    field(page, "City district").select_option(index=1)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Need and target groups", exact=True).wait_for()
    field(page, "The social need").fill("Molte famiglie del quartiere vivono sotto la soglia di povertà.")
    tick(page, "Famiglie in difficoltà economica")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="The solution", exact=True).wait_for()
    field(page, "Kind of solution").select_option(solution_kind)
    field(page, "The solution").fill("Un luogo aperto tutti i giorni, gestito con i volontari.")
    field(page, "Why it is experimental").fill("Unisce servizio, formazione e lavoro.")
    page.get_by_label(re.compile(r"^\s*Why it is community-based")).fill("Nasce dalla rete delle associazioni del quartiere.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Impact and indicators", exact=True).wait_for()
    field(page, "Expected impacts").fill("Famiglie aiutate, persone formate, nuovi posti di lavoro.")
    field(page, "Measurable indicators").fill("Famiglie raggiunte, 0, 200")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Partners and team", exact=True).wait_for()
    field(page, "The team").fill("Due operatrici e dieci volontari.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Budget", exact=True).wait_for()
    page.get_by_label("Category 1").select_option("personnel")
    page.get_by_label("Description 1").fill("Operatrici")
    page.get_by_label("Amount 1").fill("70000")
    page.get_by_label("Category 2").select_option("equipment")
    page.get_by_label("Description 2").fill("Arredi e attrezzature")
    page.get_by_label("Amount 2").fill("30000")
    field(page, "Requested grant").fill("90000")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Attachments", exact=True).wait_for()
    pdf = tmp_path / "statuto.pdf"
    pdf.write_bytes(PDF)
    field(page, "Kind").select_option("statute")
    field(page, "Title").fill("Statuto")
    field(page, "File").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("link", name="Statuto").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check and submit", exact=True).wait_for()
    page.get_by_role("button", name="Submit the proposal").click()
    page.get_by_role("heading", name="Receipt of submission").wait_for()
    return page.get_by_test_id("protocol-number").inner_text()


def staff_set_up_a_round(staff, kind_label, title, version_label, quota):
    """New round, its criteria and committee, and one assessor per proposal, all on staff pages."""
    now = timezone.now()
    staff.goto("/en/assessment/")
    staff.get_by_role("link", name="New round").click()
    staff.get_by_role("heading", name="New assessment round").wait_for()
    field(staff, "Kind").select_option(label=kind_label)
    field(staff, "Title").fill(title)
    field(staff, "Proposal version scored").select_option(label=version_label)
    field(staff, "Opens at").fill(local(now - timedelta(minutes=1)))
    field(staff, "Closes at").fill(local(now + timedelta(days=14)))
    field(staff, "Quota").fill(str(quota))
    field(staff, "Assessors per proposal").fill("1")
    staff.get_by_role("button", name="Create the round").click()
    staff.get_by_text("The round has been created").wait_for()
    for i, (name, max_points) in enumerate((("Impatto sociale", "10"), ("Sostenibilità economica", "10")), start=1):
        staff.get_by_label(f"Name {i}", exact=True).fill(name)
        staff.get_by_label(f"Maximum points {i}", exact=True).fill(max_points)
        staff.get_by_label(f"Weight {i}", exact=True).fill("1")
    tick(staff, "Giulia Rosso")
    tick(staff, "Paolo Bianchi")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_text("The round has been saved.").wait_for()
    staff.get_by_role("link", name="Assignments").click()
    staff.get_by_label("Assessors per proposal").fill("1")
    staff.get_by_role("button", name="Assign automatically").click()
    staff.get_by_text(re.compile(r"\d+ assignments made")).wait_for()
    return int(re.search(r"/rounds/(\d+)/", staff.url).group(1))


def assessor_scores_everything(page, points_by_protocol, strengths, weaknesses):
    """Declare no conflict, score, submit: every assignment left in the assessor's list."""
    done = 0
    while True:
        page.goto("/en/assessment/mine/?status=todo")
        links = page.locator("table tbody tr a")
        if links.count() == 0:
            return done
        links.first.click()
        page.get_by_role("heading", name="Conflict of interest").wait_for()
        tick(page, "I declare that I have no conflict of interest")
        page.get_by_role("button", name="Send the declaration").click()
        heading = page.get_by_role("heading", name=re.compile("Assessment of")).inner_text()
        protocol = re.search(r"TSF-2018-\d{4}", heading).group(0)
        for name, value in zip(("Impatto sociale", "Sostenibilità economica"), points_by_protocol[protocol]):
            page.get_by_label(re.compile(rf"Points for “{name}”")).fill(value)
        page.get_by_label("Strengths").fill(strengths[protocol])
        page.get_by_label("Weaknesses").fill(weaknesses[protocol])
        page.get_by_role("button", name="Save draft").click()
        page.get_by_text("Draft saved.").wait_for()
        page.get_by_role("button", name="Submit the assessment").click()
        page.get_by_text("Your assessment has been submitted").wait_for()
        done += 1


def team_revises(page, title, new_solution):
    page.goto("/en/incubation/")  # a team goes straight to its own lab page
    page.get_by_role("heading", name=title, exact=True).wait_for()
    page.get_by_role("link", name="Revised proposal").click()
    page.get_by_role("button", name="Start version 2").click()
    page.get_by_role("link", name="The solution").click()
    field(page, "The solution").fill(new_solution)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(re.compile("Version 2 saved")).wait_for()
    page.get_by_role("link", name="Back to the revised proposal").click()
    page.get_by_role("button", name="Submit the revised proposal").click()
    page.get_by_test_id("revised-submitted").wait_for()


# The journey --------------------------------------------------------------------------------------

def test_the_2018_edition_from_the_call_to_the_public_results(actors, people, live_server, tmp_path):
    from calls.models import Call, Programme
    from calls.reference import ensure_reference_data

    # What a deployment's migrations load (calls/migrations/0002_reference_data.py): the programme
    # and the city's reference data. A transactional test may find the tables emptied by an earlier
    # one, so load them again the same way.
    Programme.objects.get_or_create(slug="torino-social-factory", defaults={
        "name": "Torino Social Factory", "promoter": "Città di Torino",
        "funding": "PON Metro 2014-2020, cofinanziato dai fondi strutturali e di investimento europei"})
    ensure_reference_data()

    clock = [time.monotonic()]
    # 1. Staff open the call ---------------------------------------------------------------------
    staff = login(actors("staff"), "ufficio@example.org", totp=True)
    public = actors("public")
    staff_open_the_call(staff, public)
    public.goto("/en/calls/")
    public.get_by_role("link", name="Torino Social Factory 2018").first.click()
    public.get_by_role("link", name="Apply").wait_for()

    lap(clock, "step 1")
    # 2. Three promoters submit ------------------------------------------------------------------
    protocols = {}
    for who in ("promoter1", "promoter2"):
        p = login(actors(who), people[who].email)
        org, seed, title, kind = TEAMS[who]
        protocols[who] = promoter_submits(p, tmp_path, org, seed, title, kind, people[who].full_name)
    p3 = actors("promoter3")
    promoter_signs_up(p3, live_server, "Carla Aurora", "carla@cortili.example.org")
    org, seed, title, kind = TEAMS["promoter3"]
    protocols["promoter3"] = promoter_submits(p3, tmp_path, org, seed, title, kind, "Carla Aurora")
    assert sorted(protocols.values()) == ["TSF-2018-0001", "TSF-2018-0002", "TSF-2018-0003"]

    # TIME PASSES: the call closes.
    now = timezone.now()
    Call.objects.filter(slug="tsf-2018").update(opens_at=now - timedelta(days=1), closes_at=now - timedelta(minutes=1))
    public.reload()
    assert public.get_by_role("link", name="Apply").count() == 0

    lap(clock, "step 2")
    # 3. Staff check admissibility ---------------------------------------------------------------
    for who in ("promoter1", "promoter2", "promoter3"):
        staff.goto("/en/projects/staff/calls/tsf-2018/")
        staff.get_by_role("link", name=TEAMS[who][2]).click()
        staff.get_by_role("link", name="Check admissibility").click()
        for item in ("Eligible applicant", "Documents complete", "Budget within limits", "Submitted on time"):
            ensure_ticked(staff, item)
        staff.locator("label", has_text=re.compile(r"^\s*Admissible\s*$")).click()
        staff.get_by_role("button", name="Record the outcome").click()
        staff.get_by_text("The admissibility outcome has been recorded").wait_for()
    staff.goto("/en/projects/staff/calls/tsf-2018/")
    assert staff.get_by_text("Admissible", exact=True).count() >= 3


    lap(clock, "step 3")
    # 4. Assessors declare no conflict and score (staff set up the round in the browser) ---------
    selection_pk = staff_set_up_a_round(staff, "Selection for the Incubation Lab", "Selezione per l'Incubation Lab",
                                        "Version 1 (as submitted)", quota=2)
    first = {protocols["promoter1"]: ("9", "8"), protocols["promoter2"]: ("7", "7"), protocols["promoter3"]: ("4", "3")}
    strengths = dict.fromkeys(first, "Bisogno del quartiere documentato con cura.")
    weaknesses = {protocols["promoter1"]: "Il piano economico va consolidato.",
                  protocols["promoter2"]: "Il piano economico dopo il contributo è fragile.",
                  protocols["promoter3"]: "Mancano dati sul bisogno e un piano economico."}
    scored = 0
    for who, email in (("assessor1", "giulia.valuta@example.org"), ("assessor2", "paolo.valuta@example.org")):
        a = login(actors(who), email, totp=True)
        a.goto("/en/assessment/mine/")
        scored += assessor_scores_everything(a, first, strengths, weaknesses)
    assert scored == 3

    lap(clock, "step 4")
    # 5. Staff admit to the lab: the ranking, the decision with its confirmation, publication ----
    staff.goto(f"/en/assessment/staff/rounds/{selection_pk}/ranking/")
    rows = staff.locator("table.tsf-ranking tbody tr")
    assert TEAMS["promoter1"][2] in rows.nth(0).inner_text() and "17" in rows.nth(0).inner_text()
    assert TEAMS["promoter3"][2] in rows.nth(2).inner_text()
    staff.get_by_role("link", name="Decide from this ranking").click()
    staff.get_by_label(re.compile("How many to admit")).fill("2")
    staff.get_by_label("Minutes of the committee").fill("Seduta del 26 febbraio 2018: ammesse le prime due proposte.")
    staff.get_by_role("button", name="Review the decision").click()
    staff.get_by_role("heading", name="Confirm the decision").wait_for()
    assert "2 proposals will be admitted to the Incubation Lab" in staff.content()
    staff.get_by_role("button", name="Confirm and apply the decision").click()
    staff.get_by_text("The decision has been applied").wait_for()
    staff.get_by_role("button", name="Publish the ranking").click()
    staff.get_by_text("The ranking is now public.").wait_for()
    # Each team reads its outcome from its area; the one not selected reads why.
    for who, outcome in (("promoter1", "Admitted to the Incubation Lab"), ("promoter3", "Not selected")):
        p = actors(who)
        p.goto("/en/my-area/")
        p.get_by_role("link", name=f"{protocols[who]} · Selezione per l'Incubation Lab").click()
        p.get_by_text(outcome).first.wait_for()
        assert weaknesses[protocols[who]] in p.content()


    lap(clock, "step 5")
    # 6. The Incubation Lab: staff create the lab, a workshop and its session, assign the tutor ---
    today = timezone.localdate()
    staff.goto("/en/incubation/labs/new/")
    field(staff, "Name").fill("Incubation Lab 2018")
    field(staff, "Incubator").fill("Impact Hub Torino")
    field(staff, "Starts on").fill((today - timedelta(days=1)).isoformat())
    field(staff, "Ends on").fill((today + timedelta(days=60)).isoformat())
    staff.get_by_role("button", name="Create the lab").click()
    staff.get_by_text("The lab has been created").wait_for()
    add_ws = staff.locator("form", has=staff.get_by_role("button", name="Add the workshop"))
    field(add_ws, "Title").fill("Identità, visione e missione dell'idea")
    field(add_ws, "Topics").fill("Identità, visione, missione; mappa degli attori del quartiere.")
    add_ws.get_by_role("button", name="Add the workshop").click()
    staff.get_by_text("The workshop has been added.").wait_for()
    add_session = staff.locator("form", has=staff.get_by_role("button", name="Add the session"))
    field(add_session, "Date").fill(today.isoformat())
    field(add_session, "Starts at").fill("09:30")
    field(add_session, "Ends at").fill("13:00")
    field(add_session, "Place").fill("Open Incet")
    tick(add_session, "Tina Tutor")
    add_session.get_by_role("button", name="Add the session").click()
    staff.get_by_text("Saved.").wait_for()
    assert "Tina Tutor" in staff.get_by_role("table").first.inner_text()
    staff.goto("/en/incubation/")
    staff.get_by_role("link", name="Assign tutors").click()
    for who in ("promoter1", "promoter2"):
        row = staff.get_by_role("row").filter(has_text=TEAMS[who][2])
        tick(row, "Tina Tutor")
        row.get_by_role("button", name=re.compile("Save")).click()
        staff.get_by_text(f"Tutors of {TEAMS[who][2]} saved.").wait_for()

    lap(clock, "step 6")
    # 7. The tutor logs the workshop: attendance and a progress entry ----------------------------
    tutor = login(actors("tutor"), "tutor@example.org")
    tutor.goto("/en/incubation/")
    tutor.get_by_role("link", name=TEAMS["promoter1"][2]).first.click()
    tutor.get_by_role("link", name=re.compile("Record attendance")).first.click()
    tick(tutor, people["promoter1"].full_name)
    tutor.get_by_role("button", name="Save attendance").click()
    tutor.get_by_text("Attendance saved.").wait_for()
    tutor.goto("/en/incubation/")
    tutor.get_by_role("link", name=TEAMS["promoter1"][2]).first.click()
    tutor.get_by_role("link", name=re.compile("Write the progress entry 1")).click()
    for name, score in (("value_proposition", 4), ("business_model", 3), ("impact_design", 4),
                        ("team_readiness", 5), ("market_validation", 2)):
        tutor.locator(f"label[for=id_{name}_{score - 1}]").click()
    tutor.get_by_label("Next actions agreed").fill("Intervistare dieci famiglie e rivedere i prezzi.")
    tutor.get_by_role("button", name="Save the entry").click()
    tutor.get_by_text("Progress entry saved.").wait_for()
    p1 = actors("promoter1")
    p1.goto("/en/incubation/")
    p1.get_by_text("Intervistare dieci famiglie e rivedere i prezzi.").wait_for()

    # TIME PASSES: the lab ends, the window for revised proposals opens.
    now = timezone.now()
    Call.objects.filter(slug="tsf-2018").update(revised_opens_at=now - timedelta(minutes=1),
                                                revised_closes_at=now + timedelta(days=30))

    lap(clock, "step 7")
    # 8. The teams submit their revised proposals ------------------------------------------------
    team_revises(p1, TEAMS["promoter1"][2], "Un emporio con tessera a punti e un laboratorio di sartoria.")
    team_revises(actors("promoter2"), TEAMS["promoter2"][2], "Un forno con corsi serali per giovani disoccupati.")
    # TIME PASSES: the revised window closes.
    now = timezone.now()
    Call.objects.filter(slug="tsf-2018").update(revised_opens_at=now - timedelta(days=30),
                                                revised_closes_at=now - timedelta(minutes=1))

    lap(clock, "step 8")
    # 9. The committee scores the revised proposals (final round) --------------------------------
    final_pk = staff_set_up_a_round(staff, "Final assessment (funding)", "Valutazione finale",
                                    "Version 2 (revised)", quota=1)
    final = {protocols["promoter1"]: ("10", "9"), protocols["promoter2"]: ("8", "6")}
    scored = sum(assessor_scores_everything(actors(who), final, strengths, weaknesses)
                 for who in ("assessor1", "assessor2"))
    assert scored == 2

    lap(clock, "step 9")
    # 10. Staff fund: one grant, with its amount --------------------------------------------------
    staff.goto(f"/en/assessment/staff/rounds/{final_pk}/ranking/")
    assert TEAMS["promoter1"][2] in staff.locator("table.tsf-ranking tbody tr").nth(0).inner_text()
    staff.get_by_role("link", name="Decide from this ranking").click()
    funded_title, other_title = TEAMS["promoter1"][2], TEAMS["promoter2"][2]
    assert staff.get_by_label(f"Fund “{funded_title}”").is_checked()
    assert not staff.get_by_label(f"Fund “{other_title}”").is_checked()
    staff.get_by_label(f"Proposed grant for “{funded_title}” (EUR)").fill("85000")
    staff.get_by_label("Minutes of the committee").fill("Seduta del 12 luglio 2018: finanziata la prima proposta.")
    staff.get_by_role("button", name="Review the decision").click()
    staff.get_by_role("heading", name="Confirm the decision").wait_for()
    staff.get_by_role("button", name="Confirm and apply the decision").click()
    staff.get_by_text("The decision has been applied").wait_for()
    staff.get_by_role("button", name="Publish the ranking").click()
    staff.get_by_text("The ranking is now public.").wait_for()
    p2 = actors("promoter2")
    p2.goto("/en/my-area/")
    p2.get_by_role("link", name=re.compile(f"{protocols['promoter2']} · Valutazione finale")).click()
    p2.get_by_text("Not funded").first.wait_for()

    lap(clock, "step 10")
    # 11. Staff award the grant and record the signed agreement -----------------------------------
    staff.goto("/en/grants/staff/award/")
    staff.get_by_role("link", name=re.compile(f"Award {protocols['promoter1']}")).click()
    assert field(staff, "Grant (EUR)").input_value() in ("85000.00", "85000")
    field(staff, "CUP code").fill("C11J18000120007")
    staff.get_by_role("button", name="Continue").click()
    staff.get_by_role("heading", name="Check and confirm").wait_for()
    assert "85,000.00 EUR" in staff.get_by_test_id("confirm-amount").inner_text()
    staff.get_by_role("button", name="Confirm the award").click()
    staff.get_by_text("The grant C11J18000120007 has been awarded").wait_for()
    agreement = tmp_path / "convenzione-firmata.pdf"
    agreement.write_bytes(PDF)
    field(staff, "Signed grant agreement").set_input_files(str(agreement))
    field(staff, "Signed on").fill(today.isoformat())
    staff.get_by_role("button", name="Record the signature").click()
    staff.get_by_text("The agreement has been recorded").wait_for()
    grant_url = staff.url.split("#")[0]

    lap(clock, "step 11")
    # 12. The team reports: an expense with its receipt -------------------------------------------
    p1.goto(grant_url)
    p1.get_by_test_id("next-deadline").get_by_role("link").click()
    p1.get_by_role("link", name="Write the report").click()
    p1.get_by_label("What was done in the period").fill("Aperto l'emporio; 120 famiglie con la tessera.")
    p1.get_by_label("Volunteers involved").fill("10")
    p1.locator("#id_exp-0-budget_line").select_option(index=1)
    p1.locator("#id_exp-0-spent_on").fill(today.isoformat())
    p1.locator("#id_exp-0-amount").fill("1500")
    p1.locator("#id_exp-0-supplier").fill("Falegnameria Sociale Barriera")
    receipt = tmp_path / "fattura-scaffali.pdf"
    receipt.write_bytes(PDF)
    p1.locator("#id_exp-0-receipt").set_input_files(str(receipt))
    p1.get_by_role("button", name="Submit the report").click()
    p1.get_by_text("The report has been submitted").wait_for()
    assert "Submitted, under review" in p1.get_by_test_id("report-status").inner_text()
    assert p1.get_by_role("link", name=re.compile("receipt")).count() == 1
    # Staff read the expense and approve the report.
    staff.goto(p1.url)
    assert "Falegnameria Sociale Barriera" in staff.content()
    staff.locator("label", has_text="Approve the report").click()
    staff.get_by_role("button", name="Send the review").click()
    staff.get_by_text("The report has been approved").wait_for()

    lap(clock, "step 12")
    # 13. The deadline engine reminds -------------------------------------------------------------
    from grants.models import Report
    from tsf.notifications import deadlines

    upcoming = Report.objects.filter(grant__cup="C11J18000120007", status="due").order_by("due_date").first()
    # TIME PASSES: the next report is due in three days.
    Report.objects.filter(pk=upcoming.pk).update(due_date=today + timedelta(days=3))
    deadlines.run()
    p1.goto("/en/notifications/")
    with translation.override("en"):  # the team reads the portal in English
        label = str(upcoming.label)
    p1.get_by_text(f"Your {label} is due in 3 days").first.wait_for()


    lap(clock, "step 13")
    # 14. The camp takes place --------------------------------------------------------------------
    # Staff create the acceleration programme and its camp, then the funded team's pitch.
    staff.goto("/en/acceleration/")
    staff.get_by_role("link", name="Acceleration programmes and camps: create and edit").click()
    staff.get_by_role("link", name="New programme").click()
    field(staff, "Call").select_option(label="Torino Social Factory 2018")
    field(staff, "Title").fill("Accelerazione 2018-2019")
    field(staff, "Starts on").fill((today - timedelta(days=30)).isoformat())
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_text("The acceleration programme is saved.").wait_for()
    field(staff, "Title").first.fill("Social Innovation Camp 2018")
    field(staff, "Date").fill((today + timedelta(days=7)).isoformat())
    field(staff, "Starts at").first.fill("09:30")
    field(staff, "Ends at").first.fill("18:00")
    field(staff, "Place", exact=True).fill("Toolbox Coworking")
    staff.get_by_role("button", name="Save the camp and the agenda").click()
    staff.get_by_text("The camp and its agenda are saved.").wait_for()
    staff.get_by_role("link", name="Registrations, invitations and feedback").click()
    staff.get_by_role("button", name="Add a pitch for each funded team").click()
    staff.get_by_text("1 pitch added.").wait_for()
    camp_url = staff.url.replace("gestione/", "")

    # The mentor registers on the camp's public form; staff approve.
    mentor = login(actors("mentor"), "mentore@example.org")
    mentor.goto("/en/acceleration/")
    mentor.get_by_role("link", name="Register as expert, mentor or investor").click()
    mentor.get_by_label("Organisation").fill("Fondazione Sviluppo e Comunità")
    mentor.get_by_label("Mentor", exact=True).check(force=True)  # Bootstrap Italia draws the label over it
    mentor.get_by_label(re.compile("I agree that the City of Turin")).check(force=True)
    mentor.get_by_role("button", name="Register").click()
    mentor.get_by_text("your registration is waiting for approval").wait_for()
    staff.reload()
    staff.get_by_role("button", name="Approve Marco Mentore").click()
    staff.get_by_text("Marco Mentore is approved.").wait_for()

    # TIME PASSES: the camp day comes.
    from acceleration.models import Camp

    Camp.objects.filter(title="Social Innovation Camp 2018").update(date=today - timedelta(days=1))
    mentor.goto(camp_url)
    mentor.get_by_role("link", name=re.compile("Give feedback")).first.click()
    mentor.get_by_role("heading", name="Feedback on the pitch").wait_for()
    for question, value in (("clarity", "4"), ("impact", "5"), ("sustainability", "3"), ("team", "4")):
        mentor.locator(f'input[name="{question}"][value="{value}"]').check(force=True)
    mentor.get_by_label("Comment for the team").fill("Pitch chiaro: ora mostrate i conti del secondo anno.")
    mentor.get_by_role("button", name="Send the feedback").click()
    mentor.get_by_text("the team will read your feedback").wait_for()
    # The team reads it from its area.
    p1.goto("/en/my-area/")
    p1.get_by_role("link", name="Feedback on your pitch").click()
    p1.get_by_text("ora mostrate i conti del secondo anno").wait_for()
    assert "Marco Mentore" in p1.get_by_test_id("feedback").inner_text()

    lap(clock, "step 14")
    # 15. The help desk answers -------------------------------------------------------------------
    p1.goto("/en/acceleration/")
    p1.get_by_role("link", name="Help desk: your requests").click()
    p1.goto("/en/acceleration/help/new/")
    p1.get_by_label("Topic").select_option("fundraising")
    p1.get_by_label("Subject").fill("Cofinanziamento per il secondo anno")
    p1.get_by_label("Your question").fill("Quali fondazioni ci consigliate per il cofinanziamento?")
    p1.get_by_role("button", name="Send the request").click()
    p1.get_by_role("heading", name="Cofinanziamento per il secondo anno").wait_for()
    help_url = p1.url
    staff.goto("/en/acceleration/")
    staff.get_by_role("link", name="Help-desk requests").click()
    staff.get_by_role("link", name="Cofinanziamento per il secondo anno").click()
    staff.get_by_role("textbox", name="Message").fill("Guardate il bando Welfare di comunità nel catalogo.")
    staff.get_by_role("button", name="Send", exact=True).click()
    staff.get_by_text("Message sent.").wait_for()
    assert "Waiting for the team" in staff.get_by_test_id("help-status").inner_text()
    p1.goto(help_url)
    p1.get_by_text("Guardate il bando Welfare di comunità nel catalogo.").wait_for()

    lap(clock, "step 15")
    # 16. The team not funded reads its improvement page ------------------------------------------
    p2.goto("/en/acceleration/")
    p2.get_by_role("link", name=f"Improvement plan: {other_title}").click()
    p2.get_by_role("heading", name="Improvement plan").wait_for()
    assert "Il piano economico dopo il contributo è fragile." in p2.get_by_test_id("weakness").first.inner_text()

    lap(clock, "step 16")
    # 17. The public reads the results ------------------------------------------------------------
    # Staff write and publish the funded project's public page.
    staff.goto("/en/projects/staff/calls/tsf-2018/")
    staff.get_by_role("link", name=funded_title).click()
    staff.get_by_role("link", name="Write the public page").click()
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_text("The public page has been saved.").wait_for()
    staff.get_by_role("button", name="Publish", exact=True).click()
    staff.get_by_text("The project page is public.").wait_for()

    call_pk = Call.objects.get(slug="tsf-2018").pk
    public.context.clear_cookies()
    public.goto("/en/calls/tsf-2018/")
    public.get_by_role("heading", name="Torino Social Factory 2018").wait_for()
    # GAP: the call page does not link to its published rankings; a visitor must know the address.
    public.goto(f"/en/assessment/calls/{call_pk}/ranking/")
    ranking = public.locator("main").inner_text()
    assert funded_title in ranking and other_title in ranking and TEAMS["promoter3"][2] in ranking
    public.goto("/en/projects/portfolio/")
    public.get_by_role("link", name=funded_title).first.click()
    public.get_by_role("heading", name=funded_title).wait_for()
    public.goto("/en/grants/transparency/")
    row = public.get_by_role("row").filter(has_text="C11J18000120007")
    assert "85,000.00" in row.inner_text() and "Emporio Solidale Barriera APS" in row.inner_text()
    lap(clock, "step 17")
