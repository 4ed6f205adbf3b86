"""Which document a file is: two files are two documents whatever their names; an update comes only
from the same source or an explicit replace; copies in another encoding are duplicates; several
processes writing one library lose and double nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import config
from vectorstore.indexer import STATUS_LABELS, import_upload, index_files, outcome_note, remove_document
from vectorstore.library import Library

TEMPLATE = """BÁO CÁO
tình hình tổ chức đảng và đảng viên của Đảng bộ xã {xa} năm 2023

I. TÌNH HÌNH CHUNG
Đảng bộ xã {xa} hiện có 13 chi bộ trực thuộc; tổng số {n} đảng viên, trong đó có 8 đảng viên dự bị.

II. KẾT QUẢ
Đảng ủy xã {xa} tổ chức học tập, quán triệt các nghị quyết cho cán bộ, đảng viên.
"""


def _report(folder: Path, name: str, xa: str, n: int, encoding: str = "utf-8", newline: str = "\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(TEMPLATE.format(xa=xa, n=n).replace("\n", newline).encode(encoding))
    return path


def _members(library: Library, xa: str) -> set[str]:
    """The passages that give the commune's number of party members."""
    hits = [library.passage(pid).text for pid, _ in library.bm25_search(f"xã {xa} tổng số đảng viên", 20)]
    return {t for t in hits if f"xã {xa} hiện có" in t}


def _settings_with_model(sample_settings, data_dir: Path) -> config.Settings:
    data_dir.mkdir(parents=True)
    (data_dir / "models").symlink_to(sample_settings.models_dir)
    return config.Settings(**{**sample_settings.__dict__, "data_dir": data_dir})


def test_same_file_name_in_two_folders_gives_two_documents(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    tuong = _report(tmp_path / "docs" / "xa-cat-tuong", "bao-cao-6-thang.md", "Cát Tường", 198)
    khanh = _report(tmp_path / "docs" / "xa-cat-khanh", "bao-cao-6-thang.md", "Cát Khánh", 226)
    results = index_files(library, [tmp_path / "docs"], show_progress=False)
    assert [r.status for r in results] == ["added", "added"]
    assert {r.doc_id for r in results} == {"bao-cao-6-thang", "bao-cao-6-thang-2"}
    first, second = results  # the folder is read in name order: xa-cat-khanh first
    assert "Trùng tên tệp" in outcome_note(second) and not first.note
    assert any("226 đảng viên" in t for t in _members(library, "Cát Khánh"))
    assert any("198 đảng viên" in t for t in _members(library, "Cát Tường"))

    # the same folder again: nothing changes; one file edited: only its document is updated
    assert [r.status for r in index_files(library, [tmp_path / "docs"], show_progress=False)] == ["unchanged"] * 2
    _report(khanh.parent, khanh.name, "Cát Khánh", 230)
    again = index_files(library, [tuong, khanh], show_progress=False)
    assert [(r.doc_id, r.status) for r in again] == [(second.doc_id, "unchanged"), (first.doc_id, "replaced")]
    assert STATUS_LABELS["replaced"] == "cập nhật"
    assert any("230 đảng viên" in t for t in _members(library, "Cát Khánh"))
    assert not any("226 đảng viên" in t for t in _members(library, "Cát Khánh"))
    assert len(library.documents()) == 2


def test_uploads_with_one_name_are_two_documents_until_one_is_replaced(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    first = _report(tmp_path / "a", "Báo cáo.md", "Cát Tường", 198)
    second = _report(tmp_path / "b", "Báo cáo.md", "Cát Khánh", 226)
    [a] = import_upload(library, first, "Báo cáo.md", user="lan")
    [b] = import_upload(library, second, "Báo cáo.md", user="lan")
    assert (a.status, b.status) == ("added", "added") and a.doc_id != b.doc_id
    assert b.note and "Trùng tên tệp" in b.note
    assert len(list(empty_settings.uploads_dir.rglob("*.md"))) == 2

    # «Cập nhật»: the user picks the listed document and a new file for it
    fixed = _report(tmp_path / "c", "bao-cao-sua.md", "Cát Khánh", 231)
    [r] = import_upload(library, fixed, "bao-cao-sua.md", replace=b.doc_id, user="lan")
    assert (r.doc_id, r.status) == (b.doc_id, "replaced")
    assert any("231 đảng viên" in t for t in _members(library, "Cát Khánh"))
    assert any("198 đảng viên" in t for t in _members(library, "Cát Tường"))
    assert len(library.documents()) == 2
    assert len(list(empty_settings.uploads_dir.rglob("*.md"))) == 2  # the replaced upload's copy is gone

    [bad] = import_upload(library, fixed, "x.md", replace="khong-co")
    assert bad.status == "rejected" and "khong-co" in bad.error
    assert remove_document(library, a.doc_id, user="lan")
    assert len(list(empty_settings.uploads_dir.rglob("*.md"))) == 1

    from vectorstore import audit

    log = audit.entries(empty_settings.data_dir)
    assert [(e["action"], e["doc_id"], e["user"]) for e in log] == [
        ("deleted", a.doc_id, "lan"), ("replaced", b.doc_id, "lan"),
        ("added", b.doc_id, "lan"), ("added", a.doc_id, "lan"),
    ]


def test_cli_replace_updates_the_named_document(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    [a] = index_files(library, [_report(tmp_path / "a", "bao-cao.md", "Cát Tân", 241)], show_progress=False)
    other = _report(tmp_path / "b", "bao-cao-moi.md", "Cát Tân", 245)
    [r] = index_files(library, [other], show_progress=False, replace=a.doc_id)
    assert (r.doc_id, r.status) == (a.doc_id, "replaced")
    assert library.document(a.doc_id)["source_path"] == str(other)
    # that file is now the document's source: ingesting it again is "unchanged", not a new document
    assert [x.status for x in index_files(library, [other], show_progress=False)] == ["unchanged"]
    assert len(library.documents()) == 1


def test_a_copy_in_utf16_with_crlf_is_a_duplicate(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    original = _report(tmp_path, "bao-cao-xa-cat-tan-2023.md", "Cát Tân", 241)
    copy = _report(tmp_path, "Bao cao xa Cat Tan (gui lai).txt", "Cát Tân", 241, encoding="utf-16", newline="\r\n")
    first, second = index_files(library, [original, copy], show_progress=False)
    assert first.status == "added"
    assert second.status == "duplicate" and second.duplicate_of == first.doc_id
    assert STATUS_LABELS[second.status] == "trùng nội dung"
    assert len(_members(library, "Cát Tân")) == 1


def _ingest(data_dir: Path, *paths: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "ingest", *map(str, paths)], cwd=config.ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_document_another_process_adds_is_kept_and_seen(sample_settings, embedder, tmp_path):
    """The app (this process) has the library open; the command line adds a report; the app then
    adds one of its own and answers about both; a fresh process finds all three."""
    from assistant.pipeline import Assistant

    settings = _settings_with_model(sample_settings, tmp_path / "data")
    app = Assistant(settings, Library(settings, embedder))
    index_files(app.library, [_report(tmp_path / "docs", "bao-cao-xa-cat-tuong.md", "Cát Tường", 198)],
                show_progress=False)
    cli = _ingest(settings.data_dir, _report(tmp_path / "docs", "bao-cao-xa-cat-chanh.md", "Cát Chánh", 277))
    assert cli.returncode == 0, cli.stderr

    answer = app.ask("Đảng bộ xã Cát Chánh có bao nhiêu đảng viên?")  # seen without a restart
    assert "277" in answer.text and not answer.abstained
    [up] = import_upload(app.library, _report(tmp_path / "up", "bao-cao-xa-cat-tien.md", "Cát Tiến", 305),
                         "bao-cao-xa-cat-tien.md")
    assert up.status == "added"
    assert "277" in app.ask("Đảng bộ xã Cát Chánh có bao nhiêu đảng viên?").text

    fresh = Library(settings, embedder)
    assert {d["doc_id"] for d in fresh.documents()} == {
        "bao-cao-xa-cat-tuong", "bao-cao-xa-cat-chanh", "bao-cao-xa-cat-tien"}
    dense = [fresh.passage(pid).text for pid, _ in fresh.dense_search("Đảng bộ xã Cát Chánh tổng số đảng viên", 10)]
    assert any("277 đảng viên" in t for t in dense)  # its vectors survived the other process's write


def test_two_processes_writing_at_once_lose_nothing(sample_settings, tmp_path):
    settings = _settings_with_model(sample_settings, tmp_path / "data")
    communes = [("Cát Tường", 198), ("Cát Khánh", 226), ("Cát Tân", 241), ("Cát Chánh", 277),
                ("Cát Tiến", 305), ("Cát Hải", 312)]
    folders = [tmp_path / "one", tmp_path / "two"]
    for i, (xa, n) in enumerate(communes):
        _report(folders[i % 2], "bao-cao-6-thang.md" if i < 2 else f"bao-cao-{i}.md", xa, n)
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "INGEST_BATCH": "1"}  # commit each document
    procs = [subprocess.Popen([sys.executable, "-m", "ingest", str(f)], cwd=config.ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in folders]
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    from vectorstore.embedder import load_embedder

    library = Library(settings, load_embedder(settings))
    assert len(library.documents()) == len(communes)
    records = library._collection.get(include=["metadatas"])["metadatas"]
    assert len(records) == len(library) == sum(d["passages"] for d in library.documents())
    for xa, n in communes:
        assert any(f"{n} đảng viên" in t for t in _members(library, xa)), xa
        dense = [library.passage(pid).text for pid, _ in library.dense_search(f"Đảng bộ xã {xa} tổng số đảng viên", 6)]
        assert any(f"xã {xa} hiện có" in t for t in dense), xa
