"""The benchmark's report: Markdown tables (for the terminal and the README) and the issue's
targets, each with what was measured and whether it was met."""

from __future__ import annotations

from typing import Any, Iterator

ENGINE_NAMES = {"regopy": "regopy", "opa": "OPA Go"}
SCENARIO_NAMES = {
    "repeated": "single, repeated",
    "distinct": "single, all distinct",
    "batch_warm": "batch of 100, warm cache",
    "batch_cold": "batch of 100, cold",
}


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} µs" if value < 0.1 else f"{value:.2f} ms"


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def tables(result: dict[str, Any]) -> Iterator[str]:
    machine = result["machine"]
    yield (f"Machine: {machine['cpus']} CPUs ({machine['cpus_usable']} usable), load average at start "
           f"{machine['load_at_start']}, {machine['python']}, regopy {machine['regopy']}; load by {machine['client']}.")
    yield ""
    yield from _in_process(result.get("in_process"))
    yield from _http(result.get("http"))
    yield from _targets(result.get("targets", []))


def _in_process(report: dict[str, Any] | None) -> Iterator[str]:
    if not report:
        return
    engines = [k for k in ("regopy", "opa") if "cache_off" in report["engines"].get(k, {})]
    yield f"In process, one thread, {report['inputs']:,} distinct valid inputs (four companies):"
    yield ""
    yield "| | " + " | ".join(ENGINE_NAMES[e] for e in engines) + " |"
    yield "|---|" + "---|" * len(engines)
    rows = [
        ("decision p50, cache off", lambda e: _ms(e["cache_off"]["p50_ms"])),
        ("decision p99, cache off", lambda e: _ms(e["cache_off"]["p99_ms"])),
        ("decisions/s, cache off", lambda e: _n(e["cache_off"]["per_second"])),
        ("decision CPU p50, cache off", lambda e: _ms(e["cache_off"]["cpu_p50_ms"])),
        ("decision p50, cache on (warm)", lambda e: _ms(e["cache_on"]["p50_ms"])),
        ("decisions/s, cache on", lambda e: _n(e["cache_on"]["per_second"])),
        ("stage CPU p50: per-call floor", lambda e: _ms(e["stages"]["floor_cpu_ms"])),
        ("stage: validation", lambda e: _ms(e["stages"]["validation_cpu_ms"])),
        ("stage: company rules (forbids+permits+obligations)", lambda e: _ms(e["stages"]["company_rules_cpu_ms"])),
        # the whole decision less the stages above: below zero when forbids skip the permits
        ("stage: assembly (the rest; < 0 when a forbid skips the permits)",
         lambda e: _ms(e["stages"]["assembly_cpu_ms"])),
    ]
    for label, cell in rows:
        yield f"| {label} | " + " | ".join(cell(report["engines"][e]) for e in engines) + " |"
    if "regopy_to_opa_p50" in report:
        yield ""
        yield (f"regopy / OPA Go, p50: {report['regopy_to_opa_p50']:.2f} (CPU: {report['regopy_to_opa_cpu_p50']:.2f}).")
    for kind, figures in report["engines"].items():
        if "error" in figures:
            yield f"{ENGINE_NAMES.get(kind, kind)}: not measured ({figures['error']})"
    yield ""


def _http(report: dict[str, Any] | None) -> Iterator[str]:
    if not report:
        return
    floor = report["floor"]["runs"]
    yield (f"Over HTTP on loopback (load generator on the same machine); the service with "
           f"{report.get('processes', 1)} process(es) x {report.get('threads_per_process') or 'the default'} evaluation "
           f"thread(s), decision log on, {report['seconds_per_run']:g} s per run:")
    yield ""
    yield "| engine | scenario | concurrency | requests/s | decisions/s | p50 | p99 | share of floor | server CPU/request | errors |"
    yield "|---|---|---|---|---|---|---|---|---|---|"
    for c, run in floor.items():
        yield (f"| - | raw ASGI no-op (floor) | {c} | {_n(run['per_second'])} | - | {_ms(run['p50_ms'])} | {_ms(run['p99_ms'])} "
               f"| 1.00 | {_ms(run.get('server_cpu_ms_per_request'))} | {run['errors']} |")
    for served in report["services"]:
        if "error" in served:
            yield f"| {ENGINE_NAMES.get(served['engine'], served['engine'])} | not measured: {served['error']} |"
            continue
        for scenario, runs in served["runs"].items():
            for c, run in runs.items():
                share = "-" if run["share_of_floor"] is None else f"{run['share_of_floor']:.2f}"
                wrapped = f" ({run['wrapped']} repeats)" if run["wrapped"] else ""
                yield (f"| {ENGINE_NAMES[served['engine']]} | {SCENARIO_NAMES[scenario]} | {c} | {_n(run['per_second'])} "
                       f"| {_n(run['decisions_per_second'])}{wrapped} | {_ms(run['p50_ms'])} | {_ms(run['p99_ms'])} "
                       f"| {share} | {_ms(run.get('server_cpu_ms_per_request'))} | {run['errors']} |")
    yield ""
    layouts = [x for x in report.get("layouts", []) if "repeated" in x]
    if layouts:
        yield "Processes or threads (concurrency 16):"
        yield ""
        yield ("| engine | layout | repeated/s (p99; server CPU/request) | all distinct/s (p99; server CPU/request) "
               "| batches of 100, warm: decisions/s (p99 per batch) |")
        yield "|---|---|---|---|---|"
        for x in layouts:
            r, d, b = x["repeated"], x["distinct"], x.get("batch_warm")
            batch = f"{_n(b['decisions_per_second'])} ({_ms(b['p99_ms'])})" if b else "-"
            yield (f"| {_engine_name(x)} | {x['processes']} process(es) x {x['threads_per_process']} thread(s) "
                   f"| {_n(r['per_second'])} "
                   f"({_ms(r['p99_ms'])}; {_ms(r.get('server_cpu_ms_per_request'))}) | {_n(d['per_second'])} "
                   f"({_ms(d['p99_ms'])}; {_ms(d.get('server_cpu_ms_per_request'))}) | {batch} |")
        yield ""
    failed = [x for x in report.get("layouts", []) if "error" in x]
    for x in failed:
        yield f"{_engine_name(x)}: processes or threads not measured ({x['error']})"
    if failed:
        yield ""
    yield "| engine | start-up to ready | resident memory at ready | after load (peak) |"
    yield "|---|---|---|---|"
    yield (f"| raw ASGI no-op | {report['floor']['ready_seconds']:.2f} s | {_mib(report['floor']['memory'])} | - |")
    for served in report["services"]:
        if "error" in served:
            continue
        after = served["memory_after_load"]
        yield (f"| {ENGINE_NAMES[served['engine']]} | {served['ready_seconds']:.2f} s | {_mib(served['memory_at_ready'])} "
               f"| {_mib(after)} ({', '.join(f'{m:.0f}' for m in after['peak_rss_mib'])} MiB) |")
    yield ""


def _engine_name(layout: dict[str, Any]) -> str:
    # results written before layouts were measured per engine were regopy's
    engine = layout.get("engine", "regopy")
    return ENGINE_NAMES.get(engine, engine)


def _mib(memory: dict[str, Any]) -> str:
    return " + ".join(f"{m:.0f} MiB" for m in memory["rss_mib"])


def _targets(targets: list[dict[str, Any]]) -> Iterator[str]:
    if not targets:
        return
    yield "Targets (issue 11):"
    yield ""
    yield "| target | measured | met |"
    yield "|---|---|---|"
    for t in targets:
        yield f"| {t['target']} | {t['measured']} | {'yes' if t['met'] else 'no'} |"
    yield ""


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against this run (regopy, the default engine, unless noted)."""
    found: list[dict[str, Any]] = []

    def add(target: str, measured: str, met: bool) -> None:
        found.append({"target": target, "measured": measured, "met": bool(met)})

    in_process = (result.get("in_process") or {}).get("engines", {})
    regopy = in_process.get("regopy", {})
    if "cache_off" in regopy:
        p50 = regopy["cache_off"]["p50_ms"]
        add("in process, cache off: regopy p50 <= 0.7 ms", _ms(p50), p50 <= 0.7)
        ratio = result["in_process"].get("regopy_to_opa_p50")
        if ratio is not None:
            add("in process: regopy / OPA Go p50 <= 1.0 (aim)", f"{ratio:.2f}", ratio <= 1.0)
        on = regopy["cache_on"]["p50_ms"]
        add("in process, cache on: p50 < 20 µs", _ms(on), on < 0.02)
    http = result.get("http") or {}
    floor = http.get("floor", {}).get("runs", {})
    for served in http.get("services", []):
        if "runs" not in served:
            continue
        name = ENGINE_NAMES[served["engine"]]
        repeated = served["runs"].get("repeated", {}).get("16")
        if repeated:
            add(f"{name}, HTTP repeated, c16: >= 5,000/s with p99 < 10 ms",
                f"{_n(repeated['per_second'])}/s, p99 {_ms(repeated['p99_ms'])}",
                repeated["per_second"] >= 5000 and repeated["p99_ms"] < 10 and not repeated["errors"])
            if "16" in floor:
                share = repeated["per_second"] / floor["16"]["per_second"]
                add(f"{name}, HTTP repeated, c16: half the floor (aim)", f"{share:.2f} of {_n(floor['16']['per_second'])}/s",
                    share >= 0.5)
        distinct = served["runs"].get("distinct", {}).get("16")
        if distinct:
            add(f"{name}, HTTP all distinct, c16: >= 1,000/s with p99 < 50 ms",
                f"{_n(distinct['per_second'])}/s, p99 {_ms(distinct['p99_ms'])}",
                distinct["per_second"] >= 1000 and distinct["p99_ms"] < 50 and not distinct["errors"])
        warm = served["runs"].get("batch_warm", {})
        if warm:
            best = max(warm.values(), key=lambda r: r["decisions_per_second"])
            cold = max(served["runs"].get("batch_cold", {}).values(), key=lambda r: r["decisions_per_second"],
                       default=None)
            add(f"{name}, batch, warm cache: >= 50,000 decisions/s (cold reported)",
                f"{_n(best['decisions_per_second'])}/s at c{best['concurrency']}"
                + (f"; cold {_n(cold['decisions_per_second'])}/s at c{cold['concurrency']}" if cold else ""),
                best["decisions_per_second"] >= 50000 and not best["errors"])
        for layout in http.get("layouts", []):
            if layout.get("engine", "regopy") != served["engine"] or layout.get("processes", 1) < 2:
                continue
            served_as = f"{name}, {layout['processes']} processes x {layout['threads_per_process']} thread"
            distinct = layout.get("distinct")
            if distinct:
                add(f"{served_as}, HTTP all distinct, c{layout['concurrency']}: >= 1,000/s with p99 < 50 ms",
                    f"{_n(distinct['per_second'])}/s, p99 {_ms(distinct['p99_ms'])}",
                    distinct["per_second"] >= 1000 and distinct["p99_ms"] < 50 and not distinct["errors"])
            batch = layout.get("batch_warm")
            if batch:
                add(f"{served_as}, batch, warm cache: >= 50,000 decisions/s",
                    f"{_n(batch['decisions_per_second'])}/s at c{layout['concurrency']}",
                    batch["decisions_per_second"] >= 50000 and not batch["errors"])
        add(f"{name}, start-up to ready < 2 s", f"{served['ready_seconds']:.2f} s", served["ready_seconds"] < 2)
        peak = max(served["memory_after_load"]["peak_rss_mib"])
        add(f"{name}, resident memory < 200 MB per worker process", f"{peak:.0f} MiB peak", peak * 1.048576 < 200)
    return found
