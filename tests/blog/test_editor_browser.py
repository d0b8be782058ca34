"""In a real browser, in Italian: an editor writes an article with the rich-text editor alone (a
heading, bold text, a list and an image uploaded from the editor's image dialog with its
alternative text), publishes it, and the public page shows it; then a photo gallery of 10 images
chosen at once, each described, saved in one go."""
import re

import pytest
from playwright.sync_api import expect

from blog.models import Post
from tests.blog.conftest import png_bytes
from tests.conftest import assert_accessible, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, text):
    """A form field by its visible label (crispy adds an asterisk to required ones)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(text)}\s*\*?\s*$"))


def test_editor_writes_an_article_with_an_image_and_a_gallery_of_ten(page, live_server, make_user):
    make_user("redazione@example.org", roles=["editor"], full_name="Sara Redattrice")
    browser_login(page, "redazione@example.org")

    page.goto("/blog/manage/")
    page.get_by_role("link", name="Scrivi un nuovo post").click()
    page.get_by_role("link", name="Articolo", exact=True).click()
    page.get_by_role("heading", name="Nuovo post: Articolo").wait_for()
    # Only what an article uses: no video address, no event date, no gallery.
    assert page.get_by_label(re.compile("Indirizzo del video")).count() == 0
    assert page.get_by_label(re.compile("Data dell'evento")).count() == 0
    field(page, "Titolo").fill("Il forno sociale apre a Barriera")
    field(page, "Sintesi").fill("Un panificio che dà lavoro a chi ne cerca.")

    text = page.get_by_role("textbox", name="Testo", exact=True)
    # The rich-text editor replaces the plain text area once its module has loaded (slow on a busy
    # machine): wait for it, rather than for the text area it hides.
    expect(text).to_have_attribute("contenteditable", "true", timeout=60_000)
    # The editor's menus speak Italian, the block-type menu's previews included (they were in English).
    blocks = page.locator(".prose-menubar__dropdown").first.text_content()
    assert "Titolo 2" in blocks and "Paragrafo" in blocks and "Heading" not in blocks, blocks
    text.click()
    page.keyboard.press("Control+Alt+2")  # heading 2 (Tiptap's shortcut)
    page.keyboard.type("Una nuova bottega")
    page.keyboard.press("Enter")
    page.keyboard.type("Il pane è ")
    page.keyboard.press("Control+b")
    page.keyboard.type("buono")
    page.keyboard.press("Control+b")
    page.keyboard.type(" e fa bene al quartiere.")
    page.keyboard.press("Enter")

    # The image: the editor's image button, then its upload page.
    page.get_by_role("button", name="Immagine", exact=True).click()
    dialog = page.get_by_role("dialog")
    with page.expect_popup() as popup_info:
        dialog.get_by_role("button", name="Carica o scegli…").click()
    popup = popup_info.value
    popup.get_by_role("button", name="Carica e inserisci").click()  # no file, no description yet
    popup.get_by_text("Questo campo è obbligatorio").first.wait_for()
    field(popup, "Immagine").set_input_files(
        files=[{"name": "forno.png", "mimeType": "image/png", "buffer": png_bytes("#c08040", (1200, 800))}])
    field(popup, "Testo alternativo").fill("Due fornai sfornano il pane")
    popup.get_by_role("button", name="Carica e inserisci").click()
    popup.wait_for_event("close")
    assert dialog.get_by_label("Testo alternativo").input_value() == "Due fornai sfornano il pane"
    dialog.get_by_label("Didascalia").fill("Il forno di via Cigna")
    dialog.get_by_role("button", name="Inserisci").click()

    page.get_by_text("Pubblica ora").click()
    sent = page.locator("textarea[name=body]").input_value()
    page.get_by_role("button", name="Salva", exact=True).click()
    page.get_by_text("Il post è stato pubblicato").wait_for()

    post = Post.objects.get(title="Il forno sociale apre a Barriera")
    assert post.is_public
    # What the editor wrote is kept as it is by the sanitiser.
    assert post.body == sent, (post.body, sent)
    assert "<h2>Una nuova bottega</h2>" in post.body and "<strong>buono</strong>" in post.body
    assert 'alt="Due fornai sfornano il pane"' in post.body

    visitor = page.context.browser.new_context(base_url=live_server.url, locale="it-IT")
    vpage = visitor.new_page()
    vpage.goto(post.get_absolute_url())
    vpage.get_by_role("heading", level=2, name="Una nuova bottega").wait_for()
    image = vpage.get_by_role("img", name="Due fornai sfornano il pane")
    assert image.count() == 1
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Il forno di via Cigna" in vpage.content()
    assert_accessible(vpage, "article with an image")
    visitor.close()

    # A gallery of ten images chosen at once, each described, in one save.
    page.goto("/blog/manage/new/")
    page.get_by_role("link", name="Galleria fotografica", exact=True).click()
    field(page, "Titolo").fill("Dieci foto del Camp")
    field(page, "Sintesi").fill("La giornata del Social Innovation Camp.")
    chooser = page.get_by_label("Aggiungi immagini (può sceglierne molte insieme)")
    # The chooser shows once the gallery's script has run (it listens to it): a person cannot pick files
    # before, and files set on the hidden input would not be taken (seen on a busy CI machine).
    expect(chooser).to_be_visible(timeout=60_000)
    chooser.set_input_files(files=[
        {"name": f"camp-{i}.png", "mimeType": "image/png", "buffer": png_bytes(f"#{i * 20:02x}6090", (300, 200))}
        for i in range(10)
    ])
    expect(page.locator("[data-gallery-status]")).to_contain_text("10 immagini aggiunte", timeout=30_000)
    alts = field(page, "Testo alternativo")
    for i in range(10):
        alts.nth(i).fill(f"Foto {i + 1} del Camp")
    page.get_by_role("button", name="Sposta giù").first.click()  # the first photo becomes the second
    page.get_by_text("Pubblica ora").click()
    page.get_by_role("button", name="Salva", exact=True).click()
    page.get_by_text("Il post è stato pubblicato").wait_for()
    gallery = Post.objects.get(title="Dieci foto del Camp")
    assert list(gallery.images.values_list("alt", flat=True)) == (
        ["Foto 2 del Camp", "Foto 1 del Camp"] + [f"Foto {i} del Camp" for i in range(3, 11)])
