"""The library on a real Chroma store on disk: idempotent ingest, replacement, removal, repair."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from ingest.loader import load_document
from vectorstore.indexer import index_files
from vectorstore.library import Library, collection_name
from vectorstore.store import PassageStore

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "bao-cao-xay-dung-dang-tay-son-2022.md"

SHORT_REPORT = """BÁO CÁO
kết quả công tác kiểm tra năm 2023 của Chi bộ Thôn Thử Nghiệm

I. TÌNH HÌNH CHUNG
Chi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt định kỳ vào ngày mùng 5 hằng tháng.

II. KẾT QUẢ
Trong năm, chi bộ kiểm tra 3 đảng viên và giám sát 5 đảng viên; không có đảng viên vi phạm.
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _chroma_count(library: Library) -> int:
    return library._collection.count()


def test_reingest_of_unchanged_file_is_skipped(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    first = index_files(library, [SAMPLE], show_progress=False)
    count = _chroma_count(library)
    second = index_files(library, [SAMPLE], show_progress=False)
    assert [r.status for r in first] == ["added"]
    assert [r.status for r in second] == ["unchanged"]
    assert _chroma_count(library) == count == len(library) == first[0].passages


def test_changed_file_replaces_its_passages(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    path = _write(tmp_path / "docs" / "bao-cao-thu.txt", SHORT_REPORT)
    index_files(library, [path], show_progress=False)
    _write(path, SHORT_REPORT.replace("27 đảng viên", "31 đảng viên"))
    [result] = index_files(library, [path], show_progress=False)
    assert result.status == "replaced"
    texts = [library.passage(pid).text for pid, _ in library.bm25_search("đảng viên sinh hoạt", 10)]
    assert any("31 đảng viên" in t for t in texts)
    assert not any("27 đảng viên" in t for t in texts)
    assert _chroma_count(library) == len(library) == result.passages
    assert len(library.documents()) == 1


def test_same_content_under_another_name_is_not_indexed_twice(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    a = _write(tmp_path / "a.txt", SHORT_REPORT)
    b = _write(tmp_path / "b.txt", SHORT_REPORT)
    results = index_files(library, [a, b], show_progress=False)
    assert [r.status for r in results] == ["added", "duplicate"]
    assert results[1].duplicate_of == results[0].doc_id
    assert len(library.documents()) == 1


def test_remove_takes_passages_out_of_both_indexes(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    path = _write(tmp_path / "bao-cao-thu.txt", SHORT_REPORT)
    index_files(library, [SAMPLE, path], show_progress=False)
    doc_id = load_document(path).doc_id
    assert library.remove(doc_id)
    assert not library.remove(doc_id)
    assert all(library.passage(pid).doc_id != doc_id for pid, _ in library.bm25_search("Thôn Thử Nghiệm", 50))
    assert all(library.passage(pid).doc_id != doc_id for pid, _ in library.dense_search("Thôn Thử Nghiệm", 50))
    assert [d["doc_id"] for d in library.documents()] == [load_document(SAMPLE).doc_id]


class Crash(Exception):
    """Stands for the process dying at that point."""


def _crash(*args, **kwargs):
    raise Crash


def _passage_texts(library: Library) -> list[str]:
    return [library.passage(pid).text for pid, _ in library.bm25_search("đảng viên", 50)]


def _change_with_crash(library: Library, tmp_path: Path, monkeypatch, target, name: str, crash) -> Path:
    """Index a report, change it, and re-index it with `target.name` replaced by `crash`."""
    path = _write(tmp_path / "bao-cao-thu.txt", SHORT_REPORT)
    index_files(library, [path], show_progress=False)
    _write(path, SHORT_REPORT.replace("27 đảng viên", "31 đảng viên"))
    monkeypatch.setattr(target, name, crash)
    with pytest.raises(Crash):
        index_files(library, [path], show_progress=False)
    monkeypatch.undo()
    return path


def _complete(library: Library) -> bool:
    """Every passage has exactly one vector in Chroma, of its current version."""
    done, total = library.vector_progress()
    return done == total == _chroma_count(library) == len(library)


def test_crash_before_the_commit_keeps_the_old_version(empty_settings, embedder, tmp_path, monkeypatch):
    path = _change_with_crash(Library(empty_settings, embedder), tmp_path, monkeypatch, PassageStore, "put", _crash)

    reopened = Library(empty_settings, embedder)
    texts = _passage_texts(reopened)
    assert any("27 đảng viên" in t for t in texts) and not any("31 đảng viên" in t for t in texts)
    assert _complete(reopened) and len(reopened) == reopened.documents()[0]["passages"]
    [again] = index_files(reopened, [path], show_progress=False)
    assert again.status == "replaced"
    assert any("31 đảng viên" in t for t in _passage_texts(reopened))


def test_crash_after_the_commit_keeps_the_new_version_and_resumes_its_vectors(
    empty_settings, embedder, tmp_path, monkeypatch,
):
    _change_with_crash(Library(empty_settings, embedder), tmp_path, monkeypatch, Library, "embed_waiting", _crash)

    reopened = Library(empty_settings, embedder)
    texts = _passage_texts(reopened)
    assert any("31 đảng viên" in t for t in texts) and not any("27 đảng viên" in t for t in texts)
    done, total = reopened.vector_progress()
    assert total == len(reopened) == reopened.documents()[0]["passages"] and done < total
    reopened.embed_waiting()
    assert _complete(reopened)
    hits = [reopened.passage(pid).text for pid, _ in reopened.dense_search("Chi bộ có bao nhiêu đảng viên?", 3)]
    assert any("31 đảng viên" in t for t in hits)


def test_crash_between_writing_vectors_and_marking_them_doubles_nothing(
    empty_settings, embedder, tmp_path, monkeypatch,
):
    _change_with_crash(Library(empty_settings, embedder), tmp_path, monkeypatch, PassageStore, "mark_embedded", _crash)

    reopened = Library(empty_settings, embedder)
    assert reopened.vector_progress()[0] < len(reopened)
    reopened.embed_waiting()
    assert _complete(reopened)
    assert len(reopened.documents()) == 1


def test_a_document_is_found_by_keywords_before_its_vectors(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    path = _write(tmp_path / "bao-cao-thu.txt", SHORT_REPORT)
    [result] = index_files(library, [path], show_progress=False, embed=False)
    assert result.status == "added"
    assert [d["doc_id"] for d in library.documents()] == [result.doc_id]
    assert library.vector_progress() == (0, result.passages)
    assert any("27 đảng viên" in library.passage(pid).text for pid, _ in library.bm25_search("27 đảng viên", 3))
    assert library.dense_search("Chi bộ có bao nhiêu đảng viên?", 5) == []
    assert library.embed_waiting() == result.passages
    assert _complete(library)
    assert library.dense_search("Chi bộ có bao nhiêu đảng viên?", 5)


def test_unchanged_passages_of_a_new_version_reuse_their_vectors(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    path = _write(tmp_path / "bao-cao-thu.txt", SHORT_REPORT)
    index_files(library, [path], show_progress=False)
    _write(path, SHORT_REPORT.replace("27 đảng viên", "31 đảng viên"))
    index_files(library, [path], show_progress=False, embed=False)
    embedded = []
    real = library.embedder.embed_passages
    library.embedder.embed_passages = lambda texts: embedded.extend(texts) or real(texts)
    try:
        library.embed_waiting()
    finally:
        del library.embedder.embed_passages
    assert embedded and all("27" not in t for t in embedded) and any("31 đảng viên" in t for t in embedded)
    assert len(embedded) < len(library)
    assert _complete(library)


def test_a_second_library_object_follows_the_first_by_its_change_log(empty_settings, embedder, tmp_path):
    first, second = Library(empty_settings, embedder), Library(empty_settings, embedder)
    path = _write(tmp_path / "bao-cao-thu.txt", SHORT_REPORT)
    [result] = index_files(first, [SAMPLE, path], show_progress=False)[1:]
    assert second.refresh()
    assert {d["doc_id"] for d in second.documents()} == {d["doc_id"] for d in first.documents()}
    assert second.bm25_search("Thôn Thử Nghiệm", 1)[0][0] in {p.id for p in first.document_passages(result.doc_id)}
    assert first.remove(result.doc_id)
    assert second.refresh() and not second.refresh()
    assert len(second) == len(first)
    assert all(second.passage(pid).doc_id != result.doc_id for pid, _ in second.bm25_search("Thôn Thử Nghiệm", 50))


def test_a_broken_or_stale_bm25_snapshot_is_rebuilt(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    index_files(library, [SAMPLE], show_progress=False)
    meta = library.dir / "bm25" / "ids.json"
    data = json.loads(meta.read_text())
    data["stamp"] = 10**9  # a snapshot newer than the store: not to be trusted
    meta.write_text(json.dumps(data))
    reopened = Library(empty_settings, embedder)
    assert reopened.bm25_search("58 tổ chức cơ sở đảng", 1)
    (library.dir / "bm25" / "terms.json").unlink()
    assert Library(empty_settings, embedder).bm25_search("58 tổ chức cơ sở đảng", 1)


def test_rejected_file_changes_nothing(empty_settings, embedder, tmp_path):
    library = Library(empty_settings, embedder)
    index_files(library, [SAMPLE], show_progress=False)
    before = _chroma_count(library)
    empty = _write(tmp_path / "rong.txt", "")
    [result] = index_files(library, [empty], show_progress=False)
    assert result.status == "rejected" and result.error
    assert _chroma_count(library) == before
    assert len(library.documents()) == 1


def test_two_models_never_share_a_collection():
    assert collection_name("intfloat/multilingual-e5-small") != collection_name("BAAI/bge-m3")


@pytest.mark.parametrize("model", ["intfloat/multilingual-e5-small", "/home/u/models/Vietnamese_Embedding"])
def test_collection_names_are_valid_for_chroma(model):
    name = collection_name(model)
    assert 3 <= len(name) <= 512 and name[0].isalnum() and name[-1].isalnum()


def test_data_dir_decides_where_everything_goes(empty_settings, embedder):
    other = dataclasses.replace(empty_settings, data_dir=empty_settings.data_dir.parent / "khac")
    Library(empty_settings, embedder)
    Library(other, embedder)
    assert (empty_settings.data_dir / "chroma").is_dir() and (other.data_dir / "chroma").is_dir()


def test_the_sample_is_indexed_on_first_start_only(empty_settings, embedder):
    from vectorstore.indexer import ensure_samples_indexed

    library = Library(empty_settings, embedder)
    [first] = ensure_samples_indexed(library)
    assert first.status == "added"
    library.remove(first.doc_id)
    assert ensure_samples_indexed(Library(empty_settings, embedder)) == []  # a deleted sample stays deleted


def test_a_library_of_the_previous_version_is_migrated_with_its_vectors(empty_settings, embedder, tmp_path):
    """Before the SQLite store, the registry was library.json and the passages lived in Chroma's records."""
    import chromadb

    from ingest.docnumbers import doc_number_keys

    doc = load_document(_write(tmp_path / "bao-cao-thu.txt", SHORT_REPORT))
    name = collection_name(embedder.name)
    folder = empty_settings.data_dir / "indexes" / name
    folder.mkdir(parents=True)
    client = chromadb.PersistentClient(path=str(empty_settings.chroma_dir),
                                       settings=chromadb.Settings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(name, configuration={"hnsw": {"space": "cosine"}},
                                                 embedding_function=None)
    passages = list({p.id: p for p in doc.passages}.values())
    old = [(p, doc.content_hash) for p in passages] + [(passages[0], "an-older-version-0000")]  # + a stray record
    collection.add(
        ids=[f"{p.id}-{v[:12]}" for p, v in old],
        embeddings=embedder.embed_passages([p.embed_text for p, _ in old]),
        documents=[p.text for p, _ in old],
        metadatas=[{"pid": p.id, "doc_id": p.doc_id, "doc_title": p.doc_title, "section": p.section, "kind": p.kind,
                    "footnotes": ",".join(map(str, p.footnotes)), "start": p.start, "end": p.end, "context": p.context,
                    "source_id": p.doc_id, "version": v, "doc_numbers": "|".join(doc_number_keys(p.text)),
                    "page": p.page} for p, v in old],
    )
    entry = {"doc_id": doc.doc_id, "title": doc.title, "source_path": doc.source_path, "source": doc.source_path,
             "content_hash": doc.content_hash, "passages": len(passages), "added_at": 1.0, "updated_at": 1.0,
             "pages": 0, "metadata": doc.metadata}
    (folder / "library.json").write_text(json.dumps({doc.doc_id: entry}), encoding="utf-8")
    client.close()

    library = Library(empty_settings, embedder)
    assert [d["doc_id"] for d in library.documents()] == [doc.doc_id]
    assert library.vector_progress() == (len(passages), len(passages))  # nothing re-embedded
    assert any("27 đảng viên" in library.passage(pid).text for pid, _ in library.bm25_search("27 đảng viên", 3))
    assert any("27 đảng viên" in library.passage(pid).text
               for pid, _ in library.dense_search("Chi bộ có bao nhiêu đảng viên?", 3))
    assert not (folder / "library.json").exists() and (folder / "library.json.migrated").exists()
    library.embed_waiting()  # drops the stray record of the older version
    assert _chroma_count(library) == len(passages)
