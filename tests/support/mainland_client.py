"""Calls the mainland `IDCardOCR` with the official mainland SDK; run by .venv-mainland's Python.

The mainland and international SDKs install the same `tencentcloud` module, so the tests
run this script in its own environment: the request arrives as JSON on stdin, the answer
(or the SDK's error code) leaves as JSON on stdout.
"""

from __future__ import annotations

import json
import sys

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.ocr.v20181119 import models, ocr_client


def main() -> None:
    call = json.load(sys.stdin)
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=call["endpoint"]))
    client = ocr_client.OcrClient(
        credential.Credential(call["secret_id"], call["secret_key"]), call["region"], profile
    )
    request = models.IDCardOCRRequest()
    request.from_json_string(json.dumps(call["params"]))
    try:
        answer = json.loads(client.IDCardOCR(request).to_json_string())
    except TencentCloudSDKException as exc:
        answer = {"Error": {"Code": exc.code, "Message": exc.message}}
    json.dump(answer, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
