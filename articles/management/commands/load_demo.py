import json
from pathlib import Path

import reversion
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.content.demo.site_info import fill_site_info
from articles.content.importer import import_stories, parse
from articles.models import Article, Channel, Industry, Region

DEMO_DIR = Path(__file__).resolve().parents[2] / "content" / "demo"


class Command(BaseCommand):
    help = "载入演示内容：区域、栏目、产业和十篇招商资讯。可重复运行，不会产生重复数据。"

    def handle(self, **options):
        catalog = json.loads((DEMO_DIR / "catalog.json").read_text(encoding="utf-8"))
        stories, _ = parse((DEMO_DIR / "stories.txt").read_text(encoding="utf-8"))
        with transaction.atomic():
            channels = {
                c["name"]: Channel.objects.update_or_create(
                    slug=c["slug"],
                    defaults={
                        "name": c["name"],
                        "description": c["description"],
                        "aliases": c.get("aliases", ""),
                        "order": n,
                    },
                )[0]
                for n, c in enumerate(catalog["channels"])
            }
            industries = {
                i["name"]: Industry.objects.update_or_create(slug=i["slug"], defaults={"name": i["name"], "order": n})[
                    0
                ]
                for n, i in enumerate(catalog["industries"])
            }
            regions = {}
            for n, r in enumerate(catalog["regions"]):
                regions[r["name"]] = Region.objects.update_or_create(
                    slug=r["slug"],
                    defaults={
                        "name": r["name"],
                        "kind": r["kind"],
                        "aliases": r.get("aliases", ""),
                        "parent": regions.get(r.get("parent")),
                        "show_on_home": r.get("home", False),
                        "order": n,
                    },
                )[0]
            editor = self._editor(catalog["editor"])
            result = import_stories(stories, status=Article.Status.PUBLISHED, source="北京招商资讯网")
            for story in stories:
                meta = catalog["stories"][story.original_title]
                article = Article.objects.get(title=story.title, publish_at__date=story.date)
                article.channel = channels[meta["channel"]]
                article.author = "本网记者"
                article.responsible_editor = editor
                article.is_headline = meta.get("headline", False)
                article.is_featured = meta.get("featured", False)
                # One revision per story with its classification, so its first version has its tags.
                with reversion.create_revision():
                    reversion.set_comment("演示内容")
                    article.save()
                    article.regions.set([regions[name] for name in meta["regions"]])
                    article.industries.set([industries[name] for name in meta["industries"]])
                    article.tags.set(meta["tags"])
            fill_site_info()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示内容已就绪：{len(regions)} 个区域、{len(channels)} 个栏目、{len(industries)} 个产业；"
                f"文章新建 {result.created} 篇，更新 {result.updated} 篇，未变 {result.unchanged} 篇。"
            )
        )

    def _editor(self, spec):
        user, created = get_user_model().objects.get_or_create(
            username=spec["username"], defaults={"first_name": spec["name"], "is_active": False}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
