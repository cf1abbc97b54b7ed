"""The ledger uploaded in the browser: kept by its hash, previewed (row errors, or the diff and figures before →
after) without writing, and imported on confirmation exactly as previewed."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.ledger_files import ROWS, campaign, counts, measure, write_csv

from portal.models import AuditEvent
from portal.services.common.authz import PermissionDenied
from portal.services.ledger import import_preview, uploads
from portal.services.ledger.importer import import_ledger
from portal.services.ledger.rejects import LedgerRejected


def changed_rows() -> list[list]:
    """The test ledger with 1-2 done, 2-1's note reworded and a new measure 2-2."""
    rows = [list(row) for row in ROWS]
    rows[1][10:13] = ["已完成", "2021-02-01", "已建立"]
    rows[2][12] = "会议减少三成"
    rows.append([4, rows[2][1], 2, "会议偏多", "3个月内整改到位", "副主席", "组织部、办公室", "", "2-2", "压缩发文",
                 "正在整改", "", ""])
    return rows


@pytest.fixture
def ledger(session, tmp_path):
    """The test ledger imported into campaign test-2020."""
    c = campaign(session)
    import_ledger(session, c, write_csv(tmp_path / "first.csv", ROWS), actor="test")
    session.commit()
    return c


def stored(folder: Path, path: Path) -> uploads.StoredLedger:
    with path.open("rb") as data:
        return uploads.store(folder, path.name, data)


def test_upload_is_kept_under_its_sha256_and_found_again_by_it(tmp_path):
    kept = stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", ROWS))
    assert kept.path.name == f"{kept.sha256}.csv"
    assert uploads.kept(tmp_path / "kept", kept.sha256) == kept


def test_a_kept_file_whose_content_no_longer_matches_its_hash_is_refused(tmp_path):
    kept = stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", ROWS))
    kept.path.write_bytes(b"tampered")
    with pytest.raises(uploads.UploadGone):
        uploads.kept(tmp_path / "kept", kept.sha256)
    with pytest.raises(uploads.UploadGone):
        uploads.kept(tmp_path / "kept", "../secret_key")


def test_other_file_types_and_empty_files_are_refused(tmp_path):
    with pytest.raises(LedgerRejected, match="不支持的文件类型"):
        uploads.store(tmp_path, "ledger.xls", io.BytesIO(b"x"))
    with pytest.raises(LedgerRejected, match="空的"):
        uploads.store(tmp_path, "ledger.csv", io.BytesIO(b""))


def test_preview_lists_the_changes_and_figures_and_writes_nothing(session, make_user, ledger, tmp_path):
    office = make_user("rectification")
    before = counts(session)
    found = import_preview.preview(session, office, ledger,
                                   stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", changed_rows())))
    assert [row.code for row in found.added] == ["2-2"]
    assert {code: [(c.field, c.old_value, c.new_value) for c in changes] for code, changes in found.changed.items()} \
        == {"1-2": [("status", "in_progress", "done"), ("completed_on", None, "2021-02-01"),
                    ("progress_note", "起草中", "已建立")],
            "2-1": [("progress_note", None, "会议减少三成")]}
    figures = {f.key: (f.before, f.after) for f in found.figures}
    assert figures["measures"] == (3, 4)
    assert figures["done"] == (2, 3)
    assert figures["rate"] == ("66.67", "75.00")
    assert figures["rectified_problems"] == (1, 1)
    session.rollback()
    assert counts(session) == before


def test_confirm_imports_the_previewed_file_and_audits_it(session, make_user, ledger, tmp_path):
    office = make_user("rectification")
    kept = stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", changed_rows()))
    found = import_preview.preview(session, office, ledger, kept)
    result = import_preview.confirm(session, office, ledger, kept, found.data_version, "l.csv")
    session.commit()
    assert (result.created, result.changed) == (1, 2)
    assert measure(session, "1-2").status == "done"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "ledger.import"))
    assert event.details["sha256"] == kept.sha256 and event.details["filename"] == "l.csv"


def test_confirm_after_the_ledger_moved_on_is_refused(session, make_user, ledger, tmp_path):
    office = make_user("rectification")
    kept = stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", changed_rows()))
    found = import_preview.preview(session, office, ledger, kept)
    ledger.touch()
    with pytest.raises(import_preview.LedgerMovedOn):
        import_preview.confirm(session, office, ledger, kept, found.data_version, "l.csv")


def test_a_broken_ledger_lists_every_row_error(session, make_user, ledger, tmp_path):
    rows = changed_rows()
    rows[0][10] = "差不多"
    with pytest.raises(LedgerRejected) as caught:
        import_preview.preview(session, make_user("rectification"), ledger,
                               stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", rows)))
    assert [str(e) for e in caught.value.errors] == [
        "第2行，“完成情况”列：无法识别的完成情况“差不多”（可填：已完成、已整改、完成、整改完成、正在整改、整改中、持续推进、推进中）"]


def test_only_the_office_may_preview(session, make_user, ledger, tmp_path):
    kept = stored(tmp_path / "kept", write_csv(tmp_path / "l.csv", ROWS))
    with pytest.raises(PermissionDenied):
        import_preview.preview(session, make_user("admin"), ledger, kept)
