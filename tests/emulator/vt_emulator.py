#!/usr/bin/env python3
"""Emulate the VirusTotal v3 and v2 APIs as the upstream for VT Relay's tests.

The emulator builds deterministic responses from memory: sample files, URLs,
domains and IP addresses, uploads, analyses, paginated relationships, comments,
votes and quota errors. Tests drive and inspect it through the control
endpoints under /_emulator/, which need no API key. Only the Python standard
library is used.

The accepted API key comes from the VT_EMULATOR_KEY environment variable. The
emulator never writes a key to stdout, stderr or a file. Request records show
the SHA-256 of the received key, and records and logs replace any key found in
paths, query values and headers with "<redacted>". Two response bodies do
contain a key because the real API puts one there: the v3 user object
(attributes.apikey) and the v2 upload URL (apikey query parameter).

Usage:
    VT_EMULATOR_KEY=... python3 vt_emulator.py --port 0
The first stdout line is "LISTENING <port>".
"""

import argparse
import base64
import dataclasses
import email.message
import email.utils
import gzip
import hashlib
import hmac
import html
import ipaddress
import json
import logging
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

LOG = logging.getLogger("vt_emulator")

V3_PREFIX = "/api/v3/"
V2_PREFIX = "/vtapi/v2/"
UPLOAD_PREFIX = "/_ah/upload/"
CONTROL_PREFIX = "/_emulator/"

REDACTED = "<redacted>"
# Received keys shorter than this are not searched for inside other values,
# because replacing a short string would mangle unrelated text.
MIN_REDACT_LENGTH = 6

# VirusTotal rejects direct uploads above 32 MB and upload-URL posts above
# 650 MB. The limits apply here to the whole request body.
DIRECT_BODY_LIMIT = 32 * 1024 * 1024
UPLOAD_URL_BODY_LIMIT = 650 * 1024 * 1024
CONTROL_BODY_LIMIT = 1024 * 1024

PAGE_LIMIT_DEFAULT = 10
PAGE_LIMIT_MAX = 40
RELATED_OBJECT_COUNT = 25
V2_REPORT_BATCH_MAX = 4
V2_RESCAN_BATCH_MAX = 25

# Free-key allowances reported when no quota is configured.
FREE_DAILY_ALLOWANCE = 500
FREE_HOURLY_ALLOWANCE = 240
FREE_MONTHLY_ALLOWANCE = 15500

# Fixed reference time (2025-01-01 00:00:00 UTC) so that catalogue dates do
# not depend on when the emulator starts.
BASE_TIME = 1735689600
DAY = 86400

USER_NAME = "vtrelay-user"
# Permalinks point at the web interface, which a relay does not proxy, so they
# keep the real origin whatever --public-url sets.
GUI_ORIGIN = "https://www.virustotal.com"

HEX_LENGTHS = (32, 40, 64)
HEX_RE = re.compile(r"[0-9a-fA-F]+")
SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")
SCAN_ID_RE = re.compile(r"([0-9a-fA-F]{64})-[0-9]+")
BASE64URL_RE = re.compile(r"[A-Za-z0-9_-]+=*")
RELATIONSHIP_RE = re.compile(r"[a-z][a-z0-9_]*")
# Path words under /{collection}/{id}/ that are not relationship names.
RESERVED_SUBPATHS = frozenset(
    {"analyse", "comments", "votes", "relationships", "download", "download_url"}
)

OBJECT_COLLECTIONS = ("files", "urls", "domains", "ip_addresses")
COMMENT_PREFIXES = {"files": "f", "urls": "u", "domains": "d", "ip_addresses": "i"}
READ_METHODS = ("GET", "HEAD")

V3_ERROR_CODES = {
    400: "BadRequestError",
    401: "AuthenticationRequiredError",
    403: "ForbiddenError",
    404: "NotFoundError",
    409: "AlreadyExistsError",
    424: "FailedDependencyError",
    429: "QuotaExceededError",
    503: "TransientError",
    504: "DeadlineExceededError",
}

MSG_QUEUED = "Scan request successfully queued, come back later for the report"

# Engine names as they appear in VirusTotal reports.
ENGINES = (
    "Bkav", "Lionic", "Elastic", "MicroWorld-eScan", "CMC", "CAT-QuickHeal",
    "Skyhigh", "ALYac", "Malwarebytes", "Zillya", "Sangfor", "K7AntiVirus",
    "Alibaba", "K7GW", "Arcabit", "BitDefenderTheta", "VirIT", "Symantec",
    "tehtris", "ESET-NOD32", "TrendMicro-HouseCall", "Avast", "ClamAV",
    "Kaspersky", "BitDefender", "NANO-Antivirus", "SUPERAntiSpyware",
    "Tencent", "Emsisoft", "F-Secure", "DrWeb", "VIPRE", "TrendMicro",
    "McAfeeD", "Trapmine", "FireEye", "Sophos", "SentinelOne", "Jiangmin",
    "Webroot", "Google", "Avira", "Antiy-AVL", "Kingsoft", "Gridinsoft",
    "Xcitium", "Microsoft", "ViRobot", "ZoneAlarm", "GData", "Varist",
    "AhnLab-V3", "Acronis", "McAfee", "MAX", "DeepInstinct", "VBA32",
    "Cylance", "Zoner", "Rising", "Yandex", "Ikarus", "MaxSecure", "Fortinet",
    "AVG", "Cybereason", "Panda", "CrowdStrike", "Baidu", "Paloalto",
)

DETECTION_NAMES = (
    "Trojan.GenericKD.{n}", "HEUR:Trojan.Script.Generic", "Win32/Agent.{n}",
    "Malware.AI.{n}", "Trojan:Script/Wacatac.B!ml", "JS/Downloader.{n}",
    "Generic.Malware.{n}", "Trojan.Agent.{n}",
)
URL_DETECTION_NAMES = ("malicious", "phishing", "malware")


# ---------------------------------------------------------------------------
# Small helpers


def json_bytes(value) -> bytes:
    # VirusTotal indents its JSON, which also makes sizes realistic.
    return json.dumps(value, indent=4, ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def digest_int(*parts: str) -> int:
    """Map strings to a stable 64-bit number for deterministic choices."""
    digest = hashlib.sha256("|".join(parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big")


def encode_cursor(offset: int) -> str:
    # Base64 of decimal digits contains only letters and digits, never the
    # "-" that vt-py uses to append its own offset to a cursor.
    return base64.b64encode(str(offset).encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str):
    """Return the offset stored in a cursor, or None if it is malformed."""
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        text = base64.b64decode(padded, validate=True).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def decode_url_id(url_id: str):
    """Decode the unpadded base64url form of a URL id, or return None."""
    if not BASE64URL_RE.fullmatch(url_id):
        return None
    stripped = url_id.rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
        url = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return url or None


def url_host(url: str) -> str:
    text = url if "://" in url else "http://" + url
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        host = ""
    return host.rstrip(".").lower()


def is_reserved_invalid(host: str) -> bool:
    """Tell whether a host name is under the reserved .invalid TLD."""
    host = host.rstrip(".").lower()
    return host == "invalid" or host.endswith(".invalid")


def utc_datetime(timestamp: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(timestamp))


def utc_day(timestamp: int) -> str:
    return time.strftime("%Y%m%d", time.gmtime(timestamp))


def header_param(value: str, header: str, param: str):
    """Return a parameter of a MIME header value (e.g. a boundary), or None."""
    message = email.message.Message()
    message[header] = value
    result = message.get_param(param, header=header)
    if result is None:
        return None
    return email.utils.collapse_rfc2231_value(result)


def accepts_gzip(accept_encoding: str) -> bool:
    for item in accept_encoding.split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() != "gzip":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        return quality > 0
    return False


# ---------------------------------------------------------------------------
# Responses


@dataclass
class Response:
    status: int
    body: bytes = b""
    is_json: bool = False
    # Quota errors stay uncompressed, as VirusTotal's own 429 bodies are.
    compressible: bool = True
    close: bool = False


def json_response(value, status: int = 200) -> Response:
    return Response(status, json_bytes(value), is_json=True)


def v3_error(status: int, code: str, message: str) -> Response:
    response = json_response({"error": {"code": code, "message": message}}, status)
    response.compressible = status != 429
    return response


def v3_not_found(message: str) -> Response:
    return v3_error(404, "NotFoundError", message)


def v3_bad_request(message: str) -> Response:
    return v3_error(400, "BadRequestError", message)


def v3_invalid_argument(message: str) -> Response:
    return v3_error(400, "InvalidArgumentError", message)


def v3_failure(status: int) -> Response:
    # NOTE: VirusTotal documents no error code for a plain 500, so
    # "InternalError" is a guess.
    code = V3_ERROR_CODES.get(status, "InternalError")
    return v3_error(status, code, "Simulated failure with HTTP status %d" % status)


def empty_response(status: int) -> Response:
    return Response(status)


# ---------------------------------------------------------------------------
# Request bodies


class RequestBodyError(ValueError):
    """A request body that cannot be read or parsed."""


class RequestBodyTooLarge(RequestBodyError):
    """A request body over the limit for its endpoint."""


@dataclass
class FormPart:
    name: str
    filename: str
    content_type: str
    data: bytes


def parse_multipart(body: bytes, content_type: str) -> list:
    """Split a multipart/form-data body into FormPart objects."""
    boundary = header_param(content_type, "content-type", "boundary")
    if not boundary:
        raise RequestBodyError("multipart body without boundary parameter")
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    # A leading CRLF lets the first delimiter match like all the others.
    sections = (b"\r\n" + body).split(delimiter)
    if len(sections) < 2:
        raise RequestBodyError("multipart body without any part")

    parts = []
    for section in sections[1:]:
        if section.startswith(b"--"):
            return parts
        # Transport padding may follow the delimiter up to the line end.
        line_end = section.find(b"\r\n")
        if line_end < 0:
            raise RequestBodyError("multipart delimiter line not terminated")
        section = section[line_end + 2:]
        if section.startswith(b"\r\n"):
            head, content = b"", section[2:]
        else:
            head, separator, content = section.partition(b"\r\n\r\n")
            if not separator:
                raise RequestBodyError("multipart part headers not terminated")
        parts.append(parse_form_part(head, content))
    raise RequestBodyError("multipart body without closing delimiter")


def parse_form_part(head: bytes, content: bytes) -> FormPart:
    headers = {}
    for line in head.split(b"\r\n"):
        name, separator, value = line.decode("utf-8", "replace").partition(":")
        if separator:
            headers[name.strip().lower()] = value.strip()
    disposition = headers.get("content-disposition", "")
    name = header_param(disposition, "content-disposition", "name") or ""
    filename = header_param(disposition, "content-disposition", "filename")
    return FormPart(
        name=name,
        filename=filename if filename is not None else "",
        content_type=headers.get("content-type", ""),
        data=content,
    )


@dataclass
class ParsedForm:
    """Form fields of a request body: text fields and uploaded files."""

    kind: str = None  # "form" (urlencoded), "multipart" or None
    fields: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)


def parse_form(content_type: str, body: bytes) -> ParsedForm:
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/x-www-form-urlencoded":
        text = body.decode("utf-8", "replace")
        return ParsedForm("form", parse_qs(text, keep_blank_values=True), {})
    if mime != "multipart/form-data":
        return ParsedForm()

    parsed = ParsedForm("multipart")
    for part in parse_multipart(body, content_type):
        # A part named "file" is the upload even when a client omits filename.
        if part.filename or part.name == "file":
            parsed.files.setdefault(part.name, []).append(part)
        else:
            text = part.data.decode("utf-8", "replace")
            parsed.fields.setdefault(part.name, []).append(text)
    return parsed


# ---------------------------------------------------------------------------
# Catalogue records and object builders


@dataclass
class FileRecord:
    md5: str
    sha1: str
    sha256: str
    size: int
    names: list
    first_submission_date: int
    last_analysis_date: int
    times_submitted: int = 1

    @classmethod
    def from_content(cls, content: bytes, names: list, first_seen: int, analysed: int):
        return cls(
            md5=hashlib.md5(content).hexdigest(),
            sha1=hashlib.sha1(content).hexdigest(),
            sha256=sha256_hex(content),
            size=len(content),
            names=list(names),
            first_submission_date=first_seen,
            last_analysis_date=analysed,
        )

    def copy(self):
        return dataclasses.replace(self, names=list(self.names))


def sample_content(index: int) -> bytes:
    return b"vtrelay-sample-%d" % index


def sample_record(index: int) -> FileRecord:
    content = sample_content(index)
    seed = digest_int("sample-dates", str(index))
    analysed = BASE_TIME - seed % (30 * DAY)
    first_seen = analysed - (seed >> 20) % (365 * DAY)
    names = ["vtrelay-sample-%d.txt" % index]
    return FileRecord.from_content(content, names, first_seen, analysed)


def sample_url(index: int) -> str:
    return "http://vtrelay-sample-%d.example/" % index


def deterministic_dates(kind: str, object_id: str):
    """Return (first submission, last analysis) dates fixed for an object."""
    seed = digest_int(kind, "dates", object_id)
    analysed = BASE_TIME - seed % (30 * DAY)
    first_seen = analysed - (seed >> 20) % (365 * DAY)
    return first_seen, analysed


@dataclass
class Verdicts:
    """Per-engine verdicts of one object, derived from its id."""

    malicious: frozenset
    unsupported: frozenset
    harmless: frozenset


def pick_verdicts(kind: str, object_id: str) -> Verdicts:
    seed = digest_int(kind, "verdicts", object_id)
    # About 40 % of objects come out clean, the rest have 1 to 9 detections.
    malicious_count = max(0, seed % 16 - 6)
    ranked = sorted(ENGINES, key=lambda engine: digest_int(object_id, engine))
    malicious = frozenset(ranked[:malicious_count])
    rest = ranked[malicious_count:]
    if kind == "file":
        return Verdicts(malicious, frozenset(rest[:4]), frozenset())
    # URL, domain and IP scanners mostly report "clean".
    return Verdicts(malicious, frozenset(), frozenset(rest[: len(rest) * 3 // 5]))


def engine_version(engine: str) -> str:
    seed = digest_int("engine-version", engine)
    return "%d.%d.%d.%d" % (1 + seed % 30, (seed >> 8) % 20, (seed >> 16) % 100, (seed >> 24) % 9000)


def file_engine_results(sha256: str, analysis_date: int) -> dict:
    verdicts = pick_verdicts("file", sha256)
    results = {}
    for engine in ENGINES:
        seed = digest_int(sha256, engine)
        if engine in verdicts.malicious:
            category = "malicious"
            result = DETECTION_NAMES[seed % len(DETECTION_NAMES)].format(n=seed % 90000000)
        elif engine in verdicts.unsupported:
            category, result = "type-unsupported", None
        else:
            category, result = "undetected", None
        updated = analysis_date - (seed >> 8) % 3 * DAY
        results[engine] = {
            "category": category,
            "engine_name": engine,
            "engine_version": engine_version(engine),
            "engine_update": utc_day(updated),
            "method": "blacklist",
            "result": result,
        }
    return results


def scanner_results(kind: str, object_id: str) -> dict:
    """Build URL, domain or IP scanner results, which carry no versions."""
    verdicts = pick_verdicts(kind, object_id)
    results = {}
    for engine in ENGINES:
        if engine in verdicts.malicious:
            seed = digest_int(object_id, engine)
            category = "malicious"
            result = URL_DETECTION_NAMES[seed % len(URL_DETECTION_NAMES)]
        elif engine in verdicts.harmless:
            category, result = "harmless", "clean"
        else:
            category, result = "undetected", "unrated"
        results[engine] = {
            "category": category,
            "engine_name": engine,
            "method": "blacklist",
            "result": result,
        }
    return results


def file_stats(results: dict) -> dict:
    stats = dict.fromkeys(
        ("harmless", "type-unsupported", "suspicious", "confirmed-timeout",
         "timeout", "failure", "malicious", "undetected"), 0)
    for entry in results.values():
        stats[entry["category"]] += 1
    return stats


def scanner_stats(results: dict) -> dict:
    stats = dict.fromkeys(("harmless", "malicious", "suspicious", "undetected", "timeout"), 0)
    for entry in results.values():
        stats[entry["category"]] += 1
    return stats


def build_file_object(record: FileRecord, analysis_date: int, votes: dict, origin: str) -> dict:
    results = file_engine_results(record.sha256, analysis_date)
    return {
        "type": "file",
        "id": record.sha256,
        "links": {"self": "%s/api/v3/files/%s" % (origin, record.sha256)},
        "attributes": {
            "md5": record.md5,
            "sha1": record.sha1,
            "sha256": record.sha256,
            "size": record.size,
            "names": list(record.names),
            "meaningful_name": record.names[0] if record.names else record.sha256,
            "type_description": "Text",
            "type_tag": "text",
            "type_extension": "txt",
            "magic": "ASCII text, with no line terminators",
            "tags": ["text"],
            "first_submission_date": record.first_submission_date,
            "last_submission_date": max(record.first_submission_date, analysis_date),
            "last_analysis_date": analysis_date,
            "last_modification_date": analysis_date,
            "times_submitted": record.times_submitted,
            "unique_sources": 1,
            "reputation": 0,
            "total_votes": votes,
            "last_analysis_stats": file_stats(results),
            "last_analysis_results": results,
        },
    }


def build_url_object(url_id: str, url: str, analysis_date: int, votes: dict, origin: str) -> dict:
    first_seen, _ = deterministic_dates("url", url_id)
    results = scanner_results("url", url_id)
    return {
        "type": "url",
        "id": url_id,
        "links": {"self": "%s/api/v3/urls/%s" % (origin, url_id)},
        "attributes": {
            "url": url,
            "last_final_url": url,
            "title": "VT Relay test page",
            "last_http_response_code": 200,
            "first_submission_date": min(first_seen, analysis_date),
            "last_submission_date": analysis_date,
            "last_analysis_date": analysis_date,
            "last_modification_date": analysis_date,
            "times_submitted": 1,
            "reputation": 0,
            "categories": {},
            "tags": [],
            "total_votes": votes,
            "last_analysis_stats": scanner_stats(results),
            "last_analysis_results": results,
        },
    }


def documentation_ipv4(seed: int) -> str:
    # 192.0.2.0/24 is reserved for documentation, so it never hits a real host.
    return "192.0.2.%d" % (1 + seed % 254)


def build_domain_object(domain: str, votes: dict, origin: str) -> dict:
    created, analysed = deterministic_dates("domain", domain)
    seed = digest_int("domain", domain)
    results = scanner_results("domain", domain)
    return {
        "type": "domain",
        "id": domain,
        "links": {"self": "%s/api/v3/domains/%s" % (origin, domain)},
        "attributes": {
            "tld": domain.rsplit(".", 1)[-1],
            "registrar": "Example Registrar, Inc.",
            "creation_date": created,
            "last_update_date": analysed,
            "last_analysis_date": analysed,
            "last_modification_date": analysed,
            "last_dns_records": [
                {"type": "A", "value": documentation_ipv4(seed), "ttl": 300},
            ],
            "categories": {"Forcepoint ThreatSeeker": "information technology"},
            "reputation": 0,
            "tags": [],
            "total_votes": votes,
            "whois": "Domain Name: %s\nRegistrar: Example Registrar, Inc." % domain,
            "last_analysis_stats": scanner_stats(results),
            "last_analysis_results": results,
        },
    }


def ip_network_text(address) -> str:
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network("%s/%d" % (address, prefix), strict=False))


def build_ip_object(ip: str, votes: dict, origin: str) -> dict:
    address = ipaddress.ip_address(ip)
    _, analysed = deterministic_dates("ip", ip)
    seed = digest_int("ip", ip)
    results = scanner_results("ip", ip)
    return {
        "type": "ip_address",
        "id": ip,
        "links": {"self": "%s/api/v3/ip_addresses/%s" % (origin, ip)},
        "attributes": {
            # AS 64496-64511 is reserved for documentation.
            "asn": 64496 + seed % 16,
            "as_owner": "Example Networks",
            "country": "US",
            "continent": "NA",
            "network": ip_network_text(address),
            "regional_internet_registry": "ARIN",
            "last_analysis_date": analysed,
            "last_modification_date": analysed,
            "reputation": 0,
            "tags": [],
            "total_votes": votes,
            "last_analysis_stats": scanner_stats(results),
            "last_analysis_results": results,
        },
    }


# ---------------------------------------------------------------------------
# Shared state


@dataclass
class RuntimeConfig:
    """Settings that tests may change through POST /_emulator/config."""

    quota_per_minute: int = 0
    quota_per_day: int = 0
    delay_ms: int = 0
    fail_status: int = 0
    analysis_polls: int = 1


@dataclass
class Analysis:
    kind: str  # "file" or "url"
    target: str  # SHA-256 of the file, or URL id
    date: int
    polls: int = 0


@dataclass
class QuotaWindow:
    """A counter that restarts when its window ends."""

    length: float
    start: float = None
    count: int = 0

    def expire(self, now: float) -> None:
        if self.start is not None and now - self.start >= self.length:
            self.start, self.count = None, 0

    def add(self, now: float) -> None:
        if self.start is None:
            self.start = now
        self.count += 1


class EmulatorState:
    """Catalogue, recorded requests, quotas and settings, guarded by one lock."""

    def __init__(self, api_key: str, origin: str, known_files: int, config: RuntimeConfig):
        self.lock = threading.RLock()
        self.origin = origin
        self.config = config
        self._api_key = text_bytes(api_key)
        self._api_key_text = api_key
        self._known_files = {}
        for index in range(known_files):
            record = sample_record(index)
            for digest in (record.md5, record.sha1, record.sha256):
                self._known_files[digest] = record
        self._seed_urls = {}
        for index in range(known_files):
            url = sample_url(index)
            self._seed_urls[sha256_hex(text_bytes(url))] = url
        self.related_pool = max(known_files, RELATED_OBJECT_COUNT)
        self._clear()

    def _clear(self) -> None:
        """Forget everything tests created. The caller holds the lock."""
        self._uploaded_files = {}
        self._analysis_dates = {}
        self._analyses = {}
        self._upload_tokens = {}
        self._urls = dict(self._seed_urls)
        self._submitted_urls = set()
        self._comments = {}
        self._votes = {}
        self._records = []
        self._by_path = Counter()
        self._quota_rejections = 0
        self._minute = QuotaWindow(60.0)
        self._hour = QuotaWindow(3600.0)
        self._day_key, self._day_count = None, 0
        self._month_key, self._month_count = None, 0

    def reset(self) -> None:
        with self.lock:
            self._clear()

    # -- keys ---------------------------------------------------------------

    def key_is_valid(self, key: str) -> bool:
        return hmac.compare_digest(text_bytes(key), self._api_key)

    @property
    def api_key(self) -> str:
        return self._api_key_text

    # -- settings -----------------------------------------------------------

    def config_snapshot(self) -> RuntimeConfig:
        with self.lock:
            return dataclasses.replace(self.config)

    def update_config(self, values: dict) -> RuntimeConfig:
        """Apply validated settings, or raise ValueError naming the invalid one."""
        names = {item.name for item in dataclasses.fields(RuntimeConfig)}
        for name, value in values.items():
            if name not in names:
                raise ValueError("unknown setting %r; valid: %s" % (name, ", ".join(sorted(names))))
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("setting %r must be a non-negative integer, got %r" % (name, value))
        status = values.get("fail_status", 0)
        if status and not 400 <= status <= 599:
            raise ValueError("fail_status must be 0 or an HTTP status from 400 to 599, got %d" % status)
        with self.lock:
            for name, value in values.items():
                setattr(self.config, name, value)
            return dataclasses.replace(self.config)

    # -- quota --------------------------------------------------------------

    def consume_quota(self) -> bool:
        """Count one call against the quotas, or return False if a limit is reached."""
        now = time.time()
        day_key = time.strftime("%Y%m%d", time.gmtime(now))
        month_key = day_key[:6]
        with self.lock:
            self._minute.expire(now)
            self._hour.expire(now)
            if day_key != self._day_key:
                self._day_key, self._day_count = day_key, 0
            if month_key != self._month_key:
                self._month_key, self._month_count = month_key, 0

            per_minute = self.config.quota_per_minute
            per_day = self.config.quota_per_day
            if (per_minute and self._minute.count >= per_minute) or (
                per_day and self._day_count >= per_day
            ):
                self._quota_rejections += 1
                return False

            self._minute.add(now)
            self._hour.add(now)
            self._day_count += 1
            self._month_count += 1
            return True

    def quota_usage(self) -> dict:
        """Return {bucket: (allowed, used)} for the user-facing quota JSON."""
        now = time.time()
        day_key = time.strftime("%Y%m%d", time.gmtime(now))
        with self.lock:
            self._hour.expire(now)
            day_used = self._day_count if self._day_key == day_key else 0
            month_used = self._month_count if self._month_key == day_key[:6] else 0
            per_minute = self.config.quota_per_minute
            per_day = self.config.quota_per_day
            return {
                "api_requests_daily": (per_day or FREE_DAILY_ALLOWANCE, day_used),
                "api_requests_hourly": (per_minute * 60 or FREE_HOURLY_ALLOWANCE, self._hour.count),
                "api_requests_monthly": (per_day * 31 or FREE_MONTHLY_ALLOWANCE, month_used),
            }

    # -- request records ----------------------------------------------------

    def begin_record(self, record: dict) -> dict:
        with self.lock:
            record["seq"] = len(self._records) + 1
            self._records.append(record)
            self._by_path[record["path"]] += 1
            return record

    def finish_record(self, record: dict, status: int) -> None:
        with self.lock:
            record["status"] = status

    def records_json(self, since: int) -> bytes:
        with self.lock:
            return json_bytes([item for item in self._records if item["seq"] > since])

    def stats_json(self) -> bytes:
        with self.lock:
            return json_bytes({
                "api_calls": len(self._records),
                "by_path": dict(self._by_path),
                "quota_rejections": self._quota_rejections,
            })

    # -- files --------------------------------------------------------------

    def find_file(self, file_id: str):
        """Return a copy of the file record for an MD5/SHA-1/SHA-256, or None."""
        if len(file_id) not in HEX_LENGTHS or not HEX_RE.fullmatch(file_id):
            return None
        digest = file_id.lower()
        with self.lock:
            record = self._uploaded_files.get(digest) or self._known_files.get(digest)
            return record.copy() if record else None

    def file_analysis_date(self, record: FileRecord) -> int:
        with self.lock:
            return self._analysis_dates.get(("file", record.sha256), record.last_analysis_date)

    def add_upload(self, content: bytes, filename: str) -> FileRecord:
        now = int(time.time())
        name = filename or "file"
        record = FileRecord.from_content(content, [name], now, now)
        with self.lock:
            existing = self._uploaded_files.get(record.sha256)
            if existing is None and record.sha256 in self._known_files:
                existing = self._known_files[record.sha256].copy()
                existing.times_submitted += 1
                self._store_upload(existing)
            elif existing is not None:
                existing.times_submitted += 1
            else:
                self._store_upload(record)
                existing = record
            if name not in existing.names:
                existing.names.append(name)
            return existing.copy()

    def _store_upload(self, record: FileRecord) -> None:
        for digest in (record.md5, record.sha1, record.sha256):
            self._uploaded_files[digest] = record

    def start_file_analysis(self, record: FileRecord):
        """Register a new analysis of a file and return (analysis id, date)."""
        now = int(time.time())
        analysis_id = base64.b64encode(("%s:%d" % (record.md5, now)).encode("ascii")).decode("ascii")
        with self.lock:
            self._analysis_dates[("file", record.sha256)] = now
            self._analyses[analysis_id] = Analysis("file", record.sha256, now)
        return analysis_id, now

    # -- URLs ---------------------------------------------------------------

    def _url_is_known(self, url_id: str, url: str) -> bool:
        return url_id in self._submitted_urls or not is_reserved_invalid(url_host(url))

    def find_url(self, raw_id: str):
        """Resolve a URL id (SHA-256 or base64url) to (id, url) if known."""
        if SHA256_RE.fullmatch(raw_id):
            url_id = raw_id.lower()
            with self.lock:
                url = self._urls.get(url_id)
        else:
            url = decode_url_id(raw_id)
            url_id = sha256_hex(text_bytes(url)) if url is not None else None
        if url is None:
            return None
        with self.lock:
            if not self._url_is_known(url_id, url):
                return None
            # Lookups add URLs to the dataset, so a later SHA-256 lookup works.
            self._urls[url_id] = url
        return url_id, url

    def find_url_by_text(self, url: str):
        url_id = sha256_hex(text_bytes(url))
        with self.lock:
            if not self._url_is_known(url_id, url):
                return None
            self._urls[url_id] = url
        return url_id

    def url_for_id(self, url_id: str):
        with self.lock:
            return self._urls.get(url_id)

    def url_analysis_date(self, url_id: str) -> int:
        with self.lock:
            return self._analysis_dates.get(("url", url_id), deterministic_dates("url", url_id)[1])

    def submit_url(self, url: str):
        """Mark a URL as submitted, start its analysis and return (id, analysis id, date)."""
        url_id = sha256_hex(text_bytes(url))
        now = int(time.time())
        analysis_id = "u-%s-%d" % (url_id, now)
        with self.lock:
            self._urls[url_id] = url
            self._submitted_urls.add(url_id)
            self._analysis_dates[("url", url_id)] = now
            self._analyses[analysis_id] = Analysis("url", url_id, now)
        return url_id, analysis_id, now

    # -- analyses -----------------------------------------------------------

    def poll_analysis(self, analysis_id: str):
        """Count a poll and return (analysis copy, completed), or None if unknown."""
        with self.lock:
            analysis = self._analyses.get(analysis_id)
            if analysis is None:
                return None
            analysis.polls += 1
            completed = analysis.polls > self.config.analysis_polls
            return dataclasses.replace(analysis), completed

    def peek_analysis(self, analysis_id: str):
        with self.lock:
            analysis = self._analyses.get(analysis_id)
            return dataclasses.replace(analysis) if analysis else None

    # -- upload URLs --------------------------------------------------------

    def issue_upload_token(self, api_version: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self._upload_tokens[token] = {"api": api_version, "used": False}
        return token

    def upload_token_api(self, token: str):
        with self.lock:
            entry = self._upload_tokens.get(token)
            return entry["api"] if entry else None

    def consume_upload_token(self, token: str):
        """Mark a token used, or return the reason it is unusable."""
        with self.lock:
            entry = self._upload_tokens.get(token)
            if entry is None:
                return "unknown upload URL"
            if entry["used"]:
                return "upload URL already used"
            entry["used"] = True
            return None

    # -- comments and votes -------------------------------------------------

    def add_comment(self, collection: str, object_id: str, text: str) -> dict:
        now = int(time.time())
        comment_id = "%s-%s-%s" % (COMMENT_PREFIXES[collection], object_id, secrets.token_hex(4))
        comment = {
            "type": "comment",
            "id": comment_id,
            "links": {"self": "%s/api/v3/comments/%s" % (self.origin, comment_id)},
            "attributes": {
                "date": now,
                "text": text,
                "html": html.escape(text),
                "tags": re.findall(r"#(\w+)", text),
                "votes": {"positive": 0, "negative": 0, "abuse": 0},
            },
        }
        with self.lock:
            self._comments.setdefault((collection, object_id), []).append(comment)
        return comment

    def add_vote(self, collection: str, object_id: str, verdict: str) -> dict:
        now = int(time.time())
        vote_id = "%s-%s-%s" % (COMMENT_PREFIXES[collection], object_id, secrets.token_hex(4))
        vote = {
            "type": "vote",
            "id": vote_id,
            "links": {"self": "%s/api/v3/votes/%s" % (self.origin, vote_id)},
            "attributes": {"date": now, "verdict": verdict, "value": 1},
        }
        with self.lock:
            self._votes.setdefault((collection, object_id), []).append(vote)
        return vote

    def list_comments(self, collection: str, object_id: str) -> list:
        # VirusTotal lists the newest comment first.
        with self.lock:
            return list(reversed(self._comments.get((collection, object_id), [])))

    def list_votes(self, collection: str, object_id: str) -> list:
        with self.lock:
            return list(reversed(self._votes.get((collection, object_id), [])))

    def vote_totals(self, collection: str, object_id: str) -> dict:
        totals = {"harmless": 0, "malicious": 0}
        with self.lock:
            for vote in self._votes.get((collection, object_id), []):
                totals[vote["attributes"]["verdict"]] += 1
        return totals


# ---------------------------------------------------------------------------
# Request context


@dataclass
class KeyPlace:
    source: str  # "header", "query", "form" or "multipart"
    value: str


@dataclass
class RequestContext:
    method: str
    raw_path: str
    segments: list
    query: dict
    headers: email.message.Message
    body: bytes
    form: ParsedForm
    key_places: list
    auth_key: KeyPlace = None

    def param(self, name: str):
        """Return a v2 parameter from the query string or the form body."""
        values = self.query.get(name) or self.form.fields.get(name)
        return values[0] if values else None


def collect_key_places(headers, query: dict, form: ParsedForm) -> list:
    places = [KeyPlace("header", value) for value in headers.get_all("x-apikey") or []]
    places += [KeyPlace("query", value) for value in query.get("apikey", [])]
    if form.kind:
        places += [KeyPlace(form.kind, value) for value in form.fields.get("apikey", [])]
    return places


def pick_auth_key(area: str, places: list):
    """Choose the key that authenticates a request in the given API area."""
    if area == "v3":
        allowed = ("header",)
    elif area == "v2":
        allowed = ("query", "form", "multipart")
    elif area == "upload":
        # Upload URLs from the v2 API carry the key in their query string.
        allowed = ("header", "query", "form", "multipart")
    else:
        return None
    for source in allowed:
        for place in places:
            if place.source == source:
                return place
    return None


def path_segments(raw_path: str, prefix: str) -> list:
    rest = raw_path[len(prefix):]
    return [unquote(item) for item in rest.split("/") if item != ""]


def classify_path(raw_path: str) -> str:
    if raw_path.startswith(V3_PREFIX):
        return "v3"
    if raw_path.startswith(V2_PREFIX):
        return "v2"
    if raw_path.startswith(UPLOAD_PREFIX):
        return "upload"
    return "other"


class Redactor:
    """Replace API keys inside text that goes into records and logs."""

    def __init__(self, valid_key: str, places: list):
        candidates = {valid_key}
        candidates.update(place.value for place in places if len(place.value) >= MIN_REDACT_LENGTH)
        self._needles = []
        for key in sorted(candidates, key=len, reverse=True):
            if key:
                self._needles.append(key)
                encoded = quote(key, safe="")
                if encoded != key:
                    self._needles.append(encoded)

    def text(self, value: str) -> str:
        for needle in self._needles:
            value = value.replace(needle, REDACTED)
        return value


# ---------------------------------------------------------------------------
# API routers


class V3Router:
    """Route /api/v3/ requests that passed authentication and quota checks."""

    def __init__(self, state: EmulatorState, ctx: RequestContext):
        self.state = state
        self.ctx = ctx
        self.origin = state.origin

    def route(self) -> Response:
        segments = self.ctx.segments
        method = self.ctx.method
        if not segments:
            return self.path_not_found()
        head, rest = segments[0], segments[1:]

        if head == "files" and not rest and method == "POST":
            return upload_file_v3(self.state, self.ctx)
        if head == "files" and rest == ["upload_url"] and method in READ_METHODS:
            token = self.state.issue_upload_token("v3")
            return json_response({"data": "%s%s%s/" % (self.origin, UPLOAD_PREFIX, token)})
        if head == "urls" and not rest and method == "POST":
            return self.submit_url()
        if head in OBJECT_COLLECTIONS and rest:
            return self.route_object(head, rest[0], rest[1:])
        if head == "analyses" and len(rest) == 1 and method in READ_METHODS:
            return self.analysis(rest[0])
        if head == "analyses" and len(rest) == 2 and rest[1] == "item" and method in READ_METHODS:
            return self.analysis_item(rest[0])
        if head == "users" and len(rest) == 1 and method in READ_METHODS:
            return self.user(rest[0])
        if head == "users" and len(rest) == 2 and rest[1] == "overall_quotas" and method in READ_METHODS:
            return self.overall_quotas()
        return self.path_not_found()

    def path_not_found(self) -> Response:
        return v3_not_found("Resource not found: %s %s" % (self.ctx.method, self.ctx.raw_path))

    # -- objects ------------------------------------------------------------

    def resolve(self, collection: str, raw_id: str):
        """Return the canonical id of an object, or an error Response."""
        if collection == "files":
            record = self.state.find_file(raw_id)
            return record.sha256 if record else v3_not_found('File "%s" not found' % raw_id)
        if collection == "urls":
            found = self.state.find_url(raw_id)
            return found[0] if found else v3_not_found('URL "%s" not found' % raw_id)
        if collection == "domains":
            domain = raw_id.lower()
            if not domain or is_reserved_invalid(domain):
                return v3_not_found('Domain "%s" not found' % raw_id)
            return domain
        try:
            ipaddress.ip_address(raw_id)
        except ValueError:
            return v3_invalid_argument('"%s" is not a valid IP address' % raw_id)
        return raw_id

    def object_data(self, collection: str, object_id: str) -> dict:
        votes = self.state.vote_totals(collection, object_id)
        if collection == "files":
            record = self.state.find_file(object_id)
            date = self.state.file_analysis_date(record)
            return build_file_object(record, date, votes, self.origin)
        if collection == "urls":
            url = self.state.url_for_id(object_id)
            date = self.state.url_analysis_date(object_id)
            return build_url_object(object_id, url, date, votes, self.origin)
        if collection == "domains":
            return build_domain_object(object_id, votes, self.origin)
        return build_ip_object(object_id, votes, self.origin)

    def route_object(self, collection: str, raw_id: str, rest: list) -> Response:
        object_id = self.resolve(collection, raw_id)
        if isinstance(object_id, Response):
            return object_id
        method = self.ctx.method

        if not rest and method in READ_METHODS:
            return json_response({"data": self.object_data(collection, object_id)})
        if rest == ["analyse"] and method == "POST" and collection in ("files", "urls"):
            return self.reanalyse(collection, object_id)
        if rest == ["comments"] and method in READ_METHODS:
            return paginate(self.ctx, self.origin, self.state.list_comments(collection, object_id))
        if rest == ["comments"] and method == "POST":
            return self.post_comment(collection, object_id)
        if rest == ["votes"] and method in READ_METHODS:
            return paginate(self.ctx, self.origin, self.state.list_votes(collection, object_id))
        if rest == ["votes"] and method == "POST":
            return self.post_vote(collection, object_id)
        if collection == "files" and rest in (["download"], ["download_url"]) and method in READ_METHODS:
            return v3_error(403, "ForbiddenError", "You are not allowed to perform the requested operation")
        if len(rest) == 2 and rest[0] == "relationships" and method in READ_METHODS:
            return self.relationship(collection, object_id, rest[1], descriptors_only=True)
        if (len(rest) == 1 and method in READ_METHODS and rest[0] not in RESERVED_SUBPATHS
                and RELATIONSHIP_RE.fullmatch(rest[0])):
            return self.relationship(collection, object_id, rest[0], descriptors_only=False)
        return self.path_not_found()

    def relationship(self, collection: str, object_id: str, name: str, descriptors_only: bool):
        if not RELATIONSHIP_RE.fullmatch(name):
            return v3_invalid_argument('Invalid relationship "%s"' % name)
        start = digest_int("related", collection, object_id, name) % self.state.related_pool
        indices = [(start + step) % self.state.related_pool for step in range(RELATED_OBJECT_COUNT)]

        def build(index):
            record = sample_record(index)
            if descriptors_only:
                return {"type": "file", "id": record.sha256}
            votes = self.state.vote_totals("files", record.sha256)
            date = self.state.file_analysis_date(record)
            return build_file_object(record, date, votes, self.origin)

        return paginate(self.ctx, self.origin, indices, build)

    def reanalyse(self, collection: str, object_id: str) -> Response:
        if collection == "files":
            analysis_id, _ = self.state.start_file_analysis(self.state.find_file(object_id))
        else:
            _, analysis_id, _ = self.state.submit_url(self.state.url_for_id(object_id))
        return analysis_descriptor(self.origin, analysis_id)

    def submit_url(self) -> Response:
        values = self.ctx.form.fields.get("url")
        if not values or not values[0]:
            return v3_bad_request('Missing form field "url"')
        _, analysis_id, _ = self.state.submit_url(values[0])
        return analysis_descriptor(self.origin, analysis_id)

    def json_body(self):
        try:
            value = json.loads(self.ctx.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def post_comment(self, collection: str, object_id: str) -> Response:
        body = self.json_body()
        data = body.get("data") if body else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        text = attributes.get("text") if isinstance(attributes, dict) else None
        if not isinstance(text, str) or not text.strip():
            return v3_bad_request('Expected JSON {"data": {"type": "comment", "attributes": {"text": ...}}}')
        comment = self.state.add_comment(collection, object_id, text)
        return json_response({"data": comment})

    def post_vote(self, collection: str, object_id: str) -> Response:
        body = self.json_body()
        data = body.get("data") if body else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if not isinstance(attributes, dict):
            return v3_bad_request('Expected JSON {"data": {"type": "vote", "attributes": {"verdict": ...}}}')
        verdict = attributes.get("verdict")
        if verdict not in ("harmless", "malicious"):
            return v3_invalid_argument('Invalid verdict %s; use "harmless" or "malicious"' % json.dumps(verdict))
        vote = self.state.add_vote(collection, object_id, verdict)
        return json_response({"data": vote})

    # -- analyses -----------------------------------------------------------

    def analysis(self, analysis_id: str) -> Response:
        polled = self.state.poll_analysis(analysis_id)
        if polled is None:
            return v3_not_found('Analysis "%s" not found' % analysis_id)
        analysis, completed = polled
        if analysis.kind == "file":
            record = self.state.find_file(analysis.target)
            if record is None:
                return v3_not_found('Analysis "%s" not found' % analysis_id)
            results = file_engine_results(record.sha256, analysis.date) if completed else {}
            stats = file_stats(results) if completed else file_stats({})
            item_path = "files/%s" % record.sha256
            meta = {"file_info": {"sha256": record.sha256, "sha1": record.sha1,
                                  "md5": record.md5, "size": record.size}}
        else:
            url = self.state.url_for_id(analysis.target)
            results = scanner_results("url", analysis.target) if completed else {}
            stats = scanner_stats(results)
            item_path = "urls/%s" % analysis.target
            meta = {"url_info": {"id": analysis.target, "url": url}}
        data = {
            "type": "analysis",
            "id": analysis_id,
            "links": {
                "self": "%s/api/v3/analyses/%s" % (self.origin, analysis_id),
                "item": "%s/api/v3/%s" % (self.origin, item_path),
            },
            "attributes": {
                "date": analysis.date,
                "status": "completed" if completed else "queued",
                "stats": stats,
                "results": results,
            },
        }
        return json_response({"data": data, "meta": meta})

    def analysis_item(self, analysis_id: str) -> Response:
        analysis = self.state.peek_analysis(analysis_id)
        if analysis is None:
            return v3_not_found('Analysis "%s" not found' % analysis_id)
        collection = "files" if analysis.kind == "file" else "urls"
        if collection == "files" and self.state.find_file(analysis.target) is None:
            return v3_not_found('File "%s" not found' % analysis.target)
        return json_response({"data": self.object_data(collection, analysis.target)})

    # -- users --------------------------------------------------------------

    def user(self, user_id: str) -> Response:
        # Requests may name the user by API key, which must not become the id.
        if self.state.key_is_valid(user_id):
            user_id = USER_NAME
        quotas = {
            name: {"allowed": allowed, "used": used}
            for name, (allowed, used) in self.state.quota_usage().items()
        }
        data = {
            "type": "user",
            "id": user_id,
            "links": {"self": "%s/api/v3/users/%s" % (self.origin, user_id)},
            "attributes": {
                # The real API returns the owner's key here, so relays must strip it.
                "apikey": self.state.api_key,
                "quotas": quotas,
                "privileges": {},
                "status": "active",
                "reputation": 0,
                "user_since": BASE_TIME - 400 * DAY,
                "profile_phrase": "",
            },
        }
        return json_response({"data": data})

    def overall_quotas(self) -> Response:
        data = {
            name: {"user": {"allowed": allowed, "used": used}}
            for name, (allowed, used) in self.state.quota_usage().items()
        }
        return json_response({"data": data})


def analysis_descriptor(origin: str, analysis_id: str) -> Response:
    return json_response({
        "data": {
            "type": "analysis",
            "id": analysis_id,
            "links": {"self": "%s/api/v3/analyses/%s" % (origin, analysis_id)},
        }
    })


def upload_file_v3(state: EmulatorState, ctx: RequestContext) -> Response:
    parts = ctx.form.files.get("file")
    if not parts:
        return v3_bad_request('Missing multipart field "file"')
    record = state.add_upload(parts[0].data, parts[0].filename)
    analysis_id, _ = state.start_file_analysis(record)
    return analysis_descriptor(state.origin, analysis_id)


def paginate(ctx: RequestContext, origin: str, items: list, build=None) -> Response:
    """Return one page of a collection with VirusTotal's cursor, meta and links."""
    limit_text = (ctx.query.get("limit") or [str(PAGE_LIMIT_DEFAULT)])[0]
    if not limit_text.isdigit() or int(limit_text) < 1:
        return v3_invalid_argument('Invalid limit "%s"' % limit_text)
    limit = min(int(limit_text), PAGE_LIMIT_MAX)

    cursor = (ctx.query.get("cursor") or [""])[0]
    offset = decode_cursor(cursor) if cursor else 0
    if offset is None:
        return v3_invalid_argument('Invalid cursor "%s"' % cursor)

    page = items[offset:offset + limit]
    data = [build(item) for item in page] if build else page
    next_offset = offset + len(page)

    other_params = [
        (name, value)
        for name, values in ctx.query.items()
        if name not in ("cursor", "limit", "apikey")
        for value in values
    ]
    self_params = [
        (name, value)
        for name, values in ctx.query.items()
        if name != "apikey"
        for value in values
    ]
    base = origin + ctx.raw_path
    links = {"self": base + ("?" + urlencode(self_params) if self_params else "")}
    meta = {"count": len(items)}
    if next_offset < len(items):
        next_cursor = encode_cursor(next_offset)
        meta["cursor"] = next_cursor
        next_params = other_params + [("cursor", next_cursor), ("limit", str(limit))]
        links["next"] = base + "?" + urlencode(next_params)
    return json_response({"data": data, "meta": meta, "links": links})


class V2Router:
    """Route /vtapi/v2/ requests that passed authentication and quota checks."""

    def __init__(self, state: EmulatorState, ctx: RequestContext):
        self.state = state
        self.ctx = ctx

    def route(self) -> Response:
        endpoint = "/".join(self.ctx.segments)
        method = self.ctx.method
        reading = method in READ_METHODS
        if endpoint == "file/report" and (reading or method == "POST"):
            return self.file_report()
        if endpoint == "file/scan" and method == "POST":
            return self.file_scan()
        if endpoint == "file/scan/upload_url" and reading:
            return self.upload_url()
        if endpoint == "file/rescan" and method == "POST":
            return self.file_rescan()
        if endpoint == "url/report" and (reading or method == "POST"):
            return self.url_report()
        if endpoint == "url/scan" and method == "POST":
            return self.url_scan()
        if endpoint == "domain/report" and reading:
            return self.domain_report()
        if endpoint == "ip-address/report" and reading:
            return self.ip_report()
        if endpoint == "comments/put" and method == "POST":
            return self.put_comment()
        return empty_response(404)

    @staticmethod
    def batch_answer(items: list) -> Response:
        return json_response(items[0] if len(items) == 1 else items)

    def find_file_resource(self, resource: str):
        match = SCAN_ID_RE.fullmatch(resource)
        return self.state.find_file(match.group(1) if match else resource)

    def file_report(self) -> Response:
        resources = [item.strip() for item in (self.ctx.param("resource") or "").split(",")]
        resources = [item for item in resources if item]
        if not resources or len(resources) > V2_REPORT_BATCH_MAX:
            return empty_response(400)
        return self.batch_answer([self.file_report_item(resource) for resource in resources])

    def file_report_item(self, resource: str) -> dict:
        record = self.find_file_resource(resource)
        if record is None:
            return {
                "response_code": 0,
                "resource": resource,
                "verbose_msg": "The requested resource is not among the finished, queued or pending scans",
            }
        date = self.state.file_analysis_date(record)
        results = file_engine_results(record.sha256, date)
        scans = {
            engine: {
                "detected": entry["category"] == "malicious",
                "version": entry["engine_version"],
                "result": entry["result"],
                "update": entry["engine_update"],
            }
            for engine, entry in results.items()
        }
        return {
            "response_code": 1,
            "verbose_msg": "Scan finished, information embedded",
            "resource": resource,
            "scan_id": "%s-%d" % (record.sha256, date),
            "md5": record.md5,
            "sha1": record.sha1,
            "sha256": record.sha256,
            "scan_date": utc_datetime(date),
            "positives": sum(1 for scan in scans.values() if scan["detected"]),
            "total": len(scans),
            "scans": scans,
            "permalink": file_permalink(record.sha256, date),
        }

    def file_scan(self) -> Response:
        parts = self.ctx.form.files.get("file")
        if not parts:
            return empty_response(400)
        return json_response(v2_upload_result(self.state, parts[0]))

    def upload_url(self) -> Response:
        token = self.state.issue_upload_token("v2")
        received = self.ctx.auth_key.value
        # The real API embeds the caller's key here, so relays must strip it.
        url = "%s%s%s/?apikey=%s" % (self.state.origin, UPLOAD_PREFIX, token, quote(received, safe=""))
        return json_response({"upload_url": url})

    def file_rescan(self) -> Response:
        resources = [item.strip() for item in (self.ctx.param("resource") or "").split(",")]
        resources = [item for item in resources if item]
        if not resources or len(resources) > V2_RESCAN_BATCH_MAX:
            return empty_response(400)
        items = []
        for resource in resources:
            record = self.find_file_resource(resource)
            if record is None:
                items.append({"response_code": 0, "resource": resource,
                              "verbose_msg": "Invalid resource, check what you are submitting"})
                continue
            _, date = self.state.start_file_analysis(record)
            items.append({
                "response_code": 1,
                "verbose_msg": MSG_QUEUED,
                "resource": resource,
                "scan_id": "%s-%d" % (record.sha256, date),
                "sha256": record.sha256,
                "permalink": file_permalink(record.sha256, date),
            })
        return self.batch_answer(items)

    def url_resources(self, name: str) -> list:
        # URLs may contain commas, so v2 batches of URLs are newline-separated.
        lines = [line.strip() for line in (self.ctx.param(name) or "").split("\n")]
        return [line for line in lines if line]

    def url_report(self) -> Response:
        resources = self.url_resources("resource")
        if not resources or len(resources) > V2_REPORT_BATCH_MAX:
            return empty_response(400)
        scan = (self.ctx.param("scan") or "0") == "1"
        return self.batch_answer([self.url_report_item(resource, scan) for resource in resources])

    def url_report_item(self, resource: str, scan: bool) -> dict:
        match = SCAN_ID_RE.fullmatch(resource)
        if match:
            found = self.state.find_url(match.group(1))
            url_id, url = found if found else (None, None)
        else:
            url = resource
            url_id = self.state.find_url_by_text(resource)
            if url_id is None:
                url = None
        if url is None:
            if scan and not match:
                return self.queue_url(resource)
            return {"response_code": 0, "resource": resource,
                    "verbose_msg": "Resource does not exist in the dataset"}

        date = self.state.url_analysis_date(url_id)
        scans = {
            engine: {"detected": entry["category"] == "malicious", "result": entry["result"] + " site"}
            for engine, entry in scanner_results("url", url_id).items()
        }
        return {
            "response_code": 1,
            "verbose_msg": "Scan finished, scan information embedded in this object",
            "resource": resource,
            "url": url,
            "scan_id": "%s-%d" % (url_id, date),
            "scan_date": utc_datetime(date),
            "permalink": url_permalink(url_id, date),
            "filescan_id": None,
            "positives": sum(1 for scan_entry in scans.values() if scan_entry["detected"]),
            "total": len(scans),
            "scans": scans,
        }

    def queue_url(self, url: str) -> dict:
        url_id, _, date = self.state.submit_url(url)
        return {
            "response_code": 1,
            "verbose_msg": MSG_QUEUED,
            "resource": url,
            "url": url,
            "scan_id": "%s-%d" % (url_id, date),
            "scan_date": utc_datetime(date),
            "permalink": url_permalink(url_id, date),
        }

    def url_scan(self) -> Response:
        urls = self.url_resources("url")
        if not urls:
            return empty_response(400)
        return self.batch_answer([self.queue_url(url) for url in urls])

    def domain_report(self) -> Response:
        domain = (self.ctx.param("domain") or "").strip().lower()
        if not domain:
            return empty_response(400)
        if is_reserved_invalid(domain):
            return json_response({"response_code": 0, "verbose_msg": "Domain not found"})
        seed = digest_int("domain", domain)
        _, analysed = deterministic_dates("domain", domain)
        return json_response({
            "response_code": 1,
            "verbose_msg": "Domain found in dataset",
            "resolutions": [{"last_resolved": utc_datetime(analysed), "ip_address": documentation_ipv4(seed)}],
            "categories": ["information technology"],
            "subdomains": [],
            "detected_urls": [],
            "undetected_urls": [],
            "whois": "Domain Name: %s\nRegistrar: Example Registrar, Inc." % domain,
            "whois_timestamp": analysed,
        })

    def ip_report(self) -> Response:
        ip = (self.ctx.param("ip") or "").strip()
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return empty_response(400)
        seed = digest_int("ip", ip)
        _, analysed = deterministic_dates("ip", ip)
        return json_response({
            "response_code": 1,
            "verbose_msg": "IP address in dataset",
            "asn": 64496 + seed % 16,
            "as_owner": "Example Networks",
            "country": "US",
            "network": ip_network_text(address),
            "resolutions": [{"last_resolved": utc_datetime(analysed), "hostname": "host-%d.example" % (seed % 1000)}],
            "detected_urls": [],
            "undetected_urls": [],
        })

    def put_comment(self) -> Response:
        resource = (self.ctx.param("resource") or "").strip()
        text = self.ctx.param("comment") or ""
        if not resource or not text.strip():
            return empty_response(400)
        record = self.find_file_resource(resource)
        if record is not None:
            self.state.add_comment("files", record.sha256, text)
        else:
            url_id = self.state.find_url_by_text(resource)
            if url_id is None:
                return json_response({"response_code": 0, "resource": resource,
                                      "verbose_msg": "Invalid resource"})
            self.state.add_comment("urls", url_id, text)
        return json_response({"response_code": 1, "verbose_msg": "Your comment was successfully posted"})


def file_permalink(sha256: str, date: int) -> str:
    return "%s/gui/file/%s/detection/f-%s-%d" % (GUI_ORIGIN, sha256, sha256, date)


def url_permalink(url_id: str, date: int) -> str:
    return "%s/gui/url/%s/detection/u-%s-%d" % (GUI_ORIGIN, url_id, url_id, date)


def v2_upload_result(state: EmulatorState, part: FormPart) -> dict:
    record = state.add_upload(part.data, part.filename)
    _, date = state.start_file_analysis(record)
    return {
        "response_code": 1,
        "verbose_msg": MSG_QUEUED,
        "resource": record.sha256,
        "scan_id": "%s-%d" % (record.sha256, date),
        "sha256": record.sha256,
        "sha1": record.sha1,
        "md5": record.md5,
        "permalink": file_permalink(record.sha256, date),
    }


def handle_upload_url(state: EmulatorState, ctx: RequestContext, token_api: str) -> Response:
    """Handle a POST to an upload URL like the upload endpoint that issued it."""
    if ctx.method != "POST" or len(ctx.segments) != 1:
        return v3_not_found("Resource not found: %s %s" % (ctx.method, ctx.raw_path))
    problem = state.consume_upload_token(ctx.segments[0])
    if problem:
        return v3_bad_request("Invalid upload URL: %s" % problem)
    if token_api == "v2":
        parts = ctx.form.files.get("file")
        if not parts:
            return empty_response(400)
        return json_response(v2_upload_result(state, parts[0]))
    return upload_file_v3(state, ctx)


# ---------------------------------------------------------------------------
# HTTP layer


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "VTEmulator/1.0"
    # Seconds an idle keep-alive connection or a stalled body may wait.
    timeout = 120
    # Headers and body go out in separate writes, and with Nagle's algorithm
    # the second write waits for the client's delayed ACK.
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self):
        self.handle_request()

    def do_HEAD(self):
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    def do_PATCH(self):
        self.handle_request()

    def do_DELETE(self):
        self.handle_request()

    # The base class logs the raw request line, which may contain a key, so
    # requests are logged in handle_request from redacted values instead.
    def log_message(self, format, *args):
        pass

    def log_error(self, format, *args):
        # The arguments may quote the request line, so only the status code or
        # the fixed part of the format string is logged.
        if args and isinstance(args[0], int):
            LOG.warning("rejected request from %s with status %d", self.client_address[0], args[0])
        else:
            LOG.info("connection from %s: %s", self.client_address[0], format.split("%")[0].rstrip(": "))

    @property
    def state(self) -> EmulatorState:
        return self.server.state

    # -- body ---------------------------------------------------------------

    def read_body(self, limit: int) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self.read_chunked_body(limit)
        length_text = self.headers.get("content-length")
        if length_text is None:
            return b""
        if not length_text.strip().isdigit():
            raise RequestBodyError("invalid Content-Length %r" % length_text)
        length = int(length_text)
        if length > limit:
            raise RequestBodyTooLarge("body of %d bytes exceeds %d" % (length, limit))
        body = self.rfile.read(length)
        if len(body) != length:
            raise RequestBodyError("connection closed after %d of %d body bytes" % (len(body), length))
        return body

    def read_chunked_body(self, limit: int) -> bytes:
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(65537)
            if not line.endswith(b"\n"):
                raise RequestBodyError("chunk size line missing or too long")
            size_text = line.split(b";", 1)[0].strip()
            if not size_text or not HEX_RE.fullmatch(size_text.decode("latin-1")):
                raise RequestBodyError("invalid chunk size %r" % size_text)
            size = int(size_text, 16)
            if size == 0:
                break
            total += size
            if total > limit:
                raise RequestBodyTooLarge("chunked body exceeds %d bytes" % limit)
            chunk = self.rfile.read(size)
            if len(chunk) != size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise RequestBodyError("chunk of %d bytes truncated or not terminated" % size)
            chunks.append(chunk)
        # Skip trailer fields up to the empty line that ends the message.
        while True:
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
        return b"".join(chunks)

    # -- sending ------------------------------------------------------------

    def send(self, response: Response, gzip_allowed: bool) -> None:
        body = response.body
        headers = []
        if response.is_json:
            headers.append(("Content-Type", "application/json"))
            if gzip_allowed and response.compressible and body and response.status not in (204, 429):
                body = gzip.compress(body, compresslevel=6, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
        self.send_response(response.status)
        for name, value in headers:
            self.send_header(name, value)
        # RFC 9110 forbids Content-Length on 204 responses.
        if response.status != 204:
            self.send_header("Content-Length", str(len(body)))
        if response.close:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            if self.command != "HEAD" and response.status != 204 and body:
                self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # -- dispatch -----------------------------------------------------------

    def handle_request(self) -> None:
        parts = urlsplit(self.path)
        raw_path = parts.path or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        if raw_path.startswith(CONTROL_PREFIX):
            self.handle_control(raw_path, query)
        else:
            self.handle_api(raw_path, query)

    def handle_api(self, raw_path: str, query: dict) -> None:
        started = time.monotonic()
        area = classify_path(raw_path)
        limit = UPLOAD_URL_BODY_LIMIT if area == "upload" else DIRECT_BODY_LIMIT
        early = None
        body_problem = None
        body = b""
        form = ParsedForm()
        try:
            body = self.read_body(limit)
            form = parse_form(self.headers.get("content-type", ""), body)
        except RequestBodyTooLarge as exc:
            body_problem = str(exc)
            early = self.body_error(area, 413, "Request body exceeds %d bytes" % limit)
            early.close = True
        except RequestBodyError as exc:
            body_problem = str(exc)
            early = self.body_error(area, 400, "Invalid request body: %s" % exc)
            early.close = True

        places = collect_key_places(self.headers, query, form)
        prefix = {"v3": V3_PREFIX, "v2": V2_PREFIX, "upload": UPLOAD_PREFIX}.get(area, "/")
        ctx = RequestContext(
            method=self.command,
            raw_path=raw_path,
            segments=path_segments(raw_path, prefix),
            query=query,
            headers=self.headers,
            body=body,
            form=form,
            key_places=places,
        )
        token_api = None
        if area == "upload" and ctx.segments:
            token_api = self.state.upload_token_api(ctx.segments[0])
        ctx.auth_key = pick_auth_key(area, places)
        redactor = Redactor(self.state.api_key, places)
        record = self.state.begin_record(self.build_record(ctx, redactor))
        if body_problem:
            LOG.warning("rejected body of %s %s (request %d): %s", self.command, record["path"],
                        record["seq"], redactor.text(body_problem))

        if early is not None:
            response = early
        else:
            try:
                response = self.dispatch(area, ctx, token_api)
            except Exception as exc:  # noqa: BLE001 - a bug must not kill the connection
                LOG.error("internal error on %s %s: %s\n%s", self.command, redactor.text(raw_path),
                          type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
                response = v3_error(500, "InternalError", "Emulator error: %s" % type(exc).__name__)
        self.state.finish_record(record, response.status)
        gzip_allowed = accepts_gzip(self.headers.get("accept-encoding", ""))
        self.send(response, gzip_allowed)
        LOG.info("%s %s -> %d (%.1f ms)", self.command, record["path"], response.status,
                 (time.monotonic() - started) * 1000)

    @staticmethod
    def body_error(area: str, status: int, message: str) -> Response:
        if area == "v2":
            return empty_response(status)
        return v3_error(status, V3_ERROR_CODES.get(status, "BadRequestError"), message)

    def build_record(self, ctx: RequestContext, redactor: Redactor) -> dict:
        headers = {}
        for name, value in ctx.headers.items():
            name = name.lower()
            value = REDACTED if name == "x-apikey" else redactor.text(value)
            headers[name] = headers[name] + ", " + value if name in headers else value
        query = {
            redactor.text(name): [REDACTED if name == "apikey" else redactor.text(v) for v in values]
            for name, values in ctx.query.items()
        }
        # Without a usable key, report the first key found anywhere so tests
        # can spot a key sent in the wrong place.
        reported_key = ctx.auth_key or (ctx.key_places[0] if ctx.key_places else None)
        return {
            "seq": 0,
            "time": time.time(),
            "method": ctx.method,
            "path": redactor.text(ctx.raw_path),
            "query": query,
            "headers": headers,
            "key_source": reported_key.source if reported_key else None,
            "key_sha256": sha256_hex(text_bytes(reported_key.value)) if reported_key else None,
            "key_valid": bool(ctx.auth_key and self.state.key_is_valid(ctx.auth_key.value)),
            "key_count": len(ctx.key_places),
            "body_size": len(ctx.body),
            "body_sha256": sha256_hex(ctx.body),
            "status": None,
        }

    def dispatch(self, area: str, ctx: RequestContext, token_api) -> Response:
        if area == "other":
            return v3_not_found("Resource not found: %s %s" % (ctx.method, ctx.raw_path))
        config = self.state.config_snapshot()
        if config.delay_ms:
            time.sleep(config.delay_ms / 1000.0)
        if config.fail_status:
            return v3_failure(config.fail_status)

        v2_style = area == "v2" or token_api == "v2"
        key = ctx.auth_key
        if key is None or not self.state.key_is_valid(key.value):
            if v2_style:
                return empty_response(403)
            if key is None:
                return v3_error(401, "AuthenticationRequiredError", "X-Apikey header is missing")
            return v3_error(401, "WrongCredentialsError", "Wrong API key")

        if not self.state.consume_quota():
            if v2_style:
                return empty_response(204)
            return v3_error(429, "QuotaExceededError", "Quota exceeded")

        if area == "v3":
            return V3Router(self.state, ctx).route()
        if area == "v2":
            return V2Router(self.state, ctx).route()
        return handle_upload_url(self.state, ctx, token_api)

    # -- control endpoints --------------------------------------------------

    def handle_control(self, raw_path: str, query: dict) -> None:
        try:
            body = self.read_body(CONTROL_BODY_LIMIT)
        except RequestBodyError as exc:
            LOG.warning("rejected body of %s %s: %s", self.command, raw_path, exc)
            response = json_response({"error": "invalid request body: %s" % exc}, 400)
            response.close = True
            self.send(response, gzip_allowed=False)
            return

        name = raw_path[len(CONTROL_PREFIX):].strip("/")
        method = self.command
        if name == "requests" and method in READ_METHODS:
            since_text = (query.get("since") or ["0"])[0]
            since = int(since_text) if since_text.isdigit() else 0
            response = Response(200, self.state.records_json(since), is_json=True)
        elif name == "stats" and method in READ_METHODS:
            response = Response(200, self.state.stats_json(), is_json=True)
        elif name == "reset" and method == "POST":
            self.state.reset()
            LOG.info("state reset")
            response = json_response({"reset": True})
        elif name == "config" and method in READ_METHODS:
            response = json_response(dataclasses.asdict(self.state.config_snapshot()))
        elif name == "config" and method == "POST":
            response = self.update_config(body)
        else:
            response = json_response({"error": "unknown control endpoint %s %s" % (method, raw_path)}, 404)
        self.send(response, gzip_allowed=False)

    def update_config(self, body: bytes) -> Response:
        try:
            values = json.loads(body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as exc:
            return json_response({"error": "config body is not valid JSON: %s" % exc}, 400)
        if not isinstance(values, dict):
            return json_response({"error": "config body must be a JSON object"}, 400)
        try:
            config = self.state.update_config(values)
        except ValueError as exc:
            LOG.warning("rejected config change: %s", exc)
            return json_response({"error": str(exc)}, 400)
        LOG.info("config changed: %s", json.dumps(dataclasses.asdict(config)))
        return json_response(dataclasses.asdict(config))


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # The socketserver default backlog of 5 drops bursts of parallel connects,
    # which clients then retry only after a 1 s SYN timeout.
    request_queue_size = 128

    def __init__(self, address, state: EmulatorState, tls_context):
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.state = state
        self.tls_context = tls_context
        super().__init__(address, EmulatorHandler)

    def finish_request(self, request, client_address):
        if self.tls_context is None:
            super().finish_request(request, client_address)
            return
        # The TLS handshake runs here, in the connection's own thread, so a
        # slow client cannot block the accept loop.
        request.settimeout(EmulatorHandler.timeout)
        try:
            tls_socket = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            LOG.info("TLS handshake with %s failed: %s", client_address[0], type(exc).__name__)
            return
        try:
            super().finish_request(tls_socket, client_address)
        finally:
            tls_socket.close()

    def handle_error(self, request, client_address):
        # Log the exception type and stack only, because an exception message
        # could quote request data that contains a key.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, ssl.SSLError)):
            LOG.info("connection from %s ended: %s", client_address[0], type(exc).__name__)
            return
        LOG.error("error while serving %s: %s\n%s", client_address[0], type(exc).__name__,
                  "".join(traceback.format_tb(exc.__traceback__)) if exc else "")


# ---------------------------------------------------------------------------
# Command line


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more, got %d" % value)
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="VirusTotal API emulator for VT Relay tests. The accepted API key is "
                    "read from the VT_EMULATOR_KEY environment variable.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=non_negative_int, default=0,
                        help="TCP port to bind, or 0 to let the OS pick (default 0)")
    parser.add_argument("--public-url", default="https://www.virustotal.com",
                        help="origin of absolute URLs in responses: links, upload URLs "
                             "(default https://www.virustotal.com)")
    parser.add_argument("--tls-cert", help="PEM certificate file, which turns on HTTPS together with --tls-key")
    parser.add_argument("--tls-key", help="PEM private key file for --tls-cert")
    parser.add_argument("--quota-per-minute", type=non_negative_int, default=0,
                        help="calls allowed per 60 s window, or 0 for unlimited (default 0)")
    parser.add_argument("--quota-per-day", type=non_negative_int, default=0,
                        help="calls allowed per UTC day, or 0 for unlimited (default 0)")
    parser.add_argument("--delay-ms", type=non_negative_int, default=0,
                        help="milliseconds to wait before each API response (default 0)")
    parser.add_argument("--known-files", type=non_negative_int, default=50,
                        help='number of catalogue files with content b"vtrelay-sample-<i>" (default 50)')
    parser.add_argument("--analysis-polls", type=non_negative_int, default=1,
                        help="polls that report an analysis as queued before it completes (default 1)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key must be given together")
    public = urlsplit(args.public_url)
    if public.scheme not in ("http", "https") or not public.netloc:
        parser.error("--public-url must be an absolute http or https URL, got %r" % args.public_url)
    args.public_url = args.public_url.rstrip("/")
    return args


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s vt_emulator: %(message)s",
    )
    api_key = os.environ.get("VT_EMULATOR_KEY", "")
    if not api_key:
        print("vt_emulator: VT_EMULATOR_KEY is not set; export the API key the emulator "
              "should accept", file=sys.stderr)
        return 2

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            tls_context.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as exc:
            print("vt_emulator: failed to load TLS certificate %s or key %s: %s; check both PEM files"
                  % (args.tls_cert, args.tls_key, exc), file=sys.stderr)
            return 2

    config = RuntimeConfig(
        quota_per_minute=args.quota_per_minute,
        quota_per_day=args.quota_per_day,
        delay_ms=args.delay_ms,
        analysis_polls=args.analysis_polls,
    )
    state = EmulatorState(api_key, args.public_url, args.known_files, config)
    try:
        server = EmulatorServer((args.host, args.port), state, tls_context)
    except OSError as exc:
        print("vt_emulator: failed to listen on %s port %d: %s; choose another --host or --port"
              % (args.host, args.port, exc), file=sys.stderr)
        return 2

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    port = server.server_address[1]
    print("LISTENING %d" % port, flush=True)
    LOG.info("serving %s on %s port %d", "HTTPS" if tls_context else "HTTP", args.host, port)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        LOG.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
