"""站点信息 for the demo: the publisher, contact and (made-up) filings, and the two policies."""

from pathlib import Path

from articles.models import SiteInfo

HERE = Path(__file__).resolve().parent

DEMO_SITE_INFO = {
    "sponsor": "北京招商资讯网编辑部（演示）",
    "operator": "北京招商资讯网投资服务部（演示）",
    "phone": "010-12345678",
    "address": "北京市东城区示例路 1 号（演示地址）",
    "icp_number": "京ICP备12345678号-1",
    "police_record": "京公网安备 11010102000001号",
}


def fill_site_info():
    """Fill the empty fields of 站点信息 with the demo's; what an editor or the environment set stays."""
    info = SiteInfo.load()
    values = {
        **DEMO_SITE_INFO,
        "privacy_policy": (HERE / "privacy.txt").read_text(encoding="utf-8").strip(),
        "terms_of_use": (HERE / "terms.txt").read_text(encoding="utf-8").strip(),
    }
    changed = [name for name, value in values.items() if not getattr(info, name)]
    for name in changed:
        setattr(info, name, values[name])
    if changed:
        info.save()
    return info
