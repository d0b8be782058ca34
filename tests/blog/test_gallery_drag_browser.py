"""In a real browser, in Italian: the images of a gallery are put in order by dragging a row by its
handle, as well as with the "Sposta su"/"Sposta giù" buttons (which stay, for keyboard users)."""
import re

import pytest
from playwright.sync_api import expect

from tests.blog.conftest import png_bytes
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_gallery_rows_are_reordered_by_drag_and_drop(page, make_user):
    make_user("redazione@example.org", roles=["editor"], full_name="Sara Redattrice")
    browser_login(page, "redazione@example.org")
    page.goto("/blog/manage/new/?kind=gallery")
    chooser = page.get_by_label("Aggiungi immagini (può sceglierne molte insieme)")
    expect(chooser).to_be_visible(timeout=60_000)  # shown once the gallery's script listens to it
    chooser.set_input_files(files=[
        {"name": f"foto-{i}.png", "mimeType": "image/png", "buffer": png_bytes(f"#{i * 60:02x}6090", (120, 80))}
        for i in range(3)
    ])
    alts = page.get_by_label(re.compile(r"^\s*Testo alternativo\s*\*?\s*$"))
    for i in range(3):
        alts.nth(i).fill(f"Foto {i + 1}")
    rows = page.locator("[data-gallery-row]")
    handle = rows.nth(2).locator("[data-drag-handle]")
    expect(handle).to_have_attribute("title", "Trascini per spostare l'immagine (o usi i pulsanti)")
    # A person holds the last row's handle and lets it go on the upper half of the row above.
    rows.nth(1).evaluate("row => row.scrollIntoView({block: 'start', behavior: 'instant'})")
    start, target = handle.bounding_box(), rows.nth(1).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + 20, target["y"] + target["height"] / 2 - 20, steps=8)
    page.mouse.move(start["x"] + 20, target["y"] + 10, steps=4)
    page.mouse.up()
    expect(page.locator("[data-gallery-status]")).to_contain_text("posizione 2")
    assert [rows.nth(i).get_by_label(re.compile("Testo alternativo")).input_value() for i in range(3)] == [
        "Foto 1", "Foto 3", "Foto 2"]
    orders = [rows.nth(i).locator("input[name$='-order']").input_value() for i in range(3)]
    assert orders == ["1", "2", "3"]
