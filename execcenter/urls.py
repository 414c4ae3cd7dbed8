from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from command.views import public as public_views
from dashboards.api.snapshot import snapshot
from execcenter import audit_views, export_views, views

# Unreadable bodies (too large, malformed) get a clear 413/400, as JSON for the API (execcenter/bad_requests.py).
handler400 = "execcenter.bad_requests.bad_request"
handler404 = "execcenter.bad_requests.not_found"  # JSON for unmatched /api/ paths

admin.site.site_header = "执行指挥中心 管理后台"
admin.site.site_title = "执行指挥中心"
admin.site.index_title = "系统管理"

urlpatterns = [
    # First: every big screen polls it every 5 s, and resolving it after the API routers' ~80 patterns cost more
    # than answering an unchanged poll.
    path("api/v1/screens/<str:court_code>/snapshot", snapshot, name="screen-snapshot"),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report", views.csp_report, name="csp-report"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit-log.xlsx", export_views.audit_log_export, name="audit-log-export"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The English catalogue for the big screen's script (its module data is computed in Chinese once for every
    # screen and looked up here); cached per language for a day, it changes only with a deployment.
    path(
        "i18n/catalog.js", cache_page(24 * 3600)(JavaScriptCatalog.as_view(domain="django")), name="javascript-catalog"
    ),
    # The public lookup's captcha images, drawn here (no outside service), limited per address (command.disclosure).
    re_path(r"^captcha/image/(?P<key>\w+)/$", public_views.captcha_image, name="captcha-image"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("execcenter.api.urls")),
    # The API's own session login (browsable API); django-axes locks it out like the site and the admin.
    path("api-auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("cases/", include("cases.urls")),
    path("querycontrol/", include("querycontrol.urls")),
    path("command/", include("command.urls")),
    path("workbench/", include("workbench.urls")),
    path("", include("dashboards.urls")),
]
# No route serves MEDIA_ROOT: stored files (photos, bulletins) go out only through scoped, logged-in views.
