"""How this Backchain is run: host names it answers to, its secret, and the limits on input.

Every field is read from an environment variable named `BACKCHAIN_<FIELD>` (for example
`BACKCHAIN_MAX_UPLOAD_MB=300`); the defaults suit one person on their own machine. Limits are
checked before any work is done, so a hostile or mistaken request costs almost nothing.
"""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from backchain.errors import ConfigError

__all__ = ["LOOPBACK_HOSTS", "Config", "load_config"]

ENV_PREFIX = "BACKCHAIN_"
APP_NAME = "backchain"  # the data folder's name, as the store's
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

Count = Annotated[int, Field(ge=1)]


class Config(BaseSettings):
    """The settings of one running Backchain; `load_config()` reads them from the environment."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    #: Host names (no port) the web app answers to; anything else is refused (DNS rebinding).
    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = LOOPBACK_HOSTS
    #: Signs forms and the answers carried between onboarding steps. Unset: one is made and
    #: kept in the database, so every process that shares the database shares it.
    secret_key: SecretStr | None = None

    #: A posted form (not a file upload): its size, and how many fields it may have.
    max_form_kb: Count = 256
    max_form_fields: Count = 1000
    #: An export file uploaded to Settings → Import.
    max_import_mb: Count = 20
    #: A video uploaded for analysis: its size and its length, read from the container.
    max_upload_mb: Count = 200
    max_video_seconds: Count = 180
    #: Videos analysed at the same time; the next upload is told to try again in a moment.
    max_analyses: Count = 1
    #: One live-coach camera frame (a JPEG): its size, and its width × height.
    max_frame_kb: Count = 512
    max_frame_pixels: Count = 1280 * 960
    #: Live-coach connections open at the same time.
    max_live_sets: Count = 4
    #: Threads that read poses for the live coach; each holds one pose model for all sets.
    pose_threads: Count = 2

    #: Clinic mode: accounts for people, their clinicians and admins, and a sign-in for every
    #: page. Off: personal mode, one person on their own machine, no sign-in, loopback only.
    clinic: bool = False

    #: Redis, for the video analysis queue and the live coach's sets waiting for a reconnect
    #: (e.g. redis://127.0.0.1:6379/0). Unset: both stay inside this process, which is all one
    #: person on their own machine needs; set it when several web processes or `backchain
    #: worker`s share the work.
    redis_url: str | None = None
    #: Where uploads wait for their analysis and annotated videos wait to be watched: a folder
    #: every web process and worker can reach. Unset: `analysis` in the user's data folder.
    storage_dir: Path | None = None
    #: One video analysis: how long it may run, and how many times it is tried when a worker
    #: stops or fails unexpectedly before the person is told it could not be done.
    job_timeout_s: Count = 600
    job_attempts: Count = 3
    #: How long an annotated video is kept for the person to watch or download.
    keep_results_minutes: Count = 60

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(host.strip().lower() for host in value.split(",") if host.strip())
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _some_hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("give at least one host name")
        return tuple(host.strip("[]").lower() for host in value)

    @property
    def max_form_bytes(self) -> int:
        return self.max_form_kb * 1024

    @property
    def max_import_bytes(self) -> int:
        return self.max_import_mb * 1024 * 1024

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_frame_bytes(self) -> int:
        return self.max_frame_kb * 1024

    @property
    def storage(self) -> Path:
        """The analysis storage folder: `storage_dir`, else `analysis` in the data folder."""
        if self.storage_dir is not None:
            return self.storage_dir
        return Path(user_data_dir(APP_NAME, appauthor=False)) / "analysis"


@lru_cache(maxsize=1)
def load_config() -> Config:
    """The configuration from the environment, read once; a bad value is a one-line `ConfigError`."""
    try:
        return Config()
    except ValidationError as error:
        first = error.errors()[0]
        name = ENV_PREFIX + str(first["loc"][0]).upper() if first["loc"] else ENV_PREFIX
        raise ConfigError(
            f"{name} is not valid ({first['msg']}); fix or unset it and start again."
        ) from None
