"""Command line: python -m assistant ask "câu hỏi" | refs [SỐ…] | study VĂN-BẢN… [--out tệp] | users …"""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Hỏi đáp tài liệu xây dựng Đảng")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="đặt một câu hỏi")
    ask.add_argument("question")
    refs = sub.add_parser("refs", help="các văn bản được trích dẫn (hoặc chi tiết một văn bản)")
    refs.add_argument("query", nargs="*", help='số hiệu hoặc tên văn bản: "21-KL/TW", "Kết luận 21"')
    _users_parser(sub)
    _study_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "users":
        return _users(args)
    if args.command == "study":
        return _study(args)

    from assistant.pipeline import Assistant, QuestionError
    from vectorstore.indexer import ensure_samples_indexed

    assistant = Assistant()
    ensure_samples_indexed(assistant.library)
    if args.command == "refs":
        return _refs(assistant.library, " ".join(args.query))
    try:
        answer = assistant.ask(args.question)
    except QuestionError as err:
        print(str(err), file=sys.stderr)
        return 2
    from assistant.render import answer_plain

    print(answer_plain(answer))
    return 0


def _refs(library, query: str) -> int:
    from assistant.catalog import build_catalog, describe, lookup, summary_line

    catalog = build_catalog(library)
    if not query.strip():
        for entry in sorted(catalog.values(), key=lambda e: e.key):
            print(summary_line(entry))
        print(f"Tổng cộng {len(catalog)} văn bản được trích dẫn.")
        return 0
    found = lookup(catalog, query)
    if not found:
        print(f"Không tìm thấy văn bản nào được trích dẫn khớp với “{query}”.", file=sys.stderr)
        return 1
    for entry in found:
        print(describe(entry))
        for i, passage in enumerate(entry.citing, 1):
            print(f"\n[{i}] {passage.doc_title}" + (f" › {passage.section}" if passage.section else ""))
            print(passage.text)
        print()
    return 0


def _study_parser(sub) -> None:
    study = sub.add_parser("study", help="soạn tài liệu sinh hoạt chuyên đề (.docx, .md) từ một hay nhiều văn bản")
    study.add_argument("documents", nargs="+",
                       help='văn bản: số hiệu ("21-KL/TW"), "Quy định 383", một phần tên, hoặc mã tài liệu')
    study.add_argument("--topic", default="", help='thu hẹp theo chủ đề, ví dụ "nêu gương"')
    study.add_argument("--sections", nargs="+", default=None, help="chỉ lấy các phần/mục này, ví dụ II III")
    study.add_argument("--quiz", type=int, default=10, help="số câu hỏi trắc nghiệm (mặc định 10)")
    study.add_argument("--out", default="",
                       help="tệp kết quả: .docx, .md, hoặc tên không đuôi để ghi cả hai; "
                            "không có thì in Markdown ra màn hình")


def study_outputs(out: str) -> list:
    """The files `--out` names: [name.docx] or [name.md] for those suffixes, else both
    [out.docx, out.md] (the suffix appended to the name as given)."""
    from pathlib import Path

    path = Path(out)
    if path.suffix.lower() in (".docx", ".md"):
        return [path]
    return [path.with_name(path.name + ".docx"), path.with_name(path.name + ".md")]


def _study(args) -> int:
    """Resolve each query to documents, build the pack, write it (issue #11); exit 2 when a query
    matches no document of the library."""
    import config
    from assistant.study.build import build_pack, select_documents
    from vectorstore.embedder import load_embedder
    from vectorstore.indexer import ensure_samples_indexed
    from vectorstore.library import Library
    if args.quiz < 0:
        print("Số câu hỏi trắc nghiệm (--quiz) không được âm.", file=sys.stderr)
        return 2
    settings = config.load()
    library = Library(settings, load_embedder(settings))
    ensure_samples_indexed(library)
    doc_ids: list[str] = []
    for query in args.documents:
        found = select_documents(library, query)
        if not found:
            print(f"Không tìm thấy văn bản nào trong thư viện khớp với “{query}”.", file=sys.stderr)
            return 2
        doc_ids += [d for d in found if d not in doc_ids]
    pack = build_pack(library, doc_ids, topic=args.topic, sections=args.sections, quiz_count=args.quiz)
    summary = (f"{pack.title}\n{len(pack.outline)} ý chính, {len(pack.figures)} số liệu, "
               f"{len(pack.related)} văn bản liên quan, {len(pack.discussion)} câu hỏi thảo luận, "
               f"{len(pack.quiz)} câu hỏi trắc nghiệm.")
    if not args.out:
        from assistant.study.export_md import pack_markdown

        print(pack_markdown(pack), end="")
        print(summary, file=sys.stderr)
        return 0
    written = []
    for path in study_outputs(args.out):
        if path.suffix.lower() == ".docx":
            from assistant.study.export_docx import write_docx

            write_docx(pack, path)
        else:
            from assistant.study.export_md import pack_markdown

            path.write_text(pack_markdown(pack), encoding="utf-8")
        written.append(str(path))
    print(summary)
    print("Đã ghi: " + ", ".join(written))
    return 0


def _users_parser(sub) -> None:
    users = sub.add_parser("users", help="tài khoản người dùng của máy chủ (vai trò reader hoặc editor)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="thêm người dùng (hỏi mật khẩu hai lần)")
    add.add_argument("name")
    add.add_argument("--role", choices=["reader", "editor"], default="reader",
                     help="reader: chỉ hỏi đáp; editor: còn được tải lên, cập nhật, xóa tài liệu (mặc định reader)")
    passwd = actions.add_parser("passwd", help="đổi mật khẩu")
    passwd.add_argument("name")
    for command in (add, passwd):
        command.add_argument("--password-stdin", action="store_true",
                             help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn (cho kịch bản)")
    role = actions.add_parser("role", help="đổi vai trò")
    role.add_argument("name")
    role.add_argument("role", choices=["reader", "editor"])
    actions.add_parser("list", help="liệt kê người dùng")
    remove = actions.add_parser("remove", help="xóa người dùng")
    remove.add_argument("name")


def _new_password(from_stdin: bool) -> str:
    """The password: the first line of stdin, or typed twice without being shown."""
    from assistant.users import UserError

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise UserError("Hai lần nhập mật khẩu không khớp; không thay đổi gì.")
    return first


def _users(args) -> int:
    import config
    from assistant import users

    data_dir = config.load().data_dir
    try:
        if args.action == "list":
            found = users.list_users(data_dir)
            for name, role in found:
                print(f"{name}\t{role} ({users.ROLE_LABELS[role]})")
            if not found:
                print(f"Chưa có người dùng nào trong {users.users_file(data_dir)}.")
            return 0
        if args.action == "add":
            first = not users.has_users(data_dir)
            name = users.add(data_dir, args.name, _new_password(args.password_stdin), args.role)
            print(f"Đã thêm người dùng «{name}» ({users.ROLE_LABELS[args.role]}).")
            if first:
                print("Từ nay ứng dụng yêu cầu đăng nhập (khởi động lại ứng dụng nếu nó đang chạy).")
        elif args.action == "passwd":
            users.set_password(data_dir, args.name, _new_password(args.password_stdin))
            print(f"Đã đổi mật khẩu của «{users.canonical_name(args.name)}».")
        elif args.action == "role":
            users.set_role(data_dir, args.name, args.role)
            print(f"«{users.canonical_name(args.name)}» nay là {users.ROLE_LABELS[args.role]}.")
        elif args.action == "remove":
            users.remove(data_dir, args.name)
            print(f"Đã xóa người dùng «{users.canonical_name(args.name)}».")
            if not users.has_users(data_dir):
                print("Không còn người dùng nào: sau khi khởi động lại, ứng dụng không yêu cầu đăng nhập "
                      "(và từ chối chạy trên địa chỉ khác 127.0.0.1 nếu không đặt ALLOW_ANONYMOUS=1).")
    except users.UserError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
