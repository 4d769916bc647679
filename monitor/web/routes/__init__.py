"""The web app's routers; `create_app` includes them in this order."""

from monitor.web.routes.account import router as account
from monitor.web.routes.admin import router as admin
from monitor.web.routes.cases import router as cases
from monitor.web.routes.dashboard import router as dashboard
from monitor.web.routes.drift import router as drift
from monitor.web.routes.exports import router as exports
from monitor.web.routes.items import router as items
from monitor.web.routes.label import router as label
from monitor.web.routes.lapor import router as lapor
from monitor.web.routes.models import router as models
from monitor.web.routes.queue import router as queue
from monitor.web.routes.reports import router as reports
from monitor.web.routes.statistik import router as statistik

__all__ = ["ROUTERS"]

ROUTERS = (account, queue, items, dashboard, cases, admin, models, lapor, reports, statistik,
           exports, label, drift)
