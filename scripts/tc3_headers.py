#!/usr/bin/env python3
"""Print the TC3-HMAC-SHA256 headers for one API call, for curl. Standard library only.

    export TENCENTCLOUD_SECRET_ID=AKID... TENCENTCLOUD_SECRET_KEY=...
    printf '{"ImageBase64": "%s"}' "$(base64 -w0 card.jpg)" > body.json
    python3 scripts/tc3_headers.py --host 127.0.0.1:8000 body.json > headers.txt
    curl -s http://127.0.0.1:8000/ -H @headers.txt --data-binary @body.json

--host must be exactly the Host curl sends (host:port as in the URL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import os
import sys
import time
from pathlib import Path


def tc3_headers(
    body: bytes,
    *,
    host: str,
    secret_id: str,
    secret_key: str,
    action: str = "RecognizeMainlandIDCardOCR",
    version: str = "2018-11-19",
    region: str = "ap-singapore",
    timestamp: int | None = None,
) -> dict[str, str]:
    """The headers of a signed JSON POST, signing content-type and host like the SDK."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    content_type = "application/json"
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/ocr/tc3_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{digest}"
    key = ("TC3" + secret_key).encode()
    for part in (date, "ocr", "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Region": region,
        "Authorization": f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("body", type=Path, help="the JSON body file curl will send")
    parser.add_argument("--host", required=True, help="the Host header, e.g. 127.0.0.1:8000")
    parser.add_argument("--action", default="RecognizeMainlandIDCardOCR")
    args = parser.parse_args()
    headers = tc3_headers(
        args.body.read_bytes(),
        host=args.host,
        secret_id=os.environ["TENCENTCLOUD_SECRET_ID"],
        secret_key=os.environ["TENCENTCLOUD_SECRET_KEY"],
        action=args.action,
    )
    sys.stdout.write("".join(f"{name}: {value}\n" for name, value in headers.items()))


if __name__ == "__main__":
    main()
