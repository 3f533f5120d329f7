"""Field images stored by content: `images/ab/abcdef….ext`, written atomically and fsynced.

A database row may point at an image only after `put` returned, so a crash can leave an
orphan file (harmless, reused on retry) but never a row without its file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from edge_app.errors import StoreError


class ImageStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str, ext: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}{ext}"

    def put_bytes(self, data: bytes, ext: str) -> tuple[str, Path]:
        """Store encoded image bytes; returns (sha256, path). Idempotent."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha, ext)
        if path.is_file() and path.stat().st_size == len(data):
            return sha, path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            raise StoreError(f"cannot write field image: {exc.strerror}", where=str(path),
                             hint="check free disk space and permissions of the workspace") from None
        return sha, path

    def put_array(self, image: np.ndarray, ext: str = ".png") -> tuple[str, Path]:
        """Encode (lossless PNG by default: stored fields are evidence) and store."""
        ok, encoded = cv2.imencode(ext, image)
        if not ok:
            raise StoreError(f"cannot encode a {image.shape} image as {ext}")
        return self.put_bytes(encoded.tobytes(), ext)

    def put_file(self, source: Path) -> tuple[str, Path]:
        """Store a saved field file as it is (no re-encoding: the hash is the file's)."""
        return self.put_bytes(source.read_bytes(), source.suffix.lower() or ".img")
