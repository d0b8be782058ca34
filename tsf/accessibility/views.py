from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tsf.accounts.permissions import staff_required

from . import selectors, services
from .forms import AnswerForm, FeedbackForm, MessageForm
from .models import Feedback


@never_cache
def feedback(request):
    """The feedback form of the accessibility statement: anyone, signed in or not."""
    user = request.user
    initial = {"page_url": request.GET.get("page", "")[:500]}
    if user.is_authenticated:
        initial.update(name=user.full_name, email=user.email)
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = services.submit_feedback(name=data["name"], email=data["email"], text=data["text"],
                                        page_url=data["page_url"], user=user)
        messages.success(request, _("Thank you: your report has reached the staff. You will receive the answer "
                                    "by e-mail within 30 days."))
        return redirect(item.get_absolute_url())
    return render(request, "accessibility/feedback.html", {"form": form})


@never_cache
def thread(request, token):
    """The person's thread, reached from the link in their e-mails (the token is the key)."""
    item = get_object_or_404(Feedback, token=token)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reply_to_feedback(item, text=form.cleaned_data["text"])
        messages.success(request, _("Your message has been sent to the staff."))
        return redirect(item.get_absolute_url())
    return render(request, "accessibility/thread.html",
                  {"feedback": item, "thread": item.messages.select_related("author"), "form": form})


@staff_required
def staff_list(request):
    state = request.GET.get("state", "open")
    if state not in ("open", "answered", "all"):
        state = "open"
    return render(request, "accessibility/staff_list.html",
                  {"items": selectors.feedback_list(state), "state": state})


@staff_required
def staff_detail(request, pk):
    item = get_object_or_404(Feedback, pk=pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_feedback(item, text=form.cleaned_data["text"], by=request.user)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer has been sent to %(email)s.") % {"email": item.email})
            return redirect("accessibility:staff_list")
    return render(request, "accessibility/staff_detail.html",
                  {"feedback": item, "thread": item.messages.select_related("author"), "form": form})
