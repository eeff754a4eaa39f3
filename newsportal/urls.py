from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsportal import views
from newsportal.signin.forms import SignInForm

admin.site.site_header = f"{settings.SITE_NAME} · 编辑后台"
admin.site.site_title = f"{settings.SITE_NAME}编辑后台"
admin.site.index_title = "内容管理"
# Password, then the 验证码 of an enrolled authenticator; a locked-out client is told so (newsportal.signin).
admin.site.login_form = SignInForm

urlpatterns = [
    # Before the admin's own URLs, whose catch-all would answer 404.
    path("admin/two-factor/", include("newsportal.signin.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin).
    path("favicon.ico", views.favicon),
    path("", include("articles.urls")),
    path("", include("submissions.urls")),
]

handler500 = "newsportal.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
