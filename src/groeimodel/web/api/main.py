"""The API instance: token auth on every operation, the error handlers, one router per resource.

Another resource is one more module in ``routers/`` and one line here.
"""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.throttling import AuthRateThrottle

from groeimodel.web.api import errors
from groeimodel.web.api.auth import TokenAuth
from groeimodel.web.api.routers import companies, imports, initiatives, models, monitor, rounds, waves

# Requests per token (per app server process: the cache is per process).
RATE = "1200/m"

api = NinjaAPI(
    title="groeimodel API",
    version="1",
    description=(
        "The scan of social innovation in SMEs (MKB) as a REST API. Authenticate with a personal token made on "
        "the page /account/tokens/: `Authorization: Bearer <token>`. Texts are Dutch unless `Accept-Language` "
        'prefers English. Every error has the shape `{"detail": ..., "errors": [{"field", "message"}]}`.'
    ),
    auth=TokenAuth(),
    throttle=[AuthRateThrottle(RATE)],
    urls_namespace="api",
    docs_url="/docs/",
    # Swagger UI from the package ('ninja' in INSTALLED_APPS); no online validator badge either.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/models", models.router)
api.add_router("/companies", companies.router)
api.add_router("/", waves.router)
api.add_router("/", rounds.router)
api.add_router("/", initiatives.router)
api.add_router("/monitor", monitor.router)
api.add_router("/imports", imports.router)
