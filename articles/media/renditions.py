"""WebP renditions of library images: made once, after commit, by a background task.

Pages serve them with srcset (`articles.media.html`); the files go when the image row goes.
"""

from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.tasks import task
from PIL import Image as PILImage

from articles.models import Image

RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)


def rendition_widths(width):
    """The standard widths narrower than the original, plus the original (capped)."""
    widths = {w for w in RENDITION_WIDTHS if w < width}
    widths.add(min(width, RENDITION_WIDTHS[-1]))
    return sorted(widths)


@task
def generate_renditions(image_id):
    """Write the WebP renditions of one library image, once."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or image.renditions:
        return
    storage = image.file.storage
    made = []
    with image.file.open("rb") as fh, PILImage.open(fh) as source:
        source.seek(0)
        frame = source.convert("RGBA" if source.mode in {"RGBA", "LA", "P", "PA"} else "RGB")
        for width in rendition_widths(frame.width):
            height = max(1, round(frame.height * width / frame.width))
            resized = frame if width == frame.width else frame.resize((width, height), PILImage.Resampling.LANCZOS)
            out = BytesIO()
            resized.save(out, format="WEBP", quality=80, method=4)
            name = storage.save(f"renditions/{image.pk}/{width}.webp", ContentFile(out.getvalue()))
            made.append({"width": width, "height": height, "name": name})
    updated = Image.objects.filter(pk=image.pk, renditions=[]).update(renditions=made)
    if not updated:  # another worker won the race: keep its files, drop ours
        for item in made:
            storage.delete(item["name"])


@receiver(post_save, sender=Image)
def _schedule_renditions(sender, instance, created, raw=False, **kwargs):
    if raw or instance.renditions:
        return
    transaction.on_commit(lambda: generate_renditions.enqueue(instance.pk))


@receiver(post_delete, sender=Image)
def _delete_files(sender, instance, **kwargs):
    """No orphan files: the original and its renditions go once the row is gone for good."""
    storage = instance.file.storage
    names = [instance.file.name, *(r["name"] for r in instance.renditions or [])]

    def delete():
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)
