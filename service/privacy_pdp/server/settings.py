"""Service settings: ``PDP_*`` environment variables, overridden by the CLI's options.

Built once (by ``privacy-pdp serve`` or a test) and handed to ``create_app``; nothing else
reads the environment. A wrong value fails at start-up naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field, NonNegativeInt, PositiveFloat, PositiveInt, SecretStr, TypeAdapter, ValidationError, model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from privacy_pdp.bundle.keys import ALGORITHMS

ENV_PREFIX = "PDP_"
MOST_PROCESSES_BY_DEFAULT = 8


def _cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class SettingsError(ValueError):
    """Settings that cannot be used; the message names each variable and what is wrong."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    # --- policies and evaluation
    policies: Path = Field(Path("policies"), description="policy directory (an OPA bundle layout)")
    default_decision: str = Field(
        "privacy/decision", description="document POST / answers, as OPA's default_decision (OPA's own: system/main)"
    )
    processes: PositiveInt = Field(  # filled in by _share_the_cores when unset
        None, description="server processes on the port (server/workers.py: each logs decisions in its own slot; "
        f"default: one per core, at most {MOST_PROCESSES_BY_DEFAULT}; one when serving a bundle or with Policy API "
        "writes on)",
        validate_default=False,
    )
    workers: PositiveInt = Field(  # filled in by _share_the_cores when unset
        None, description="evaluation threads per process, one interpreter each (default: the cores "
        "shared out among the processes)", validate_default=False,
    )
    engine: Literal["regopy", "opa"] = Field(
        "regopy", description="evaluator: regopy (rego-cpp) or opa (the OPA Go evaluator, installed apart)"
    )
    compact_plan: bool = Field(
        True, description="regopy: after warm-up, serve the decision's plan rewritten (core/planslots.py, "
        "core/plantrim.py, core/plandata.py): a third less CPU per new decision for about 30 MiB more per process; "
        "off, the plan is served as built"
    )
    access_log: bool = Field(
        False, description="a log line per HTTP request (uvicorn's access log): off, as every decision is in the "
        "decision log already and the line costs a quarter of a cached decision's throughput"
    )
    decision_cache_entries: NonNegativeInt = Field(
        10_000, description="decisions kept in the cache (least recently used go first); 0 turns the cache off"
    )
    decision_cache_bytes: NonNegativeInt = Field(
        32 << 20, description="bytes the cache may hold (answers; inputs are held by their digest; least recently "
        "used go first; an answer over 1/64 of it is not kept); 0 turns the cache off"
    )

    # --- request limits (answered as OPA does: 400 invalid_parameter)
    max_body_bytes: PositiveInt = Field(1 << 20, description="largest request body, after gzip decompression")
    max_nesting_depth: PositiveInt = Field(64, description="deepest JSON nesting accepted in a request body")
    max_batch_inputs: PositiveInt = Field(1000, description="most inputs in one batch request")
    max_concurrent_batches: PositiveInt = Field(
        4, description="batch requests decided at once; later ones wait their turn, unread, so that many clients "
        "sending large batches cannot hold thousands of inputs and answers in memory together"
    )

    # --- policies API writes (PUT/DELETE /v1/policies): off unless enabled with a token
    policy_api_writes: bool = Field(False, description="allow PUT/DELETE /v1/policies with the bearer token")
    policy_api_token: SecretStr | None = Field(None, description="bearer token for policy writes")

    # --- decision log (server/decision_log/config.py reads these by name and says what each means)
    decision_log_enabled: bool = True
    decision_log_dir: Path = Path("var/decision-logs")
    decision_log_max_file_bytes: PositiveInt = 64 << 20
    decision_log_flush_seconds: PositiveFloat = 1.0
    decision_log_queue_max_events: PositiveInt = 10_000
    decision_log_buffer_max_bytes: PositiveInt = 256 << 20
    decision_log_backpressure_seconds: PositiveFloat = 2.0
    decision_log_upload_url: str | None = None
    decision_log_upload_token: SecretStr | None = None
    decision_log_upload_min_delay: PositiveFloat = 1.0
    decision_log_upload_max_delay: PositiveFloat = 10.0
    decision_log_upload_batch_bytes: PositiveInt = 256 << 10
    decision_log_upload_timeout: PositiveFloat = 10.0
    decision_log_upload_drain_seconds: PositiveFloat = 5.0

    # --- bundles (server/bundle.py reads these); unset = serve the policy directory
    bundle_path: Path | None = Field(None, description="bundle file to serve and watch (serve --bundle FILE)")
    bundle_url: str | None = Field(None, description="bundle server URL to poll (serve --bundle URL)")
    bundle_poll_min_seconds: PositiveFloat = 60.0
    bundle_poll_max_seconds: PositiveFloat = 120.0
    bundle_verification_key: Path | None = Field(
        None, description="PEM public key, HMAC secret file or <kid>.pem directory; makes signatures mandatory")
    bundle_verification_key_id: str | None = Field(None, description="key id to use whatever the token names")
    bundle_signing_alg: str = Field("RS256", description="the verification key's JWS algorithm (OPA's --signing-alg)")
    bundle_scope: str = ""
    bundle_persist_dir: Path = Field(Path("var/bundles"), description="last good downloaded bundle, for restarts")
    bundle_max_staleness_seconds: PositiveFloat | None = Field(
        None, description="fail closed when the bundle source has not answered for this long")

    @model_validator(mode="before")
    @classmethod
    def _share_the_cores(cls, given: Any) -> Any:
        """Processes and threads left unset are filled in by ``layout``."""
        if not isinstance(given, dict):
            return given
        writes = given.get("policy_api_writes")
        changing = (writes is not None and _flag(writes)) or any(given.get(f) for f in ("bundle_path", "bundle_url"))
        processes, workers = layout(_number(given.get("processes")), _number(given.get("workers")),
                                    policy_changes=changing)
        filled = {"processes": processes, "workers": workers}
        # only what is unset: a value that is not a number is left for its field to report
        return {**given, **{name: value for name, value in filled.items() if given.get(name) is None}}

    @model_validator(mode="after")
    def _one_bundle_source(self) -> Settings:
        if self.bundle_path is not None and self.bundle_url is not None:
            raise ValueError(f"set {ENV_PREFIX}BUNDLE_PATH or {ENV_PREFIX}BUNDLE_URL, not both")
        if self.bundle_url is not None and not self.bundle_url.startswith(("http://", "https://")):
            raise ValueError(f"{ENV_PREFIX}BUNDLE_URL must be an http(s) URL")
        if self.bundle_poll_min_seconds > self.bundle_poll_max_seconds:
            raise ValueError(f"{ENV_PREFIX}BUNDLE_POLL_MIN_SECONDS is above {ENV_PREFIX}BUNDLE_POLL_MAX_SECONDS")
        if self.bundle_signing_alg not in ALGORITHMS:
            raise ValueError(f"{ENV_PREFIX}BUNDLE_SIGNING_ALG: use one of {', '.join(ALGORITHMS)}")
        if self.bundle_verification_key is not None and not self.bundle_verification_key.exists():
            raise ValueError(f"{ENV_PREFIX}BUNDLE_VERIFICATION_KEY: {self.bundle_verification_key} does not exist")
        return self

    @model_validator(mode="after")
    def _writes_need_a_token(self) -> Settings:
        if self.policy_api_writes and not (self.policy_api_token and self.policy_api_token.get_secret_value()):
            raise ValueError(f"{ENV_PREFIX}POLICY_API_WRITES needs {ENV_PREFIX}POLICY_API_TOKEN")
        if self.policy_api_writes and self.processes > 1:  # a write would reach one process of several
            raise ValueError(f"{ENV_PREFIX}POLICY_API_WRITES needs {ENV_PREFIX}PROCESSES=1")
        return self


def layout(processes: int | None, workers: int | None, policy_changes: bool = False) -> tuple[int, int]:
    """The processes and evaluation threads per process served, given those set (None: unset).

    Unset, the processes are one per core: a decision's Python work holds the GIL, and
    processes of one thread answered more repeated and batched decisions than one process
    of threads, and as many new ones (``make bench`` compares the two). At most
    MOST_PROCESSES_BY_DEFAULT, as each holds its own interpreters and cache (about 120 MiB).
    But one when the policy can change while serving (``policy_changes``: Policy API writes,
    a bundle to watch): a write reaches one process of several, and each process activates
    a new bundle on its own poll, so that after a change was reported some answers would
    still come from the old revision.
    Unset, the evaluation threads of all processes together are one per core (more would
    only hold more interpreters, about 40 MiB each)."""
    cores = _cpu_count()
    if processes is None:
        processes = 1 if policy_changes else min(cores, MOST_PROCESSES_BY_DEFAULT)
    if workers is None:
        workers = max(1, cores // processes) if processes > 0 else cores
    return processes, workers


def _flag(value: Any) -> bool:
    """A boolean setting as pydantic will read it (a wrong value is reported by its field)."""
    try:
        return TypeAdapter(bool).validate_python(value)
    except ValidationError:
        return False


def _number(value: Any) -> int | None:
    """An integer setting as pydantic will read it (a wrong value is reported by its field)."""
    try:
        return TypeAdapter(int).validate_python(value)
    except ValidationError:
        return None


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment with ``overrides`` (e.g. CLI options) on top.

    Raises SettingsError naming each offending variable (``PDP_WORKERS: ...``).
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            origin = "option" if field in given else "variable"
            name = f"--{field.replace('_', '-')}" if origin == "option" else f"{ENV_PREFIX}{field.upper()}"
            problems.append(f"{name}: {error['msg']}" if field else error["msg"])
        raise SettingsError("; ".join(problems)) from None
