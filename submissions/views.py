from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from newsportal.clients import client_ip
from newsportal.storage import private_file_response
from submissions import ratelimit, services, tracking
from submissions.forms import ContactForm, ContributionForm, EntryRequestForm, TrackForm
from submissions.models import Attachment


def rate_limited(request, limit):
    response = render(request, "submissions/rate_limited.html", {"window_minutes": limit.window // 60}, status=429)
    response["Retry-After"] = str(limit.window)
    return response


@method_decorator(never_cache, name="dispatch")
class SubmissionFormView(View):
    """GET shows the form; POST saves it and shows the receipt, or the form with its errors.

    A repeated POST of the same form (double click, back and resubmit, refresh) shows the
    first submission's receipt again instead of saving a copy.
    """

    form_class = None
    template_name = ""
    extra_context = {}

    def get(self, request):
        return self.render_form(self.form_class())

    def post(self, request):
        form_class = self.form_class
        token = tracking.read_form_token(request.POST.get("form_token"), form_class.form_name)
        if token and (existing := services.find_duplicate(form_class._meta.model, token)):
            return self.render_receipt(services.Receipt(existing, token.query_code, duplicate=True))
        ip = client_ip(request)
        for limit in (ratelimit.submissions, ratelimit.attempts):
            if limit.exceeded(ip):
                return rate_limited(request, limit)
        ratelimit.attempts.hit(ip)
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            if form.is_abuse:
                ratelimit.submissions.hit(ip)
            return self.render_form(form, status=400)
        submission = form.build_submission()
        submission.submitter_ip = ip or None
        receipt = services.submit(submission, form.token, form.prepared_files())
        form.discard_kept()  # the files are the submission's now
        if not receipt.duplicate:
            ratelimit.submissions.hit(ip)
        return self.render_receipt(receipt)

    def render_form(self, form, status=200):
        context = {"form": form, **self.extra_context}
        return render(request=self.request, template_name=self.template_name, context=context, status=status)

    def render_receipt(self, receipt):
        return render(self.request, "submissions/receipt.html", {"receipt": receipt})


class ContributionView(SubmissionFormView):
    form_class = ContributionForm
    template_name = "submissions/contribution_form.html"


class EntryRequestView(SubmissionFormView):
    form_class = EntryRequestForm
    template_name = "submissions/entry_form.html"

    @property
    def extra_context(self):
        return {"deadline_days": settings.SUBMISSION_DEADLINE_WORKING_DAYS}


class ContactView(SubmissionFormView):
    form_class = ContactForm
    template_name = "submissions/contact.html"

    @property
    def extra_context(self):
        return {
            "office": {
                "name": settings.OFFICE_NAME,
                "address": settings.OFFICE_ADDRESS,
                "phone": settings.OFFICE_PHONE,
                "email": settings.OFFICE_EMAIL,
                "hours": settings.OFFICE_HOURS,
            }
        }


def terms(request):
    return render(request, "submissions/terms.html")


@never_cache
def track(request):
    """受理查询: the status, deadline, history and replies for a tracking number and its query code."""
    if request.method != "POST":
        return render(request, "submissions/track.html", {"form": TrackForm()})
    ip = client_ip(request)
    if ratelimit.lookups.exceeded(ip):
        return rate_limited(request, ratelimit.lookups)
    form = TrackForm(request.POST)
    submission = None
    if form.is_valid():
        ratelimit.lookups.hit(ip)
        submission = tracking.lookup(form.cleaned_data["tracking_number"], form.cleaned_data["query_code"])
        if submission is None:
            form.add_error(None, "受理编号或查询码不正确，请核对后重试。")
    context = {"form": form, "submission": submission}
    if submission is not None:
        context["history"] = tracking.public_history(submission)
        context["replies"] = submission.replies.all()
    return render(request, "submissions/track.html", context, status=200 if submission else 400)


def download_attachment(request, pk):
    """An attachment as a download, for staff allowed to view the submission it belongs to."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_staff:
        raise PermissionDenied
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    meta = attachment.content_type.model_class()._meta
    if not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
        raise PermissionDenied
    return private_file_response(
        request, attachment.file, filename=attachment.original_name, content_type=attachment.mime_type
    )
