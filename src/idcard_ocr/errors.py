"""Every failure the service can report, each leaf carrying its Tencent error code.

IdCardOcrError
├── ClientError                      (the request itself is wrong)
│   ├── MissingParameter             MissingParameter
│   ├── InvalidParameter             InvalidParameter
│   ├── ConfigFormatError            InvalidParameter.ConfigFormatError
│   ├── InvalidParameterValueLimit   InvalidParameterValue.InvalidParameterValueLimit
│   ├── UnknownParameter             UnknownParameter
│   ├── InvalidAction                InvalidAction
│   ├── NoSuchVersion                NoSuchVersion
│   ├── UnsupportedRegion            UnsupportedRegion
│   ├── UnsupportedProtocol          UnsupportedProtocol
│   ├── RequestSizeLimitExceeded     RequestSizeLimitExceeded
│   └── RequestLimitExceeded         RequestLimitExceeded
├── AuthError                        (the signature or key is wrong)
│   ├── SignatureExpire              AuthFailure.SignatureExpire
│   ├── SecretIdNotFound             AuthFailure.SecretIdNotFound
│   ├── SignatureFailure             AuthFailure.SignatureFailure
│   └── InvalidAuthorization         AuthFailure.InvalidAuthorization
├── ImageError                       (the picture cannot be used)
│   ├── EmptyImage                   FailedOperation.EmptyImageError
│   ├── ImageDecodeFailed            FailedOperation.ImageDecodeFailed
│   ├── ImageSizeTooLarge            FailedOperation.ImageSizeTooLarge
│   ├── DownloadError                FailedOperation.DownLoadError
│   └── ImageBlur                    FailedOperation.ImageBlur
├── CardError                        (the picture holds no readable card)
│   ├── NoIdCard                     FailedOperation.ImageNoIdCard
│   ├── MultiCard                    FailedOperation.MultiCardError
│   ├── IdCardTooSmall               FailedOperation.IdCardTooSmall
│   ├── CardSideMismatch             FailedOperation.CardSideError
│   └── IdCardInfoIllegal            FailedOperation.IdCardInfoIllegal
└── ServiceError                     (our fault)
    ├── OcrFailed                    FailedOperation.OcrFailed
    ├── UnknownError                 FailedOperation.UnKnowError
    └── InternalError                InternalError
"""

from __future__ import annotations

from typing import ClassVar


class IdCardOcrError(Exception):
    """Base of every error the service reports; `code` is the Tencent error code."""

    code: ClassVar[str] = "FailedOperation.UnKnowError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ClientError(IdCardOcrError):
    """The request is malformed or not allowed."""


class MissingParameter(ClientError):
    """A required parameter is absent."""

    code = "MissingParameter"


class InvalidParameter(ClientError):
    """A parameter has the wrong type, or the body is not valid JSON."""

    code = "InvalidParameter"


class ConfigFormatError(ClientError):
    """The `Config` parameter of IDCardOCR is not a JSON object of booleans."""

    code = "InvalidParameter.ConfigFormatError"


class InvalidParameterValueLimit(ClientError):
    """A parameter value is out of its allowed range."""

    code = "InvalidParameterValue.InvalidParameterValueLimit"


class UnknownParameter(ClientError):
    """A parameter the action does not define."""

    code = "UnknownParameter"


class InvalidAction(ClientError):
    """The action does not exist."""

    code = "InvalidAction"


class NoSuchVersion(ClientError):
    """The API version is not 2018-11-19."""

    code = "NoSuchVersion"


class UnsupportedRegion(ClientError):
    """The region is not served here."""

    code = "UnsupportedRegion"


class UnsupportedProtocol(ClientError):
    """An HTTP method other than GET or POST."""

    code = "UnsupportedProtocol"


class RequestSizeLimitExceeded(ClientError):
    """The request body is larger than allowed."""

    code = "RequestSizeLimitExceeded"


class RequestLimitExceeded(ClientError):
    """The SecretId sent more requests per second than allowed."""

    code = "RequestLimitExceeded"


class AuthError(IdCardOcrError):
    """The request is not properly signed."""


class SignatureExpire(AuthError):
    """The timestamp is too far from the server clock."""

    code = "AuthFailure.SignatureExpire"


class SecretIdNotFound(AuthError):
    """The SecretId is unknown or revoked."""

    code = "AuthFailure.SecretIdNotFound"


class SignatureFailure(AuthError):
    """The signature does not match."""

    code = "AuthFailure.SignatureFailure"


class InvalidAuthorization(AuthError):
    """The Authorization header or signature parameters are malformed."""

    code = "AuthFailure.InvalidAuthorization"


class ImageError(IdCardOcrError):
    """The image cannot be used."""


class EmptyImage(ImageError):
    """The image is empty."""

    code = "FailedOperation.EmptyImageError"


class ImageDecodeFailed(ImageError):
    """The bytes are not a PNG, JPEG or BMP image."""

    code = "FailedOperation.ImageDecodeFailed"


class ImageSizeTooLarge(ImageError):
    """The image exceeds the byte or pixel limit."""

    code = "FailedOperation.ImageSizeTooLarge"


class DownloadError(ImageError):
    """ImageUrl could not be fetched or points where we may not go."""

    code = "FailedOperation.DownLoadError"


class ImageBlur(ImageError):
    """The card is too blurry to be read at all."""

    code = "FailedOperation.ImageBlur"


class CardError(IdCardOcrError):
    """The image holds no single readable card."""


class NoIdCard(CardError):
    """No identity card was found in the image."""

    code = "FailedOperation.ImageNoIdCard"


class MultiCard(CardError):
    """Two or more cards show the same side."""

    code = "FailedOperation.MultiCardError"


class IdCardTooSmall(CardError):
    """The card is too small in the image to be read."""

    code = "FailedOperation.IdCardTooSmall"


class CardSideMismatch(CardError):
    """CardSide was given and the card shows the other side."""

    code = "FailedOperation.CardSideError"


class IdCardInfoIllegal(CardError):
    """What was read cannot be a valid card."""

    code = "FailedOperation.IdCardInfoIllegal"


class ServiceError(IdCardOcrError):
    """The service failed; not the caller's fault."""


class OcrFailed(ServiceError):
    """The OCR engine failed."""

    code = "FailedOperation.OcrFailed"


class UnknownError(ServiceError):
    """An unexpected failure inside the recognition pipeline."""

    code = "FailedOperation.UnKnowError"


class InternalError(ServiceError):
    """An unexpected failure in the server."""

    code = "InternalError"
