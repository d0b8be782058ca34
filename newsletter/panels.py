"""My area: editors get the way to the newsletter's issues. (A person's own subscription is the
newsletter consent of "I miei dati", tsf.privacy, through newsletter/privacy.py.)"""
from tsf.accounts import my_area


@my_area.panel("editor", order=85)
def editor_newsletter_panel(request):
    return {"template": "newsletter/panels/editor.html"}

