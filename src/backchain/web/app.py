"""The Backchain web app: static files, one router per domain and friendly error pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from backchain import __version__
from backchain.config import Config, load_config
from backchain.errors import BackchainError
from backchain.store import open_store
from backchain.store.secrets import signing_secret
from backchain.web import (
    accounts,
    analysis,
    calendar,
    clinic,
    coach,
    demos,
    exercises,
    history,
    home,
    learn,
    onboarding,
    plan,
    progress,
    questionnaires,
    session,
    settings,
)
from backchain.web.analysis import PoseFactory
from backchain.web.auth import require_account
from backchain.web.errors import EXCEPTION_HANDLERS
from backchain.web.security import Guard, Signers, check_form_token

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(
    store_url: str | None = None,
    config: Config | None = None,
    *,
    pose_factory: PoseFactory | None = None,
) -> FastAPI:
    """Build the app; `backchain serve` runs it with uvicorn.

    The store (SQLite by default, `BACKCHAIN_DATABASE_URL` or `store_url` otherwise) is opened
    when the app starts and closed when it stops; routes get it through `deps.StoreDep`.
    `config` (default: from `BACKCHAIN_*` variables) sets the host names and the limits.
    `pose_factory` makes the pose models of the video check and the live coach (default:
    MediaPipe's, `analysis.quiet_pose`); one making `FakeEstimator`s runs the app without it.
    """
    config = config or load_config()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.config = config
        app.state.store = open_store(store_url)
        try:
            secret = config.secret_key
            app.state.signers = Signers(
                secret.get_secret_value() if secret else signing_secret(app.state.store)
            )
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Backchain",
        version=__version__,
        exception_handlers=EXCEPTION_HANDLERS,
        # The interactive API docs load their scripts from a CDN; Backchain loads nothing remote.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # Every route that changes data wants the form token (`security`); in clinic mode every
        # route wants a signed-in account of the role its address is for (`auth`).
        dependencies=[Depends(check_form_token), Depends(require_account)],
    )
    app.state.pose_factory = analysis.quiet_pose if pose_factory is None else pose_factory
    app.add_middleware(Guard, config=config)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(exercises.router)
    app.include_router(demos.router)
    app.include_router(home.router)
    app.include_router(onboarding.router)
    app.include_router(plan.router)
    app.include_router(analysis.router)
    app.include_router(coach.router)
    app.include_router(session.router)
    app.include_router(progress.router)
    app.include_router(learn.router)
    app.include_router(calendar.router)
    app.include_router(questionnaires.router)
    app.include_router(history.router)
    app.include_router(settings.router)
    app.include_router(accounts.router)
    app.include_router(clinic.router)
    app.add_api_route("/healthz", _health)
    return app


def _health() -> JSONResponse:
    # Loading the catalogue here means a broken data file shows up in the health check.
    try:
        count = len(exercises.get_catalogue())
    except BackchainError as error:
        return JSONResponse({"status": "error", "detail": str(error)}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__, "exercises": count})
