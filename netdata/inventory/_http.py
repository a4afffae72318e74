"""The one HTTP client of the inventory stage (the only module that imports httpx).

Pooled connections, timeouts, retries with exponential backoff on connection
errors, timeouts, 5xx and 429 (honouring ``Retry-After``), REST pagination with
concurrent page fetches and loop detection.  Every httpx error and every HTTP
failure is translated into :class:`~netdata.InventoryError` here and nowhere
else, by :meth:`HttpClient.error`: the one place where text from a server or a
header becomes a message, which redacts the token (also JSON- and URL-escaped)
before it collapses and truncates the text.  Answers are parsed by the one
reader's JSON rules (no NaN, no duplicate members, bounded depth).
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx

from netdata._documents import parse_json
from netdata._exceptions import DocumentError, InventoryError

V2_TOKEN_PREFIX = "nbt_"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# ids per request when a list is restricted to some devices: 20 UUIDs keep the URL
# near 1 KB (Nautobot's uWSGI drops requests whose URL passes about 2 KB)
ID_CHUNK = 20
_HINTS = {
    401: "the server rejected the credentials: check the API token",
    403: "access refused: check the API token and its permissions",
    404: "not found: check the URL (it should be the server's base URL)",
}

MESSAGE_CHARS = 600
"""Longest error message made of server text (after the token was redacted)."""
_READ = 4_000  # characters of an answer's body looked at for a message

Params = Mapping[str, str | int | Sequence[str]]
T = TypeVar("T")


@dataclass(frozen=True)
class Connection:
    """How to reach a source of truth over HTTP.

    ``url`` is the server's base URL (``https://nautobot.example.com``); the
    token is never part of it.  ``ca_bundle`` is a PEM file of trusted CAs;
    ``verify=False`` turns TLS verification off (only when asked for).
    ``transport`` replaces the network (tests use ``httpx.MockTransport``).
    """

    url: str
    token: str | None = field(default=None, repr=False)
    ca_bundle: str | None = None
    verify: bool = True
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 120.0
    page_size: int = 500
    concurrency: int = 4
    transport: httpx.BaseTransport | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        problem = limits_problem(self.timeout, self.retries)
        if problem:
            raise InventoryError(problem)
        if self.token is not None:
            usable_token(self.token, "the API token")


def limits_problem(timeout: float, retries: int) -> str | None:
    """What is wrong with a request timeout and retry count, if anything (the one rule)."""
    if not math.isfinite(timeout) or timeout <= 0:
        return f"the timeout must be a positive number of seconds, not {timeout!r}"
    if retries < 0:
        return f"the number of retries must be 0 or more, not {retries}"
    return None


def usable_token(token: str, origin: str) -> str:
    """``token`` if it can be sent in an HTTP header; an error naming ``origin`` (never the
    token) if it holds whitespace, a control or a non-ASCII character."""
    if not token or not all("!" <= c <= "~" for c in token):
        raise InventoryError(
            f"{origin} cannot be sent in an HTTP header: it must be printable ASCII without "
            "spaces or line breaks (it is not shown here)"
        )
    return token


class HttpClient:
    """JSON over HTTP with retries, the token in the ``Authorization`` header."""

    def __init__(
        self, conn: Connection, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        split = urlsplit(conn.url)
        if split.scheme not in ("http", "https") or not split.hostname:
            raise InventoryError(f"not an http(s) base URL: {_safe_url(conn.url)!r}")
        if split.username or split.password:
            raise InventoryError(
                f"the URL must not contain credentials: {_safe_url(conn.url)!r}; "
                "give the token in an environment variable or a token file"
            )
        self._conn = conn
        self._base = conn.url.rstrip("/")
        self._origin = (split.scheme, split.netloc)
        self._sleep = sleep
        headers = {"Accept": "application/json", "User-Agent": "netdata-inventory"}
        if conn.token:
            headers["Authorization"] = authorization(conn.token)
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(conn.timeout, pool=None),  # waiting for a free connection
            verify=_verify(conn),
            transport=conn.transport,
            limits=httpx.Limits(
                max_connections=max(conn.concurrency, 1) * 2,
                max_keepalive_connections=max(conn.concurrency, 1),
            ),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------
    def url(self, path: str, params: Params | None = None) -> str:
        """The absolute URL of ``path`` (relative to the base URL) with ``params``."""
        query = urlencode(_flatten(params or {}), doseq=True)
        return f"{self._base}/{path.lstrip('/')}" + (f"?{query}" if query else "")

    def get_json(self, url: str) -> Any:
        return self._json(self._send("GET", url))

    def options_json(self, url: str) -> Any:
        return self._json(self._send("OPTIONS", url))

    def post_json(self, url: str, body: Any) -> Any:
        return self._json(self._send("POST", url, json=body))

    def get_all(
        self, path: str, params: Params | None = None, page_size: int | None = None
    ) -> list[dict[str, Any]]:
        """All ``results`` of a paginated REST list (NetBox/Nautobot ``count/next/results``).

        Reads the first page; when the server pages by ``limit``/``offset`` and
        gives a ``count``, fetches the remaining pages concurrently, otherwise
        follows ``next`` links one by one.  A ``next`` link that was already
        visited is a pagination loop and an error.
        """
        limit = page_size or self._conn.page_size
        first_url = self.url(path, {**(params or {}), "limit": limit})
        page = self._page(first_url)
        results = list(page["results"])
        next_url = page.get("next")
        if not next_url:
            return results
        next_url = self._same_origin(next_url)
        count, step = page.get("count"), len(page["results"])
        offsets = _offset_plan(first_url, next_url, count, step)
        if offsets is not None and isinstance(count, int):
            results.extend(self._concurrent_pages(next_url, offsets))
            if len(results) != count:
                raise self.error(
                    f"GET {_safe_url(first_url)}: the server announced {count} results but "
                    f"returned {len(results)}: the data changed while it was read; try again",
                    url=_safe_url(first_url),
                )
            return results
        return results + self._follow(first_url, next_url)

    def get_all_for(
        self, path: str, params: Params, key: str, ids: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        """:meth:`get_all`, restricted to ``key`` in ``ids`` (asked in chunks) unless None."""
        if ids is None:
            return self.get_all(path, params)
        chunks = [list(ids[i : i + ID_CHUNK]) for i in range(0, len(ids), ID_CHUNK)]
        jobs = {
            str(n): partial(self.get_all, path, {**params, key: chunk})
            for n, chunk in enumerate(chunks)
        }
        return [item for page in self.parallel(jobs).values() for item in page]

    def parallel(self, jobs: Mapping[str, Callable[[], T]]) -> dict[str, T]:
        """Run ``jobs`` (requests through this client) concurrently; results by key."""
        with ThreadPoolExecutor(max_workers=max(self._conn.concurrency, 1)) as pool:
            futures = {key: pool.submit(job) for key, job in jobs.items()}
            return {key: future.result() for key, future in futures.items()}

    # -- internals ---------------------------------------------------------------
    def _page(self, url: str) -> dict[str, Any]:
        page = self.get_json(url)
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise self.error(
                f"GET {_safe_url(url)}: expected a paginated list with 'results', "
                f"got {type(page).__name__}",
                url=_safe_url(url),
            )
        return page

    def _concurrent_pages(self, template: str, offsets: list[int]) -> list[dict[str, Any]]:
        urls = [_with_query(template, offset=str(o)) for o in offsets]
        with ThreadPoolExecutor(max_workers=max(self._conn.concurrency, 1)) as pool:
            pages = list(pool.map(self._page, urls))
        return [item for page in pages for item in page["results"]]

    def _follow(self, first_url: str, next_url: str) -> list[dict[str, Any]]:
        seen = {_url_key(first_url)}
        results: list[dict[str, Any]] = []
        url: str | None = next_url
        while url:
            if _url_key(url) in seen:
                raise self.error(
                    f"GET {_safe_url(url)}: pagination loop: this page was already read "
                    f"(the server's 'next' link points back)",
                    url=_safe_url(url),
                )
            seen.add(_url_key(url))
            page = self._page(url)
            results.extend(page["results"])
            url = self._same_origin(page["next"]) if page.get("next") else None
        return results

    def _same_origin(self, url: str) -> str:
        """``url``'s path and query on our own origin: the token never leaves for another host."""
        if not isinstance(url, str):
            raise self.error(f"pagination 'next' is not a URL: {url!r}")
        split = urlsplit(url)
        return urlunsplit((*self._origin, split.path, split.query, ""))

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with retries; every failure becomes an InventoryError."""
        conn = self._conn
        where = f"{method} {_safe_url(url)}"
        for attempt in range(conn.retries + 1):
            last = attempt == conn.retries
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                if last:
                    raise self.error(
                        f"{where}: timed out after {conn.timeout:g} s "
                        f"({conn.retries + 1} attempts)",
                        url=_safe_url(url),
                    ) from exc
            except httpx.TransportError as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc):  # retrying cannot help
                    raise self.error(
                        f"{where}: the server's TLS certificate is not trusted ({exc}): "
                        "give its CA with --ca-bundle (or, knowingly, --insecure)",
                        url=_safe_url(url),
                    ) from exc
                if last:
                    raise self.error(
                        f"{where}: {str(exc) or type(exc).__name__} "
                        f"({conn.retries + 1} attempts)",
                        url=_safe_url(url),
                    ) from exc
            else:
                if response.is_success:
                    return response
                if response.status_code not in RETRY_STATUSES or last:
                    raise self._status_error(where, url, response)
                wait = self._retry_after(where, url, response)
                self._sleep(wait if wait is not None else self._backoff(attempt))
                continue
            self._sleep(self._backoff(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int) -> float:
        return float(min(30.0, self._conn.backoff * 2**attempt) * random.uniform(0.5, 1.0))

    def _retry_after(self, where: str, url: str, response: httpx.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if value is None:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                return None
        seconds = max(seconds, 0.0)
        if seconds > self._conn.max_retry_after:
            raise self.error(
                f"{where}: HTTP {response.status_code}: the server asks to retry after "
                f"{seconds:g} s, more than the {self._conn.max_retry_after:g} s allowed",
                url=_safe_url(url),
                status=response.status_code,
            )
        return seconds

    def _status_error(self, where: str, url: str, response: httpx.Response) -> InventoryError:
        status = response.status_code
        detail = _detail(response.text)
        hint = _HINTS.get(status, "")
        if status in (401, 403) and not self._conn.token:
            hint = "no API token was given: set the token environment variable or a token file"
        message = f"{where}: HTTP {status} {response.reason_phrase}".rstrip()
        if detail:
            message += f": {detail}"
        if hint:
            message += f" ({hint})"
        return self.error(message, url=_safe_url(url), status=status)

    def _json(self, response: httpx.Response) -> Any:
        url = _safe_url(str(response.request.url))
        where = f"{response.request.method} {url}: HTTP {response.status_code} answer"
        try:
            return parse_json(response.content.decode("utf-8"), where)
        except UnicodeDecodeError:
            pass
        except DocumentError as exc:  # valid JSON the reader refuses: NaN, duplicates, depth
            if not str(exc).startswith((f"{where}: not valid JSON", f"{where}: the text")):
                raise self.error(str(exc), url=url, status=response.status_code) from None
        ctype = response.headers.get("Content-Type", "no content type")
        snippet = response.content[:_READ].decode("utf-8", "replace")
        raise self.error(
            f"{where} is not JSON ({ctype}): {snippet!r}", url=url, status=response.status_code
        ) from None

    def error(self, message: str, **context: Any) -> InventoryError:
        """The one way text from a server or a header becomes an error: the token redacted
        (as is, JSON- and URL-escaped), then whitespace collapsed, then at most
        :data:`MESSAGE_CHARS` characters."""
        token = self._conn.token
        if token:
            # the whole token, and the secret part of a NetBox v2 token (nbt_<key>.<secret>)
            secrets = {token, token.partition(".")[2] if token.startswith(V2_TOKEN_PREFIX) else ""}
            for secret in secrets - {""}:
                for form in {secret, json.dumps(secret)[1:-1], quote(secret, safe="")}:
                    message = message.replace(form, "***")
        message = " ".join(message.split())
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 3] + "..."
        return InventoryError(message, **context)


def authorization(token: str) -> str:
    """The ``Authorization`` header of ``token``: ``Bearer`` for NetBox v2 tokens, else ``Token``.

    NetBox 4.5+ v2 tokens read ``nbt_<key>.<secret>``; NetBox v1 and Nautobot
    tokens are 40 characters sent as ``Token <token>``.
    """
    return f"Bearer {token}" if token.startswith(V2_TOKEN_PREFIX) else f"Token {token}"


def _verify(conn: Connection) -> ssl.SSLContext | bool:
    if not conn.verify:
        return False
    if conn.ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=conn.ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise InventoryError(
            f"cannot load the CA bundle {conn.ca_bundle}: {exc}", path=conn.ca_bundle
        ) from exc


def _flatten(params: Params) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = [value] if isinstance(value, str | int) else list(value)
        pairs.extend((key, str(v)) for v in values)
    return pairs


def _safe_url(url: str) -> str:
    """``url`` without any user:password part."""
    split = urlsplit(url)
    if split.username is None and split.password is None:
        return url
    host = split.hostname or ""
    netloc = f"{host}:{split.port}" if split.port else host
    return urlunsplit((split.scheme, netloc, split.path, split.query, split.fragment))


def _url_key(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    split = urlsplit(url)
    return split.path.rstrip("/"), tuple(sorted(parse_qsl(split.query, keep_blank_values=True)))


def _with_query(url: str, **changes: str) -> str:
    """``url`` with the given query parameters replaced (repeated parameters are kept)."""
    split = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k not in changes]
    query += list(changes.items())
    return urlunsplit((split.scheme, split.netloc, split.path, urlencode(query), ""))


def _offset_plan(first_url: str, next_url: str, count: object, step: int) -> list[int] | None:
    """Offsets of the remaining pages when ``next`` is plain limit/offset paging, else None."""
    if not isinstance(count, int) or step <= 0:
        return None
    first_path, first_query = _url_key(first_url)
    next_path, next_query = _url_key(next_url)
    nq = dict(next_query)
    if next_path != first_path or nq.get("offset") != str(step):
        return None
    others = {k: v for k, v in nq.items() if k not in ("offset", "limit")}
    if others != {k: v for k, v in first_query if k not in ("offset", "limit")}:
        return None
    return list(range(step, count, step))


def _detail(body_text: str) -> str:
    """The server's own explanation (DRF ``detail``), if any (shortened by the caller)."""
    try:
        body = json.loads(body_text)
    except (json.JSONDecodeError, RecursionError):
        return ""
    text: str
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        text = str(body["detail"])
    elif isinstance(body, dict) and isinstance(body.get("error"), str):  # NetBox's 500 answer
        text = f"{body.get('exception') or 'error'}: {body['error']}"
    elif isinstance(body, dict):  # DRF validation errors: {"field": ["message", ...]}
        text = "; ".join(
            f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in body.items()
        )
    elif isinstance(body, list):
        text = " ".join(map(str, body))
    else:
        text = ""
    return text
