"""Tra cứu Xây dựng Đảng — the Gradio app. Thin: every answer comes from assistant.Assistant.

The page is served first; the assistant (embedding model, library) is built in a background thread started
at launch (assistant.startup). Until it is ready the page says «Đang tải…» and a question waits for it, at
most LOADING_WAIT_S seconds, then gets «Hệ thống đang tải…». Importing this module imports neither torch,
sentence-transformers nor chromadb.
"""

from __future__ import annotations

import asyncio
import html
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import config  # first: switches off network access before gradio or chromadb are imported

# isort: split
import gradio as gr  # at the top: gradio finds the gr.Request parameters by their resolved type hints

from assistant import llm, users
from assistant.catalog import lookup
from assistant.pipeline import KEYWORDS_ONLY, Assistant, QuestionError
from assistant.render import (
    AUDIT_COLUMNS,
    CATALOG_COLUMNS,
    DOCUMENT_COLUMNS,
    answer_markdown,
    audit_row,
    catalog_detail_markdown,
    catalog_row,
    document_row,
    mode_line,
    sources_markdown,
)
from assistant.startup import NotReady, Startup, assistant_startup
from vectorstore import audit
from vectorstore.background import progress_text
from vectorstore.indexer import STATUS_LABELS, import_upload, outcome_note, remove_document

TITLE = "Tra cứu Xây dựng Đảng"
FONT_STACK = ["Segoe UI", "Roboto", "Noto Sans", "Helvetica Neue", "Arial", "DejaVu Sans", "sans-serif"]
EXAMPLES = [
    "Đảng bộ huyện có bao nhiêu tổ chức cơ sở đảng?",
    "Năm 2021 huyện kết nạp bao nhiêu đảng viên?",
    "Kết luận 21-KL/TW",
    "Việc nêu gương của cán bộ, đảng viên còn hạn chế gì?",
    "ket nap bao nhieu dang vien tu sau dai hoi tinh",
]
STUDY_HELP = ("Chọn một hay nhiều tài liệu (và chủ đề nếu muốn) để soạn tài liệu sinh hoạt chuyên đề: đề cương, "
              "số liệu chính, văn bản liên quan, câu hỏi thảo luận và câu hỏi trắc nghiệm, mọi trích dẫn kèm nguồn. "
              "Tải về bản Word hoặc Markdown để chỉnh sửa.")
STREAM_WORDS = 4          # words per streamed piece of a reply
STREAM_PAUSE_S = 0.02
LIBRARY_QUEUE = "thu-vien"  # uploads, updates and deletes: one at a time, never in the questions' worker slots
AUDIT_LIMIT = 200
LOADING_WAIT_S = 60.0     # how long a request waits for the assistant still loading before «Hệ thống đang tải…»
STATUS_TICK_S = 0.5       # how often the page asks whether loading has ended
VECTORS_TICK_S = 2.0      # how often the page shows the background embedding's progress while it runs
ANONYMOUS = "ẩn danh"       # the user the audit log records when nobody logs in (loopback, or ALLOW_ANONYMOUS=1)
READER_REFUSED = ("Tài khoản «{name}» chỉ có quyền đọc; cần quyền biên tập (editor) để thay đổi thư viện. "
                  "Không có gì thay đổi.")
READER_NOTE = ("Tài khoản của bạn có quyền đọc: hỏi đáp và xem danh sách tài liệu. Tải lên, cập nhật và xóa tài "
               "liệu cần quyền biên tập.")
NO_ACCOUNT = "Không xác định được tài khoản đăng nhập; không có gì thay đổi."
LOGIN_MESSAGE = "Đăng nhập bằng tài khoản do người quản trị cấp (python -m assistant users add)."
REFUSE_OPEN_SERVER = (
    "Không khởi động: HOST={host} cho phép máy khác truy cập, nhưng chưa có tài khoản người dùng nào, nên bất kỳ "
    "ai vào được cũng có thể tải lên, cập nhật và xóa tài liệu.\n"
    "Hãy tạo tài khoản trước (ví dụ: python -m assistant users add ten-dang-nhap --role editor), "
    "hoặc đặt ALLOW_ANONYMOUS=1 nếu thật sự muốn ai cũng được thay đổi thư viện."
)
WARN_OPEN_SERVER = ("Cảnh báo: HOST={host} không có tài khoản người dùng và ALLOW_ANONYMOUS=1: mọi người truy cập "
                    "được đều có thể tải lên, cập nhật và xóa tài liệu.")


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


def login_required(settings: config.Settings) -> bool:
    """Whether the app asks for a login: yes whenever user accounts exist. Without accounts, a server
    reachable from other machines (HOST not loopback) is refused unless ALLOW_ANONYMOUS=1."""
    if users.has_users(settings.data_dir):
        return True
    if not settings.loopback:
        if not settings.allow_anonymous:
            print(REFUSE_OPEN_SERVER.format(host=settings.host), file=sys.stderr, flush=True)
            raise SystemExit(2)
        print(WARN_OPEN_SERVER.format(host=settings.host), file=sys.stderr, flush=True)
    return False


def build_ui(assistant: Assistant | Startup[Assistant], login: bool = False, settings: config.Settings | None = None):
    """The Blocks app: a chat with its sources panel, and the list of documents. With `login`, only
    editors may change the library (checked in every event that changes it, not only in the page).

    `assistant` is an Assistant, or the Startup building it (then `settings` are its settings): until it is
    ready the page shows its status and every event waits for it, at most LOADING_WAIT_S seconds."""
    if isinstance(assistant, Startup):
        startup, settings = assistant, settings or config.load()
        llm_label = llm.label(settings) if settings.llm_enabled else None
    else:
        startup, settings = Startup.ready(assistant), assistant.settings
        llm_label = assistant.llm.label if assistant.llm else None
    data_dir = settings.data_dir

    def ready(wait: float = LOADING_WAIT_S) -> Assistant:
        """The assistant, once loaded; NotReady (a Vietnamese message) if it is still loading or failed."""
        return startup.get(wait)

    def editor(request: gr.Request | None) -> tuple[str, str]:
        """(refusal, user name): the refusal is "" when the caller may change the library."""
        if not login:
            return "", ANONYMOUS
        name = users.canonical_name(getattr(request, "username", None) or "")
        try:
            role = users.role(data_dir, name) if name else None
        except users.UserError:
            role = None
        if role == "editor":
            return "", name
        return (READER_REFUSED.format(name=name) if role else NO_ACCOUNT), name

    def ask(question: str) -> tuple[str, str]:
        """One question, one answer (API): the reply and its sources as Markdown."""
        try:
            answer = ready().ask(question)
        except (QuestionError, NotReady) as err:
            return str(err), ""
        return answer_markdown(answer), sources_markdown(answer)

    def chat(message: str, history: list[dict]) -> Iterator[tuple[list[dict], str, str]]:
        """Stream the reply into the chat (the model's tokens as they come, in LLM mode); then show the
        checked answer and fill the sources panel."""
        turns = _turns(history)
        history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        try:
            for item in ready().stream(message, history=turns):
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
        except (QuestionError, NotReady) as err:
            history[-1]["content"] = str(err)
            yield history, "", gr.skip()

    def listed(wait: float = LOADING_WAIT_S) -> list[dict]:
        """The library's documents, with those another process (the command line) added meanwhile;
        none while the assistant is loading (past `wait` seconds) or if it failed to load."""
        try:
            library = ready(wait).library
        except NotReady:
            return []
        library.refresh()
        return library.documents()

    def documents(wait: float = LOADING_WAIT_S) -> list[list]:
        return [document_row(d) for d in listed(wait)]

    def document_choices():
        return gr.update(choices=[(d["title"], d["doc_id"]) for d in listed()], value=None)

    def status():
        """The loading state for the page: «Đang tải…», the error that stopped loading, or hidden once ready."""
        text = startup.status()
        return gr.update(value=text, visible=bool(text))

    def tick():
        """The status; once loading has ended the timer stops, the document list is filled in and the
        embedding progress starts to be shown."""
        if startup.state == "loading":
            return status(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return status(), gr.Timer(active=False), documents(0), document_choices(), gr.Timer(active=True)

    def vectors():
        """«Đang lập chỉ mục ngữ nghĩa: 1.240/6.846 đoạn …» while passages wait for vectors (and the
        background's last error); the timer stops once every passage has its vector."""
        if startup.state != "ready":
            return gr.skip(), gr.skip()
        assistant = startup.get()
        text = progress_text(*assistant.library.vector_progress())
        if text:
            text += f" — {KEYWORDS_ONLY}"
        error = assistant.background.error if assistant.background else ""
        text = " ".join(filter(None, [text, error]))
        return gr.update(value=text, visible=bool(text)), gr.Timer(active=bool(text))

    def embed_now() -> bool:
        """Whether an import computes its vectors before it returns (BACKGROUND_EMBEDDING=0) rather than
        leaving them to the background thread; the thread is woken either way."""
        background = ready(0).background
        if background is not None:
            background.wake()
        return not settings.background_embedding

    def outcome_rows(results) -> list[list]:
        return [[r.title, STATUS_LABELS[r.status], r.passages, outcome_note(r)] for r in results]

    def refused_row(refusal: str) -> list[list]:
        return [["", STATUS_LABELS["rejected"], 0, refusal]]

    def upload(files: list[str] | None, request: gr.Request,
               progress=gr.Progress()) -> tuple[list[list], list[list], dict]:  # noqa: B008
        """Index the uploaded files (editors only); one row per outcome."""
        refusal, user = editor(request)
        if refusal:
            return refused_row(refusal), documents(), document_choices()
        try:
            library = ready().library
        except NotReady as err:
            return refused_row(str(err)), [], gr.skip()
        rows = []
        for i, path in enumerate(files or []):
            progress(i / len(files), desc=f"Đang nạp {Path(path).name}")
            rows += outcome_rows(import_upload(library, Path(path), Path(path).name, user=user,
                                               embed=embed_now()))
        return rows, documents(), document_choices()

    def update(doc_id: str | None, file: str | None, request: gr.Request) -> tuple[list[list], list[list], dict]:
        """Replace a listed document by an uploaded file (editors only)."""
        refusal, user = editor(request)
        if refusal:
            return refused_row(refusal), documents(), document_choices()
        try:
            library = ready().library
        except NotReady as err:
            return refused_row(str(err)), [], gr.skip()
        if not doc_id or not library.document(doc_id):
            return refused_row("Hãy chọn một tài liệu có trong thư viện để cập nhật."), documents(), gr.skip()
        if not file:
            return refused_row("Hãy chọn tệp mới cho tài liệu cần cập nhật."), documents(), gr.skip()
        results = import_upload(library, Path(file), Path(file).name, replace=doc_id, user=user,
                                embed=embed_now())
        return outcome_rows(results), documents(), document_choices()

    def audit_rows(request: gr.Request) -> list[list]:
        """The newest changes to the library, for editors (nothing for readers)."""
        if editor(request)[0]:
            return []
        return [audit_row(e) for e in audit.entries(data_dir, AUDIT_LIMIT)]

    def on_load(request: gr.Request):
        """Who is logged in; the editing controls and the audit log only for editors."""
        refusal, user = editor(request)
        allowed = not refusal
        role = users.ROLE_LABELS["editor" if allowed else "reader"]
        account = f"Đăng nhập: **{html.escape(user)}** ({role})" if login else ""
        return (gr.update(visible=allowed), gr.update(visible=allowed), gr.update(visible=not allowed),
                gr.update(visible=login, value=account), gr.update(visible=login), audit_rows(request))

    def study(doc_ids: list[str] | None, topic: str, quiz_count: float | None,
              progress=gr.Progress()) -> tuple[str, str | None, str | None]:  # noqa: B008
        """Build a study pack of the chosen documents: its Markdown view and the .docx and .md files."""
        from assistant.study.build import build_pack
        from assistant.study.export_docx import write_docx
        from assistant.study.export_md import pack_markdown

        try:
            library = ready().library
        except NotReady as err:
            return str(err), None, None
        listed = {d["doc_id"] for d in library.documents()}
        doc_ids = [d for d in doc_ids or [] if d in listed]
        if not doc_ids:
            return "Hãy chọn ít nhất một tài liệu có trong thư viện.", None, None
        progress(0.1, desc="Đang soạn đề cương, số liệu, văn bản liên quan và câu hỏi…")
        pack = build_pack(library, doc_ids, topic=(topic or "").strip(), quiz_count=int(quiz_count or 0))
        progress(0.8, desc="Đang xuất tệp Word và Markdown…")
        folder = Path(tempfile.mkdtemp(prefix="bai-sinh-hoat-"))
        markdown = pack_markdown(pack)
        (folder / "bai-sinh-hoat.md").write_text(markdown, encoding="utf-8")
        write_docx(pack, folder / "bai-sinh-hoat.docx")
        return markdown, str(folder / "bai-sinh-hoat.docx"), str(folder / "bai-sinh-hoat.md")

    def cited(query: str) -> tuple[list[list], str]:
        """The cited-documents table (filtered by the query) and the details of the matches."""
        try:
            catalog = ready().catalog()
        except NotReady as err:
            return [], str(err)
        query = (query or "").strip()
        entries = lookup(catalog, query) if query else sorted(catalog.values(), key=lambda e: e.key)
        if query and not entries:
            return [], f"Không tìm thấy văn bản «{query}» trong các tài liệu hiện có."
        return [catalog_row(e) for e in entries], catalog_detail_markdown(entries) if query else ""

    def delete(doc_id: str | None, request: gr.Request) -> tuple[str, list[list], dict]:
        """Remove a listed document (editors only)."""
        refusal, user = editor(request)
        if refusal:
            return refusal, documents(), document_choices()
        try:
            library = ready().library
        except NotReady as err:
            return str(err), [], gr.skip()
        title = library.document(doc_id).get("title") if doc_id else None
        if not title:
            return "Hãy chọn một tài liệu có trong thư viện để xóa.", documents(), document_choices()
        if not remove_document(library, doc_id, user=user):
            return f"Không xóa được: {title} không còn trong thư viện.", documents(), document_choices()
        return f"Đã xóa: {title}", documents(), document_choices()

    with gr.Blocks(title=TITLE) as ui:
        with gr.Row():
            gr.Markdown(f"# {TITLE}\n{mode_line(llm_label)}", elem_id="mode")
            with gr.Column(scale=0, min_width=220):
                account = gr.Markdown(visible=False, elem_id="account")
                logout = gr.Button("Đăng xuất", link="/logout", size="sm", visible=False, elem_id="logout")
        loading = gr.Markdown(startup.status(), visible=startup.state != "ready", elem_id="status")
        timer = gr.Timer(STATUS_TICK_S, active=startup.state == "loading")
        progress = gr.Markdown(visible=False, elem_id="vectors")
        progress_timer = gr.Timer(VECTORS_TICK_S, active=startup.state == "ready")
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
                headers=DOCUMENT_COLUMNS, value=lambda: documents(0), interactive=False, elem_id="docs", wrap=True,
                column_widths=["40%", "10%", "12%", "10%", "14%", "14%"],
            )
            reader_note = gr.Markdown(READER_NOTE, visible=False, elem_id="reader-note")
            with gr.Column(visible=not login, elem_id="editing") as editing:  # shown to editors on load
                files = gr.File(
                    label="Tải tài liệu lên (.docx, .pdf, .md, .txt, .jsonl)", file_count="multiple", elem_id="upload"
                )
                import_button = gr.Button("Nạp vào thư viện", variant="primary", elem_id="import")
                outcome = gr.Dataframe(
                    headers=["Tài liệu", "Kết quả", "Số đoạn", "Ghi chú"], interactive=False, elem_id="outcome",
                    wrap=True, column_widths=["35%", "15%", "10%", "40%"],
                )
                with gr.Row():
                    chosen = gr.Dropdown(
                        label="Tài liệu cần cập nhật hoặc xóa", choices=[], elem_id="chosen",
                        allow_custom_value=True,  # API callers pass a doc_id; every event checks it is listed
                    )
                    replacement = gr.File(label="Tệp mới cho tài liệu đã chọn", file_count="single",
                                          elem_id="replacement")
                with gr.Row():
                    update_button = gr.Button("Cập nhật", variant="primary", elem_id="update")
                    delete_button = gr.Button("Xóa tài liệu", variant="stop", elem_id="delete")
                deleted = gr.Markdown(elem_id="deleted")
            with gr.Accordion("Nhật ký thay đổi", open=False, visible=not login, elem_id="audit") as audit_box:
                audit_table = gr.Dataframe(
                    headers=AUDIT_COLUMNS, interactive=False, wrap=True, elem_id="audit-table",
                    column_widths=["16%", "14%", "10%", "35%", "25%"],
                )
        with gr.Tab("Soạn bài sinh hoạt") as study_tab:
            gr.Markdown(STUDY_HELP)
            with gr.Row():
                study_docs = gr.Dropdown(label="Tài liệu", choices=[], multiselect=True, elem_id="study-docs")
                study_topic = gr.Textbox(label="Chủ đề (không bắt buộc)", elem_id="study-topic",
                                         placeholder="Ví dụ: nêu gương, kết nạp đảng viên")
                study_quiz = gr.Number(label="Số câu trắc nghiệm", value=10, minimum=0, maximum=30, precision=0,
                                       elem_id="study-quiz")
            study_button = gr.Button("Soạn bài", variant="primary", elem_id="study-build")
            with gr.Row():
                study_docx = gr.File(label="Tệp Word (.docx)", interactive=False, elem_id="study-docx")
                study_md = gr.File(label="Tệp Markdown (.md)", interactive=False, elem_id="study-md")
            study_view = gr.Markdown(elem_id="study-view")
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
        study_tab.select(lambda: gr.update(choices=[(d["title"], d["doc_id"]) for d in listed()]),
                         None, study_docs, api_name=False)
        study_button.click(study, [study_docs, study_topic, study_quiz], [study_view, study_docx, study_md],
                           api_name="soan_bai")
        refs_query.submit(cited, refs_query, [refs_table, refs_detail], api_name="van_ban")
        docs_tab.select(lambda: (documents(), document_choices()), None, [table, chosen], api_name=False).then(
            audit_rows, None, audit_table, api_name=False)
        library_events = [
            import_button.click(upload, files, [outcome, table, chosen], api_name="nap",
                                concurrency_id=LIBRARY_QUEUE, concurrency_limit=1),
            update_button.click(update, [chosen, replacement], [outcome, table, chosen], api_name="cap_nhat",
                                concurrency_id=LIBRARY_QUEUE, concurrency_limit=1),
            delete_button.click(delete, chosen, [deleted, table, chosen], api_name="xoa",
                                concurrency_id=LIBRARY_QUEUE, concurrency_limit=1),
        ]
        for event in library_events:
            event.then(audit_rows, None, audit_table, api_name=False).then(
                vectors, None, [progress, progress_timer], api_name=False, show_progress="hidden")
        audit_button = gr.Button(visible=False)
        audit_button.click(audit_rows, None, audit_table, api_name="nhat_ky")
        timer.tick(tick, None, [loading, timer, table, chosen, progress_timer], api_name=False,
                   show_progress="hidden", concurrency_limit=None)
        progress_timer.tick(vectors, None, [progress, progress_timer], api_name=False, show_progress="hidden",
                            concurrency_limit=None)
        ui.load(status, None, loading, api_name=False, show_progress="hidden", concurrency_limit=None)
        status_button = gr.Button(visible=False)
        status_button.click(startup.status, None, loading, api_name="trang_thai", concurrency_limit=None)
        ui.load(on_load, None, [editing, audit_box, reader_note, account, logout, audit_table], api_name=False)
        hidden_q = gr.Textbox(visible=False)
        hidden_a, hidden_s = gr.Markdown(visible=False), gr.Markdown(visible=False)
        hidden_q.submit(ask, hidden_q, [hidden_a, hidden_s], api_name="hoi")
    return ui


def main() -> None:
    """Check who may use the server, serve the page (with a login page whenever user accounts exist), then
    load the model and the library in the background (indexing the bundled sample on first start)."""
    settings = config.load()
    login = login_required(settings)
    startup = assistant_startup(settings)
    ui = build_ui(startup, login=login, settings=settings)

    async def check_login(name: str, password: str) -> bool:
        # bcrypt takes ~0.2 s: in a thread, so a login never stalls the server for everyone else
        return await asyncio.to_thread(users.verify, settings.data_dir, name, password) is not None

    ui.queue(default_concurrency_limit=2).launch(
        server_name=settings.host, server_port=settings.port, share=False,
        theme=gr.themes.Default(font=FONT_STACK, font_mono=FONT_STACK),  # tables use the "mono" font
        show_error=False,
        auth=check_login if login else None,
        auth_message=LOGIN_MESSAGE if login else None,
        prevent_thread_lock=True,  # the server runs; the model loads while the page is already served
    )
    print(f"Trang đã mở: http://{settings.host}:{settings.port}" + (" (cần đăng nhập)" if login else ""), flush=True)
    print(f"Đang tải mô hình và thư viện ({settings.data_dir})…", flush=True)
    startup.start()
    ui.block_thread()


if __name__ == "__main__":
    main()
