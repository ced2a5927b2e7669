#!/usr/bin/env python3
"""Export a ledger (台账) through the API with a token — an example client for a provincial platform or a script.

    python3 docs/export_ledger.py --url https://fpjc.example.gov.cn --user report --ledger L-01 --out L-01.xlsx
    (the password is asked for, or read from EXPORT_PASSWORD; --otp gives the authenticator code if the account
    has two-factor sign-in)

It signs in (POST /api/v1/auth/token/), starts the export (POST /api/v1/ledger-exports/), polls its progress while
a worker writes a large one (GET /api/v1/ledger-exports/<id>/), and downloads the file (GET …/download/). The export
covers the account's own area and shows ID numbers as its role may see them, exactly as the export page does; every
export is recorded. Standard library only: it runs on any Python 3.9+.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any


class ApiError(Exception):
    pass


def _call(url: str, *, token: str | None = None, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    if not url.startswith(("http://", "https://")):
        raise ApiError(f"not a web address: {url}")
    method = "POST" if body is not None else "GET"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310  # http(s) only
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise ApiError(f"{exc.code} {url}: {detail}") from exc


def export_ledger(
    base_url: str,
    username: str,
    password: str,
    ledger: str,
    *,
    otp: str = "",
    filters: dict[str, str] | None = None,
    poll_seconds: float = 2.0,
    timeout_seconds: float = 1800.0,
) -> bytes:
    """The ledger's .xlsx file as bytes."""
    api = base_url.rstrip("/") + "/api/v1"
    credentials = {"username": username, "password": password}
    if otp:
        credentials["otp_token"] = otp
    _status, body = _call(f"{api}/auth/token/", body=credentials)
    token = json.loads(body)["token"]
    _status, body = _call(f"{api}/ledger-exports/", token=token, body={"ledger": ledger, **(filters or {})})
    export = json.loads(body)
    deadline = time.monotonic() + timeout_seconds
    while export["status"] not in ("done", "failed", "expired"):
        if time.monotonic() > deadline:
            raise ApiError(f"export {export['id']} still {export['status']} after {timeout_seconds:.0f} s")
        time.sleep(poll_seconds)
        _status, body = _call(f"{api}/ledger-exports/{export['id']}/", token=token)
        export = json.loads(body)
    if export["status"] != "done":
        raise ApiError(f"export {export['id']} {export['status']}: {export.get('error', '')}")
    _status, content = _call(export["download"], token=token)
    return content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the system's address, e.g. https://fpjc.example.gov.cn")
    parser.add_argument("--user", required=True)
    parser.add_argument("--ledger", required=True, help="ledger code, e.g. L-01 (GET /api/v1/ledger-exports/ledgers/)")
    parser.add_argument("--out", required=True, help="where to write the .xlsx")
    parser.add_argument("--otp", default="", help="the authenticator's current code, if the account has one")
    parser.add_argument("--area", default="", help="a township or village code inside the account's area")
    parser.add_argument("--start", default="", help="first day, YYYY-MM-DD")
    parser.add_argument("--end", default="", help="last day, YYYY-MM-DD")
    args = parser.parse_args(argv)
    password = os.environ.get("EXPORT_PASSWORD") or getpass.getpass(f"{args.user} 的密码: ")
    filters = {key: value for key, value in (("area", args.area), ("start", args.start), ("end", args.end)) if value}
    try:
        content = export_ledger(args.url, args.user, password, args.ledger, otp=args.otp, filters=filters)
    except ApiError as exc:
        sys.stderr.write(f"导出失败：{exc}\n")
        return 1
    with open(args.out, "wb") as out:
        out.write(content)
    sys.stdout.write(f"已保存 {args.out}（{len(content):,} 字节）\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
