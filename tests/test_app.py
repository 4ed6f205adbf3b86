"""The real app: started as a subprocess on a free port, queried through gradio_client and a browser."""

from __future__ import annotations

import subprocess


def test_app_answers_with_citations_through_the_api(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    reply, sources = client.predict("Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?", api_name="/hoi")
    assert "58" in reply and "[1]" in reply
    assert "<mark>" in sources and "58 tổ chức cơ sở đảng" in sources
    assert "I. ĐẶC ĐIỂM, TÌNH HÌNH" in sources


def test_app_says_plainly_when_documents_do_not_answer(app_url):
    from gradio_client import Client

    reply, _ = Client(app_url, verbose=False).predict("Huyện Tây Sơn có diện tích bao nhiêu km2?", api_name="/hoi")
    assert "Không tìm thấy thông tin này trong các tài liệu hiện có." in reply


def test_app_rejects_an_empty_question_with_a_message(app_url):
    from gradio_client import Client

    reply, sources = Client(app_url, verbose=False).predict("   ", api_name="/hoi")
    assert reply == "Vui lòng nhập câu hỏi." and sources == ""


def test_app_listens_on_loopback_only(app_url):
    port = int(app_url.rsplit(":", 1)[1].strip("/"))
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    local_addresses = [line.split()[3] for line in out.splitlines() if line.strip()]
    assert local_addresses == [f"127.0.0.1:{port}"]


def test_upload_then_delete_a_document_through_the_app(app_url, tmp_path):
    from gradio_client import Client, handle_file

    client = Client(app_url, verbose=False)
    report = tmp_path / "bao-cao-thon-thu-nghiem.txt"
    report.write_text(
        "BÁO CÁO\nkết quả sinh hoạt của Chi bộ Thôn Thử Nghiệm\n\nI. TÌNH HÌNH\n"
        "Chi bộ Thôn Thử Nghiệm có 27 đảng viên, sinh hoạt định kỳ vào ngày mùng 5 hằng tháng.\n",
        encoding="utf-8",
    )
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    outcome, _, _ = client.predict([handle_file(str(report)), handle_file(str(empty))], api_name="/nap")
    rows = {row[0]: row for row in outcome["data"]}
    assert any(r[1] == "thêm mới" for r in rows.values())
    assert any(r[1] == "bị từ chối" and "Tệp rỗng" in r[3] for r in rows.values())
    reply, _ = client.predict("Chi bộ Thôn Thử Nghiệm có bao nhiêu đảng viên?", api_name="/hoi")
    assert "27 đảng viên" in reply

    again, _, _ = client.predict([handle_file(str(report))], api_name="/nap")
    assert again["data"][0][1] == "trùng nội dung"  # every upload is a source of its own; this one adds nothing

    doc_id = "bao-cao-thon-thu-nghiem"
    message, _, _ = client.predict(doc_id, api_name="/xoa")
    assert message.startswith("Đã xóa")
    reply, _ = client.predict("Chi bộ Thôn Thử Nghiệm có bao nhiêu đảng viên?", api_name="/hoi")
    assert "27 đảng viên" not in reply
    log = client.predict(api_name="/nhat_ky")["data"]  # without accounts everyone edits, logged as «ẩn danh»
    assert [row[1:3] for row in log[:2]] == [["ẩn danh", "xóa"], ["ẩn danh", "thêm mới"]]


def test_library_table_shows_type_and_signer_derived_columns(app_url):
    from gradio_client import Client

    reply, sources = Client(app_url, verbose=False).predict("Có bao nhiêu chi bộ cơ sở?", api_name="/hoi")
    assert "(Báo cáo)" in sources  # the document label read from the report's header


def test_cited_documents_tab_finds_a_directive_and_its_citing_passages(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    table, detail = client.predict("Kết luận 21", api_name="/van_ban")
    assert table["data"][0][0] == "21-KL/TW" and table["data"][0][2] == "25/10/2021"
    assert table["data"][0][5] == "chưa có toàn văn"
    assert "Kế hoạch số 42-KH/HU" in detail  # the passage that cites it
    everything, _ = client.predict("", api_name="/van_ban")
    assert len(everything["data"]) > 20
    _, missing = client.predict("Nghị quyết 35-NQ/TW", api_name="/van_ban")
    assert missing.startswith("Không tìm thấy văn bản")


def test_chat_answers_a_reference_from_the_catalog(app_url):
    from gradio_client import Client

    reply, sources = Client(app_url, verbose=False).predict(
        "Huyện đã ban hành văn bản nào để thực hiện Kết luận 14-KL/TW?", api_name="/hoi")
    assert "Kế hoạch số 41-KH/HU" in reply and "[1]" in reply
    assert "<mark>" in sources and "14-KL/TW" in sources
