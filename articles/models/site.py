"""站点信息: the site's publisher and filing numbers (备案), shown in every page's footer.

One record, edited in the admin. Until an editor saves it, the footer shows the defaults from
the environment (SITE_SPONSOR, SITE_OPERATOR, SITE_PHONE, SITE_ICP, SITE_POLICE_RECORD): the
reading pages never write it, so they may run on a read replica.
"""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

# Every province-level abbreviation an ICP or 公安 filing starts with.
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

ICP_EXAMPLE = "京ICP备12345678号-1"
POLICE_RECORD_EXAMPLE = "京公网安备 11010202000001号"
ICP_PATTERN = re.compile(rf"[{_PROVINCES}]ICP备\d{{6,12}}号(?:-\d{{1,4}})?")
POLICE_RECORD_PATTERN = re.compile(rf"([{_PROVINCES}])公网安备\s*(\d{{14}})号")

validate_icp = RegexValidator(
    rf"\A{ICP_PATTERN.pattern}\Z",
    f"ICP备案号格式不正确，应类似“{ICP_EXAMPLE}”（省份简称 + ICP备 + 数字 + 号，可带网站序号“-1”）。",
    code="invalid_icp",
)
validate_police_record = RegexValidator(
    rf"\A{POLICE_RECORD_PATTERN.pattern}\Z",
    f"公安备案号格式不正确，应类似“{POLICE_RECORD_EXAMPLE}”（省份简称 + 公网安备 + 14 位数字 + 号）。",
    code="invalid_police_record",
)
validate_phone = RegexValidator(
    r"\A[0-9+()\- ]{5,40}\Z",
    "联系电话只能包含数字、空格、括号、加号和短横线，例如“010-12345678”。",
    code="invalid_phone",
)

MIIT_URL = "https://beian.miit.gov.cn/"
POLICE_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


class SiteInfo(models.Model):
    """The one record of the site's identity: who runs it, how to reach it, its filings and policies."""

    SINGLETON_PK = 1

    sponsor = models.CharField("主办单位", max_length=100, blank=True)
    operator = models.CharField("承办单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True, validators=[validate_phone])
    address = models.CharField("联系地址", max_length=200, blank=True)
    icp_number = models.CharField(
        "ICP备案号",
        max_length=40,
        blank=True,
        validators=[validate_icp],
        help_text=f"例如 {ICP_EXAMPLE}，页脚链接到工业和信息化部备案系统。",
    )
    police_record = models.CharField(
        "京公网安备号",
        max_length=40,
        blank=True,
        validators=[validate_police_record],
        help_text=f"例如 {POLICE_RECORD_EXAMPLE}，页脚链接到全国互联网安全管理服务平台。",
    )
    privacy_policy = models.TextField(
        "隐私政策",
        blank=True,
        help_text="纯文本，空行分段；以“一、”“二、”开头的行显示为小标题。",
    )
    terms_of_use = models.TextField(
        "使用条款",
        blank=True,
        help_text="纯文本，空行分段；以“一、”“二、”开头的行显示为小标题。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点信息"

    def __str__(self):
        return "站点信息"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        self.icp_number = self.icp_number.strip()
        self.police_record = _normalized_police_record(self.police_record)
        super().save(*args, **kwargs)

    @classmethod
    def from_settings(cls):
        """The unsaved record a fresh site shows: the defaults from the environment."""
        return cls(
            pk=cls.SINGLETON_PK,
            sponsor=settings.SITE_SPONSOR,
            operator=settings.SITE_OPERATOR,
            phone=settings.SITE_PHONE,
            icp_number=settings.SITE_ICP,
            police_record=_normalized_police_record(settings.SITE_POLICE_RECORD),
        )

    @classmethod
    def current(cls):
        """The saved record, or the defaults when no one has saved it yet (one query, no write)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls.from_settings()

    @classmethod
    def load(cls):
        """The saved record, created from the defaults when missing (the admin's way in)."""
        try:
            return cls.objects.get(pk=cls.SINGLETON_PK)
        except cls.DoesNotExist:
            info = cls.from_settings()
            info.save(force_insert=True)
            return info

    @property
    def police_record_code(self):
        match = POLICE_RECORD_PATTERN.fullmatch(self.police_record)
        return match[2] if match else ""

    def footer(self):
        """What the footer shows, as plain values (kept in the navigation cache)."""
        code = self.police_record_code
        return {
            "sponsor": self.sponsor,
            "operator": self.operator,
            "phone": self.phone,
            "phone_link": re.sub(r"[^0-9+]", "", self.phone),
            "address": self.address,
            "icp_number": self.icp_number,
            "icp_url": MIIT_URL,
            "police_record": self.police_record,
            "police_record_url": POLICE_RECORD_URL.format(code=code) if code else "",
        }


def _normalized_police_record(value):
    """The one way a 公安 filing is written: "京公网安备11010202000001号" becomes "京公网安备 11010202000001号"."""
    value = (value or "").strip()
    match = POLICE_RECORD_PATTERN.fullmatch(value)
    return f"{match[1]}公网安备 {match[2]}号" if match else value
