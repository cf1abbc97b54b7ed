"""The 通报 as PDF, where a converter is installed: LibreOffice (soffice; Debian's libreoffice-writer-nogui) turns the
.docx into a PDF. Each conversion gets a private LibreOffice profile in its own temporary directory, so simultaneous
conversions (two requests, a request and `flask stats report`) do not wait on one another's profile lock."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from flask_babel import gettext as _

from portal.services.common.errors import ServiceError

#: the converter's names, tried in order on PATH
CONVERTERS = ("soffice", "libreoffice")
#: seconds a conversion may take (a first start of LibreOffice builds its profile: a few seconds)
TIMEOUT_SECONDS = 120


class PdfUnavailable(ServiceError):
    """No converter is installed, or it failed or took too long."""


def converter() -> str | None:
    """The converter's path, None when none is installed."""
    return next((found for name in CONVERTERS if (found := shutil.which(name))), None)


def to_pdf(docx: bytes, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF of a .docx, or PdfUnavailable saying why not."""
    program = converter()
    if program is None:
        raise PdfUnavailable(_("本机没有安装 PDF 转换程序（LibreOffice 的 soffice，Debian 软件包 "
                               "libreoffice-writer-nogui），只能生成 Word 文档。"))
    with tempfile.TemporaryDirectory(prefix="tongbao-") as work:
        source = Path(work) / "tongbao.docx"
        source.write_bytes(docx)
        command = [program, f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", work, str(source)]
        # a session of its own: soffice starts soffice.bin, and a timeout must end both
        with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True) as process:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                raise PdfUnavailable(_("PDF 转换超过%(seconds)s秒仍未完成，请稍后再试或下载 Word 文档。",
                                       seconds=int(timeout))) from None
        pdf = source.with_suffix(".pdf")
        if not pdf.is_file():
            raise PdfUnavailable(_("PDF 转换失败，请下载 Word 文档。"))
        return pdf.read_bytes()
