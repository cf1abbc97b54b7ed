"""What an image attachment is, decided by Pillow decoding it (not by reading header bytes, which a chunk before
IHDR or a junk byte after APP0 hid): its format, its size within bounds before any pixel is decoded, then every
pixel decoded once so a truncated or corrupt file is caught. What Pillow tolerates but viewers refuse (a PNG chunk
before IHDR, data after IEND) or what a PDF reader would also open (a polyglot) is refused too."""
from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

#: an image may have at most this many pixels, and this many on either side (decoding more is a memory bomb)
MAX_PIXELS = 40_000_000
MAX_SIDE = 20_000
#: Pillow's own guard refuses twice this before decoding anything, should a size ever slip past ours
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
#: Pillow's format → the content type the file is stored and served with (MPO is a JPEG with extra frames)
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg"}
#: a PDF reader takes a file as PDF when this appears in its first kilobyte: an image holding it is a polyglot
PDF_HEADER = b"%PDF-"
#: the IEND chunk, empty, with its CRC: the last bytes of a PNG
PNG_END = b"\0\0\0\0IEND\xaeB`\x82"


class Undecodable(Exception):
    """Pillow cannot read the image: not the format it claims, corrupt or truncated."""


class TooLarge(Exception):
    """The image declares more pixels than may be decoded (its size, when Pillow got as far as reading it)."""

    def __init__(self, size: tuple[int, int] | None = None) -> None:
        super().__init__(size)
        self.size = size


def content_type(data: bytes, pillow_format: str) -> str:
    """The content type of an image Pillow reads as pillow_format and decodes completely; Undecodable or TooLarge."""
    if PDF_HEADER in data[:1024] or (pillow_format == "PNG" and data[12:16] != b"IHDR"):
        raise Undecodable
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            found = _verified_format(data, pillow_format)
            _decode(data, found)
    except TooLarge:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            EOFError, MemoryError) as exc:
        raise Undecodable from exc
    return CONTENT_TYPES[found]


def _verified_format(data: bytes, pillow_format: str) -> str:
    """The format Pillow finds, once its size is within bounds and its structure (PNG chunk CRCs…) verifies."""
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise TooLarge((width, height))
        if image.format not in CONTENT_TYPES:
            raise Undecodable
        image.verify()
        return image.format


def _decode(data: bytes, pillow_format: str) -> None:
    """Decode every pixel (verify() leaves the file unusable and does not decode); a PNG ends with its IEND chunk,
    nothing (another file) after it."""
    with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
        image.load()
    if pillow_format == "PNG" and not data.endswith(PNG_END):
        raise Undecodable
