"""The case desk's history: dated replies, deadline extensions, a stale-save version and due dates.

- Each submission's single `public_reply` becomes its first `Reply` (dated when it was given,
  marked as already mailed so it is never sent again); then the old fields go.
- `due_at` (local midnight after the last working day) becomes `due_date`, that last day itself.
"""

import datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

KINDS = ["contribution", "entryrequest", "contactmessage"]


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Reply = apps.get_model("submissions", "Reply")
    for name in KINDS:
        model = apps.get_model("submissions", name)
        content_type, _ = ContentType.objects.get_or_create(app_label="submissions", model=name)
        replies = []
        for submission in model.objects.all().iterator(chunk_size=500):
            # The old deadline was the first instant after the last working day.
            submission.due_date = timezone.localtime(submission.due_at - datetime.timedelta(microseconds=1)).date()
            submission.save(update_fields=["due_date"])
            if submission.public_reply.strip():
                when = submission.replied_at or submission.updated_at
                replies.append(
                    Reply(
                        content_type=content_type,
                        object_id=submission.pk,
                        text=submission.public_reply.strip(),
                        created_at=when,
                        emailed_at=submission.replied_at,
                    )
                )
        Reply.objects.bulk_create(replies, batch_size=500)


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Reply = apps.get_model("submissions", "Reply")
    for name in KINDS:
        model = apps.get_model("submissions", name)
        content_type = ContentType.objects.filter(app_label="submissions", model=name).first()
        for submission in model.objects.all().iterator(chunk_size=500):
            end = datetime.datetime.combine(submission.due_date + datetime.timedelta(days=1), datetime.time.min)
            submission.due_at = timezone.make_aware(end)
            replies = list(Reply.objects.filter(content_type=content_type, object_id=submission.pk).order_by("created_at", "id"))
            if replies:  # the old field held one text: the replies in order, each dated
                submission.public_reply = "\n\n".join(
                    f"{timezone.localtime(reply.created_at):%Y-%m-%d %H:%M}\n{reply.text}" for reply in replies
                )
                submission.replied_at = replies[-1].created_at
            submission.save(update_fields=["due_at", "public_reply", "replied_at"])


def submission_fields():
    """The new columns every kind of submission gets."""
    return [
        ("updated_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="最后修改人")),
        ("version", models.PositiveIntegerField(default=1, editable=False, verbose_name="版本号")),
        ("due_date", models.DateField(editable=False, null=True, verbose_name="办理期限")),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("submissions", "0003_tracking_counter_name"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Reply",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("text", models.TextField(max_length=5000, verbose_name="答复内容")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="答复时间")),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="邮件发送时间")),
                ("author", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="答复人")),
                ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype")),
            ],
            options={
                "verbose_name": "答复",
                "verbose_name_plural": "答复",
                "ordering": ["created_at", "id"],
                "abstract": False,
                "indexes": [models.Index(fields=["content_type", "object_id"], name="reply_submission_idx")],
            },
        ),
        migrations.CreateModel(
            name="DeadlineExtension",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField()),
                ("previous_date", models.DateField(verbose_name="原办理期限")),
                ("new_date", models.DateField(verbose_name="延长至")),
                ("reason", models.TextField(max_length=500, verbose_name="延期原因")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                ("notified_at", models.DateTimeField(blank=True, null=True, verbose_name="通知时间")),
                ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype")),
                ("extended_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
            ],
            options={
                "verbose_name": "延期记录",
                "verbose_name_plural": "延期记录",
                "ordering": ["created_at", "id"],
                "abstract": False,
                "indexes": [models.Index(fields=["content_type", "object_id"], name="extension_submission_idx")],
            },
        ),
        migrations.AddField(
            model_name="statuschange",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="通知时间"),
        ),
        *(
            migrations.AddField(model_name=name, name=field_name, field=field)
            for name in KINDS
            for field_name, field in submission_fields()
        ),
        # Nullable for the moment of the copy, so that going back can re-add it before filling it.
        *(
            migrations.AlterField(
                model_name=name,
                name="due_at",
                field=models.DateTimeField(db_index=True, editable=False, null=True, verbose_name="办理期限"),
            )
            for name in KINDS
        ),
        migrations.RunPython(forwards, backwards),
        *(
            operation
            for name in KINDS
            for operation in (
                migrations.RemoveField(model_name=name, name="public_reply"),
                migrations.RemoveField(model_name=name, name="replied_at"),
                migrations.RemoveField(model_name=name, name="due_at"),
                migrations.AlterField(
                    model_name=name,
                    name="due_date",
                    field=models.DateField(db_index=True, editable=False, verbose_name="办理期限"),
                ),
            )
        ),
    ]
