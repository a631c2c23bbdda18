# idcard-ocr: the Tencent-compatible ID card OCR service, CPU only, no network at run time.
#   docker build -t idcard-ocr .
#   docker run -p 8000:8000 -v $PWD/keys.txt:/etc/idcard-ocr/keys.txt:ro idcard-ocr
FROM python:3.11-slim

# OpenCV and onnxruntime need these shared libraries on a slim image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libglib2.0-0 libgomp1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --system --no-create-home idcard

USER idcard
# Listen on every interface inside the container; keys from a mounted file (add and revoke
# without a restart); the unsigned web page off unless the operator turns it on.
ENV IDCARD_OCR_HOST=0.0.0.0 \
    IDCARD_OCR_PORT=8000 \
    IDCARD_OCR_KEYS_FILE=/etc/idcard-ocr/keys.txt \
    IDCARD_OCR_WEB_PAGE_ENABLED=false
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["idcard-ocr", "serve"]
