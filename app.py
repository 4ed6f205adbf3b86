"""Tra cứu Xây dựng Đảng — the Gradio app. Thin: every answer comes from assistant.Assistant."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from pathlib import Path

import config  # first: switches off network access before gradio or chromadb are imported
from assistant.catalog import lookup
from assistant.pipeline import Assistant, QuestionError
from assistant.render import (
    CATALOG_COLUMNS,
    DOCUMENT_COLUMNS,
    answer_markdown,
    catalog_detail_markdown,
    catalog_row,
    document_row,
    mode_line,
    sources_markdown,
)
from vectorstore.indexer import STATUS_LABELS, import_upload, outcome_note

TITLE = "Tra cứu Xây dựng Đảng"
FONT_STACK = ["Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial", "DejaVu Sans", "sans-serif"]
EXAMPLES = [
    "Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?",
    "Năm 2021 huyện kết nạp bao nhiêu đảng viên?",
    "Kết luận 21-KL/TW",
    "Việc nêu gương của cán bộ, đảng viên còn hạn chế gì?",
    "ket nap bao nhieu dang vien tu sau dai hoi tinh",
]
STREAM_WORDS = 4          # words per streamed piece of a reply
STREAM_PAUSE_S = 0.02


def _pieces(text: str) -> Iterator[str]:
    words = text.split(" ")
    for i in range(0, len(words), STREAM_WORDS):
        yield " ".join(words[i : i + STREAM_WORDS]) + (" " if i + STREAM_WORDS < len(words) else "")


def _turns(history: list[dict]) -> list[tuple[str, str]]:
    """The chat's previous turns as (question, answer) pairs, for follow-up questions."""
    turns, question = [], None
    for message in history:
        content = message.get("content")
        text = content if isinstance(content, str) else " ".join(
            part.get("text", "") for part in content or [] if isinstance(part, dict))
        if message.get("role") == "user":
            question = text
        elif question is not None:
            turns.append((question, text))
            question = None
    return turns


def build_ui(assistant: Assistant):
    """The Blocks app: a chat with its sources panel, and the list of documents."""
    import gradio as gr

    def ask(question: str) -> tuple[str, str]:
        """One question, one answer (API): the reply and its sources as Markdown."""
        try:
            answer = assistant.ask(question)
        except QuestionError as err:
            return str(err), ""
        return answer_markdown(answer), sources_markdown(answer)

    def chat(message: str, history: list[dict]) -> Iterator[tuple[list[dict], str, str]]:
        """Stream the reply into the chat (the model's tokens as they come, in LLM mode); then show the
        checked answer and fill the sources panel."""
        turns = _turns(history)
        history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        try:
            for item in assistant.stream(message, history=turns):
                if isinstance(item, str):
                    history[-1]["content"] += html.escape(item, quote=False)
                    yield history, "", gr.skip()
                    continue
                if item.mode == "extractive":
                    for piece in _pieces(answer_markdown(item)):
                        history[-1]["content"] += piece
                        yield history, "", gr.skip()
                        time.sleep(STREAM_PAUSE_S)
                history[-1]["content"] = answer_markdown(item)
                yield history, "", sources_markdown(item)
        except QuestionError as err:
            history[-1]["content"] = str(err)
            yield history, "", gr.skip()

    def documents() -> list[list]:
        return [document_row(d) for d in assistant.library.documents()]

    def document_choices():
        return gr.update(choices=[(d["title"], d["doc_id"]) for d in assistant.library.documents()], value=None)

    def upload(files: list[str] | None, progress=gr.Progress()) -> tuple[list[list], list[list], dict]:  # noqa: B008
        """Index the uploaded files; one row per outcome."""
        rows = []
        for i, path in enumerate(files or []):
            progress(i / len(files), desc=f"Đang nạp {Path(path).name}")
            for r in import_upload(assistant.library, Path(path), Path(path).name):
                rows.append([r.title, STATUS_LABELS[r.status], r.passages, outcome_note(r)])
        return rows, documents(), document_choices()

    def cited(query: str) -> tuple[list[list], str]:
        """The cited-documents table (filtered by the query) and the details of the matches."""
        catalog = assistant.catalog()
        query = (query or "").strip()
        entries = lookup(catalog, query) if query else sorted(catalog.values(), key=lambda e: e.key)
        if query and not entries:
            return [], f"Không tìm thấy văn bản «{query}» trong các tài liệu hiện có."
        return [catalog_row(e) for e in entries], catalog_detail_markdown(entries) if query else ""

    def delete(doc_id: str | None) -> tuple[str, list[list], dict]:
        if not doc_id:
            return "Hãy chọn một tài liệu để xóa.", documents(), document_choices()
        title = next((d["title"] for d in assistant.library.documents() if d["doc_id"] == doc_id), doc_id)
        assistant.library.remove(doc_id)
        return f"Đã xóa: {title}", documents(), document_choices()

    with gr.Blocks(title=TITLE) as ui:
        gr.Markdown(f"# {TITLE}\n{mode_line(assistant.llm.label if assistant.llm else None)}", elem_id="mode")
        with gr.Tab("Hỏi đáp"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Hội thoại", height=520, elem_id="chat")
                    question = gr.Textbox(
                        label="Câu hỏi", placeholder="Nhập câu hỏi về tài liệu… (Enter để gửi)",
                        elem_id="question", lines=1,
                    )
                    with gr.Row():
                        send = gr.Button("Gửi", variant="primary", elem_id="send")
                        clear = gr.Button("Xóa hội thoại")
                    gr.Examples(EXAMPLES, inputs=question, label="Câu hỏi mẫu")
                with gr.Column(scale=2):
                    gr.Markdown("### Nguồn trích dẫn")
                    sources = gr.Markdown(elem_id="sources")
        with gr.Tab("Tài liệu") as docs_tab:
            table = gr.Dataframe(
                headers=DOCUMENT_COLUMNS, value=documents, interactive=False, elem_id="docs", wrap=True,
                column_widths=["40%", "10%", "12%", "10%", "14%", "14%"],
            )
            files = gr.File(
                label="Tải tài liệu lên (.docx, .pdf, .md, .txt, .jsonl)", file_count="multiple", elem_id="upload"
            )
            import_button = gr.Button("Nạp vào thư viện", variant="primary", elem_id="import")
            outcome = gr.Dataframe(
                headers=["Tài liệu", "Kết quả", "Số đoạn", "Ghi chú"], interactive=False, elem_id="outcome",
                wrap=True, column_widths=["35%", "15%", "10%", "40%"],
            )
            with gr.Row():
                to_delete = gr.Dropdown(label="Tài liệu cần xóa", choices=[], elem_id="to-delete")
                delete_button = gr.Button("Xóa tài liệu", variant="stop", elem_id="delete")
            deleted = gr.Markdown(elem_id="deleted")
        with gr.Tab("Văn bản được trích dẫn") as refs_tab:
            refs_query = gr.Textbox(
                label="Số hiệu hoặc tên văn bản", placeholder="Ví dụ: 21-KL/TW, Kết luận 21, Quy định 101",
                elem_id="refs-query",
            )
            refs_table = gr.Dataframe(
                headers=CATALOG_COLUMNS, interactive=False, wrap=True, elem_id="refs",
                column_widths=["14%", "12%", "10%", "40%", "10%", "14%"],
            )
            refs_detail = gr.Markdown(elem_id="refs-detail")
        for trigger in (question.submit, send.click):
            trigger(chat, [question, chatbot], [chatbot, question, sources], api_name=False)
        clear.click(lambda: ([], ""), None, [chatbot, sources], api_name=False)
        refs_tab.select(cited, refs_query, [refs_table, refs_detail], api_name=False)
        refs_query.submit(cited, refs_query, [refs_table, refs_detail], api_name="van_ban")
        docs_tab.select(lambda: (documents(), document_choices()), None, [table, to_delete], api_name=False)
        import_button.click(upload, files, [outcome, table, to_delete], api_name="nap")
        delete_button.click(delete, to_delete, [deleted, table, to_delete], api_name="xoa")
        hidden_q = gr.Textbox(visible=False)
        hidden_a, hidden_s = gr.Markdown(visible=False), gr.Markdown(visible=False)
        hidden_q.submit(ask, hidden_q, [hidden_a, hidden_s], api_name="hoi")
    return ui


def main() -> None:
    """Load the model and the library, index the bundled sample on first start, then serve."""
    import gradio as gr

    from vectorstore.indexer import ensure_samples_indexed

    settings = config.load()
    print(f"Đang tải mô hình và thư viện ({settings.data_dir})…", flush=True)
    assistant = Assistant(settings)
    ensure_samples_indexed(assistant.library)
    ui = build_ui(assistant)
    print(f"Sẵn sàng: http://{settings.host}:{settings.port}", flush=True)
    ui.queue(default_concurrency_limit=2).launch(
        server_name=settings.host, server_port=settings.port, share=False,
        theme=gr.themes.Default(font=FONT_STACK, font_mono=FONT_STACK),  # tables use the "mono" font
        show_error=False,
    )


if __name__ == "__main__":
    main()
