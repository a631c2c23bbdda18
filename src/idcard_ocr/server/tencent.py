"""The API 3.0 envelope: `{"Response": {...}}`, always HTTP 200, localized error messages."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from starlette.responses import Response

__all__ = [
    "CONTENT_TYPE",
    "Language",
    "error",
    "json_response",
    "localize",
    "parse_language",
    "success",
]

# The SDK compares this string exactly; "; charset=utf-8" makes it drop errors silently.
CONTENT_TYPE = "application/json"

Language = Literal["en-US", "zh-CN"]

_ZH_MESSAGES: Mapping[str, str] = {
    "MissingParameter": "缺少参数",
    "InvalidParameter": "参数错误",
    "InvalidParameter.ConfigFormatError": "Config 不是合法的 JSON 格式",
    "InvalidParameterValue.InvalidParameterValueLimit": "参数值超出允许范围",
    "UnknownParameter": "未知参数",
    "InvalidAction": "接口不存在",
    "NoSuchVersion": "接口版本不存在",
    "UnsupportedRegion": "接口不支持所传地域",
    "UnsupportedProtocol": "HTTP 请求方法不支持，仅支持 GET 和 POST",
    "RequestSizeLimitExceeded": "请求包超过限制大小",
    "RequestLimitExceeded": "请求的次数超过了频率限制",
    "AuthFailure.SignatureExpire": "签名过期，Timestamp 与服务器时间相差超过五分钟",
    "AuthFailure.SecretIdNotFound": "密钥不存在",
    "AuthFailure.SignatureFailure": "签名错误",
    "AuthFailure.InvalidAuthorization": "请求头部的 Authorization 不符合腾讯云标准",
    "FailedOperation.EmptyImageError": "图片内容为空",
    "FailedOperation.ImageDecodeFailed": "图片解码失败",
    "FailedOperation.ImageSizeTooLarge": "图片尺寸过大",
    "FailedOperation.DownLoadError": "文件下载失败",
    "FailedOperation.ImageBlur": "图片模糊",
    "FailedOperation.ImageNoIdCard": "照片未检测到身份证",
    "FailedOperation.MultiCardError": "照片中存在多张卡",
    "FailedOperation.IdCardTooSmall": "图片分辨率过小或身份证在原图中的占比过小",
    "FailedOperation.CardSideError": "身份证正反面与 CardSide 不一致",
    "FailedOperation.IdCardInfoIllegal": "身份证信息不合法",
    "FailedOperation.OcrFailed": "OCR 识别失败",
    "FailedOperation.UnKnowError": "未知错误",
    "InternalError": "内部错误",
}


def parse_language(value: str | None) -> Language:
    """X-TC-Language (or v1 `Language`); anything but zh-CN falls back to en-US."""
    return "zh-CN" if value is not None and value.strip().lower() == "zh-cn" else "en-US"


def localize(code: str, message: str, language: Language) -> str:
    """Messages are written in English; zh-CN gets the code's Chinese summary first."""
    if language == "zh-CN" and code in _ZH_MESSAGES:
        return f"{_ZH_MESSAGES[code]}（{message}）"
    return message


def success(fields: Mapping[str, Any], request_id: str) -> dict[str, Any]:
    """`{"Response": {<fields>, "RequestId": ...}}`."""
    return {"Response": {**fields, "RequestId": request_id}}


def error(code: str, message: str, request_id: str) -> dict[str, Any]:
    """`{"Response": {"Error": {"Code", "Message"}, "RequestId": ...}}`."""
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}


def json_response(body: Mapping[str, Any]) -> Response:
    """HTTP 200 with Content-Type exactly `application/json` and UTF-8 JSON."""
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(content=content, status_code=200, media_type=None)
    response.headers["Content-Type"] = CONTENT_TYPE
    return response
