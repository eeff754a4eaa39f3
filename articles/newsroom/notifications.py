"""Telling people about workflow steps: who hears of a submission, a return or a publication.

- 提交审核: everyone who may publish (editors), except the one who submitted.
- 退回修改: the story's writer, with the editor's comment.
- 发布 / 发布修改: the writer, when someone else published it.

After commit the workflow queues one task per step (`articles.newsroom.tasks`), which calls
`send` here. A mail server
that fails never undoes or blocks the step: the task logs it. In the back office the same
steps show on the dashboard and on the story (`latest_return`).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article, ArticleTransition, Status
from newsportal.links import site_url

SUBJECTS = {
    "submit": "【待审核】{title}",
    "reject": "【退回修改】{title}",
    "publish": "【已发布】{title}",
    "publish_changes": "【修改已发布】{title}",
}


def recipients(article, name, actor):
    """The addresses to tell about move `name` made by `actor`."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    if name == "submit":
        publishers = Q(is_superuser=True) | Q(user_permissions__codename="publish_article")
        publishers |= Q(groups__permissions__codename="publish_article")
        users = users.filter(publishers)
    else:
        users = users.filter(pk=article.created_by_id)
    return sorted(set(users.values_list("email", flat=True)))


def send(article, name, actor, note=""):
    """Render and send the notice; return the number of messages sent."""
    to = recipients(article, name, actor)
    if not to:
        return 0
    context = {
        "article": article,
        "name": name,
        "actor": display_name(actor),
        "note": note,
        "site_name": settings.SITE_NAME,
        "admin_url": site_url(reverse("admin:articles_article_change", args=[article.pk])),
        "public_url": site_url(article.get_absolute_url()),
    }
    title = " ".join(article.title.split())
    subject = SUBJECTS[name].format(title=title)[:150]
    body = render_to_string("articles/email/transition.txt", context)
    return send_mail(subject, body, None, to)


def display_name(user):
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def latest_return(article):
    """The comment of the 退回修改 that sent a draft back, while it is still a draft; else None."""
    if article.pk is None or article.status != Status.DRAFT:
        return None
    last = article.transitions.select_related("user").first()
    if last is None or last.from_status != Status.REVIEW or last.to_status != Status.DRAFT:
        return None
    return last


def returned_to(user):
    """The writer's drafts that an editor returned, newest return first (for the dashboard)."""
    last = ArticleTransition.objects.filter(article=OuterRef("pk")).order_by("-at", "-id")
    return (
        Article.objects.filter(created_by=user, status=Status.DRAFT)
        .annotate(last_from=Subquery(last.values("from_status")[:1]), last_at=Subquery(last.values("at")[:1]))
        .filter(last_from=Status.REVIEW)
        .order_by("-last_at")
    )
