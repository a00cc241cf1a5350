"""Command line: ingest | ask | chat | eval (typer + rich)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console

from assistant.chat import ChatSession, InvalidQuestionError
from assistant.config import Settings
from assistant.index.store import IndexNotReadyError
from assistant.providers.vectorstore import StoreUnavailableError
from assistant.schema import Answer
from assistant.services import Services, build_services

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="One-Window Assistant: cited answers about Haikou's business-environment plan.",
)
out = Console()
err = Console(stderr=True)

USAGE_ERROR = 2
RUNTIME_ERROR = 1
T = TypeVar("T")
HeldOut = Annotated[
    list[Path] | None,
    typer.Option(
        "--held-out", "-x", help="evaluation JSONL; training questions near them are dropped"
    ),
]


def fail(message: str, code: int = RUNTIME_ERROR) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _services() -> Services:
    try:
        return build_services(Settings())
    except Exception as exc:  # pydantic validation of ASSISTANT_* variables
        fail(f"invalid configuration: {exc}", USAGE_ERROR)


def _ask(services: Services, question: str, top_k: int | None) -> Answer:
    try:
        return services.assistant.ask(question, top_k=top_k)
    except InvalidQuestionError as exc:
        fail(str(exc), USAGE_ERROR)
    except (IndexNotReadyError, StoreUnavailableError) as exc:
        fail(str(exc))


@app.command()
def ingest(
    rebuild: Annotated[bool, typer.Option(help="rebuild even if nothing changed")] = False,
) -> None:
    """Parse knowledge_base/, embed and index it (skipped when nothing changed)."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn

    services = _services()
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            console=err,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done)

            report = services.ingest(rebuild=rebuild, progress=progress)
    except (StoreUnavailableError, FileNotFoundError, ValueError) as exc:
        fail(f"{exc}\nNothing was changed; the previous index (if any) keeps serving.")
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if report.skipped:
        out.print(
            f"Index is up to date ({report.units} units, {report.chunks} chunks); "
            "use --rebuild to rebuild anyway."
        )
    else:
        out.print(
            f"Indexed {report.units} units, {report.chunks} chunks in "
            f"{report.seconds:.1f}s ({report.embedded} embedded, the rest cached)."
        )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="the question, in Chinese or English")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=20)] = 5,
) -> None:
    """Answer one question with citations."""
    services = _services()
    answer = _ask(services, question, top_k)
    if as_json:
        sys.stdout.write(json.dumps(answer.to_public(), ensure_ascii=False) + "\n")
        return
    _print_answer(answer)


def _print_answer(answer: Answer) -> None:
    out.print(answer.answer, highlight=False, markup=False)
    if answer.citations:
        out.print("[dim]Sources:[/]" if answer.lang == "en" else "[dim]来源:[/]")
        for c in answer.citations:
            rests = f" (rests on {', '.join(c.source_refs)})" if c.source_refs else ""
            out.print(
                f"  [{c.n}] {c.ref} {c.title}{rests} — {c.snippet}", highlight=False, markup=False
            )


@app.command()
def chat() -> None:
    """A multi-turn chat in the terminal (empty line or Ctrl-D to quit, /clear to reset)."""
    services = _services()
    try:
        session = ChatSession(services.assistant)
    except (IndexNotReadyError, StoreUnavailableError) as exc:
        fail(str(exc))
    out.print(
        "One-Window Assistant · 一窗通办智能助手 — ask in Chinese or English; "
        "/clear resets, an empty line quits."
    )
    while True:
        try:
            question = out.input("[bold cyan]› [/]")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        if question.strip() == "/clear":
            session.clear()
            continue
        try:
            answer = session.send(question)
        except InvalidQuestionError as exc:
            err.print(f"[yellow]{exc}[/]")
            continue
        _print_answer(answer)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the web app and the HTTP API (docs at /docs)."""
    import uvicorn

    from assistant.web.app import create_app

    services = _services()
    settings = services.settings
    host = host or settings.host
    port = port or settings.port
    try:
        services.warm_up()  # fail early, with the remedy, if there is no index
    except (IndexNotReadyError, StoreUnavailableError) as exc:
        fail(str(exc))
    app_ = create_app(services)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(
        f"One-Window Assistant is running: open http://{shown}:{port}/ "
        f"(API docs: http://{shown}:{port}/docs). Ctrl-C stops it."
    )
    configure_logs(settings.log_dir or settings.data_dir / "logs")
    # SIGTERM: stop accepting, let answers in flight finish, and exit within 10 s.
    uvicorn.run(
        app_,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # ours is structured and carries no question text
        timeout_graceful_shutdown=8,
    )


def configure_logs(folder: Path) -> None:
    """The access log as JSON lines, rotated (5 MB x 5), private to the owner."""
    import logging
    from logging.handlers import RotatingFileHandler

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "access.log"
    handler = RotatingFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    access = logging.getLogger("assistant.access")
    access.setLevel(logging.INFO)
    access.addHandler(handler)
    access.propagate = False
    path.chmod(0o600)


@app.command("eval")
def eval_cmd(
    questions: Annotated[list[Path], typer.Option("--questions", "-q", help="JSONL file(s)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="also run the plain baseline")
    ] = False,
    report: Annotated[Path | None, typer.Option(help="write a Markdown report with charts")] = None,
) -> None:
    """Score retrieval and answers on golden question files."""
    from assistant.evaluation.cli import run_eval

    run_eval(
        _services(),
        questions,
        as_json=as_json,
        baseline=baseline,
        report=report,
        console=out,
        fail=fail,
    )


@contextmanager
def _train_extra(package: str) -> Iterator[None]:
    """Imports a training needs: without the `train` extra, a usage error that says so."""
    try:
        yield
    except ImportError as exc:  # pragma: no cover - the `train` extra
        fail(f"training needs {package}: pip install '.[train]' ({exc})", USAGE_ERROR)


def _trained(train: Callable[[], T]) -> T:
    """Run a training; bad training files are usage errors, a missing index a runtime one."""
    try:
        return train()
    except (ValueError, FileNotFoundError) as exc:
        fail(str(exc), USAGE_ERROR)
    except (IndexNotReadyError, StoreUnavailableError) as exc:
        fail(str(exc))


scope_app = typer.Typer(help="The scope classifier: what the assistant answers and refuses.")
app.add_typer(scope_app, name="scope")


@scope_app.command("train")
def scope_train(
    questions: Annotated[
        list[Path] | None,
        typer.Option("--questions", "-q", help="JSONL with q and in_scope (or gold)"),
    ] = None,
    held_out: HeldOut = None,
    output: Annotated[Path | None, typer.Option(help="where to write the model")] = None,
) -> None:
    """Train on the training (and dev) sets, never the golden ones; writes knowledge_base/scope/."""
    services = _services()
    with _train_extra("scikit-learn"):
        from assistant.answer.scope import Places
        from assistant.answer.scope_train import train_scope
    kb = services.settings.kb_dir
    paths = questions or [Path("eval/train/scope-train.jsonl")]
    model = _trained(
        lambda: train_scope(services, paths, Places.load(kb / "scope" / "places.yaml"), held_out)
    )
    target = output or kb / "scope" / "classifier.json"
    model.save(target)
    out.print(f"scope classifier written to {target}; cuts {model.cuts}")
    for lang in ("zh", "en"):
        m = model.metrics[lang]
        out.print(
            f"  {lang}: cross-validated false refusals {m['cv_false_refusals']}, "
            f"out-of-scope refused {m['cv_out_of_scope_refused']} "
            f"({m['in_scope']} in scope, {m['out_of_scope']} out)"
        )


@scope_app.command("own-case")
def scope_own_case(
    questions: Annotated[
        list[Path],
        typer.Option(
            "--questions", "-q", help="JSONL: own-case lines (category) and answerable ones"
        ),
    ],
    held_out: HeldOut = None,
    output: Annotated[Path | None, typer.Option(help="where to write the model")] = None,
) -> None:
    """Train the own-case detector ("has my application been approved?"); writes
    knowledge_base/scope/own_case.json. It reads no vector: no retraining on a model change."""
    settings = _services().settings
    with _train_extra("scikit-learn"):
        from assistant.answer.owncase import OWN_CASE_FILE
        from assistant.answer.owncase_train import train_own_case
    model = _trained(lambda: train_own_case(questions, held_out))
    target = output or settings.kb_dir / OWN_CASE_FILE
    model.save(target)
    m = model.metrics
    out.print(
        f"own-case detector written to {target}; cut {model.cut}, {len(model.weights)} terms\n"
        f"  cross-validated: {m['cv_own_case_caught']:.1%} of {m['own_case']} own-case "
        f"questions caught, {m['cv_flagged_answerable']:.1%} of {m['answerable']} answerable "
        f"ones flagged; {m['left_out_near_held_out']} left out as near repeats of held-out ones"
    )


adapter_app = typer.Typer(help="The query adapter: a learned map on question vectors.")
app.add_typer(adapter_app, name="adapter")


@adapter_app.command("train")
def adapter_train(
    questions: Annotated[
        list[Path],
        typer.Option("--questions", "-q", help="JSONL with q and gold (others are skipped)"),
    ],
    held_out: HeldOut = None,
    output: Annotated[Path | None, typer.Option(help="where to write the adapter")] = None,
) -> None:
    """Train on the training and dev sets, never the golden ones; writes
    knowledge_base/retrieval/. Retrain the scope classifier after it (`make calibrate`)."""
    services = _services()
    with _train_extra("SciPy"):
        from assistant.retrieve.adapter import ADAPTER_FILE
        from assistant.retrieve.adapter_train import train_adapter
    # trained on plain question vectors, whatever adapter is shipped now
    services.settings.query_adapter = False
    adapter = _trained(lambda: train_adapter(services, questions, held_out))
    target = output or services.settings.kb_dir / ADAPTER_FILE
    adapter.save(target)
    m = adapter.metrics
    out.print(
        f"query adapter written to {target} ({m['questions']} questions; "
        f"{m['left_out_near_held_out']} left out as near repeats of held-out ones)"
    )
    for lang in ("zh", "en"):
        m = adapter.metrics[lang]
        out.print(
            f"  {lang}: recall@1 of the question vectors alone on the training questions "
            f"{m['training_recall@1_before']} -> {m['training_recall@1_after']} "
            f"({m['questions']} questions)"
        )


users_app = typer.Typer(help="Staff accounts.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="the username")],
    role: Annotated[str, typer.Option(help="editor, reviewer or admin")] = "editor",
) -> None:
    """Add a staff account; the password is read from standard input (never an argument)."""
    from assistant.knowledge.accounts import AccountError

    password = sys.stdin.readline().rstrip("\n")
    try:
        _services().accounts.add(name, password, role)
    except AccountError as exc:
        fail(str(exc), USAGE_ERROR)
    out.print(f"added {name} ({role})")


entries_app = typer.Typer(help="Curated FAQ entries and guides: YAML import and export.")
app.add_typer(entries_app, name="entries")


@entries_app.command("import")
def entries_import(
    folder: Annotated[Path, typer.Argument(help="a folder with guides/ and entries/")] = Path(
        "knowledge_base"
    ),
    publish: Annotated[bool, typer.Option(help="publish them (default: new drafts)")] = False,
) -> None:
    """Import YAML files: new items are created, changed ones get a new version."""
    from assistant.knowledge.store import StoreError
    from assistant.knowledge.yaml_io import import_folder

    services = _services()
    try:
        report = import_folder(services.curation, folder, actor="cli", publish=publish)
    except StoreError as exc:
        fail(f"{exc}\nNothing was imported.", USAGE_ERROR)
    out.print(
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}"
    )


@entries_app.command("export")
def entries_export(
    folder: Annotated[Path, typer.Argument(help="where to write guides/ and entries/")],
    latest: Annotated[bool, typer.Option(help="latest versions, not only live ones")] = False,
) -> None:
    """Write the store's items as YAML (the import format; it round-trips)."""
    from assistant.knowledge.yaml_io import export_folder

    written = export_folder(_services().curation, folder, live_only=not latest)
    out.print(f"wrote {len(written)} files under {folder}")


@app.command()
def reindex(
    verify: Annotated[
        bool, typer.Option(help="compare with the store and files; repair drift")
    ] = True,
) -> None:
    """Check the index against the curated store, the source files and the vector store,
    and repair any drift (only what differs is re-embedded)."""
    from assistant.knowledge.verify import verify_index

    services = _services()
    try:
        report = verify_index(services, repair=verify)
    except (IndexNotReadyError, StoreUnavailableError) as exc:
        fail(str(exc))
    for line in report.lines():
        out.print(line, highlight=False)
    if not report.ok:
        raise typer.Exit(RUNTIME_ERROR)


@app.command()
def purge(
    days: Annotated[
        int | None, typer.Option(help="keep this many days (default: the setting)")
    ] = None,
) -> None:
    """Delete feedback and unanswered questions older than the retention period."""
    services = _services()
    keep = days if days is not None else services.settings.retention_days
    if keep < 0:
        fail("days must be 0 or more", USAGE_ERROR)
    gone = services.feedback.purge(keep) + services.queue.purge(keep)
    out.print(f"purged {gone} rows older than {keep} days")


@app.command("eval-attacks")
def eval_attacks(
    bank: Annotated[Path, typer.Option("--bank", help="JSONL of attempts")] = Path(
        "eval/attacks/injection-bank.jsonl"
    ),
) -> None:
    """Run the injection bank through the chat API; report how many attempts succeed."""
    from assistant.evaluation.attacks import run_attacks

    services = _services()
    report = run_attacks(services, bank)
    out.print(
        f"{len(report.successes)} of {report.total} attempts succeeded ({report.rate:.1%}); "
        "target <= 2%"
    )
    for cat, n in sorted(report.tried.items()):
        out.print(f"  {cat}: {report.by_category.get(cat, 0)} of {n}")
    for s in report.successes:
        out.print(f"  {s['id']} ({s['why']}): {s['reply'][:120]}", markup=False, highlight=False)
