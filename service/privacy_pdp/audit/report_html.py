"""The audit report as one self-contained HTML file: inline CSS and a little inline script,
no network, no external assets. Every value goes through html.escape."""

from __future__ import annotations

import json
from html import escape
from typing import Any, Iterable, Mapping

from privacy_pdp.audit.matrix import REPRESENTATIVE_CATEGORIES, Cell
from privacy_pdp.audit.report import ClauseRow, CompanySection, ReportData
from privacy_pdp.audit.rules import RuleRef

VERDICTS = {
    "allow": ("allowed", "a clause permits it, nothing more asked"),
    "allow_obliged": ("allowed with obligations", "permitted, with conditions to meet"),
    "forbidden": ("forbidden", "a clause forbids it"),
    "not_permitted": ("not permitted", "no clause permits it: the catch-all denies"),
    "invalid": ("invalid input", "the request fails validation"),
    "undefined": ("undefined", "the policy gave no decision"),
}

CSS = """
:root{--ok:#1e7b34;--obl:#0b7a8a;--no:#c0392b;--np:#e6b8b3;--bad:#222;--mut:#666;--line:#ddd;--bg:#fafaf8}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1d;background:var(--bg)}
header.top{background:#1f2a36;color:#fff;padding:18px 28px}header.top h1{margin:0 0 8px;font-size:22px}
header.top dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0;font-size:13px}
header.top dt{color:#9fb3c8}header.top dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
nav{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);padding:6px 28px;font-size:13px}
nav a{margin-right:14px;color:#1f4f82;text-decoration:none}main{padding:8px 28px 80px;max-width:1500px}
h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #1f2a36;padding-bottom:3px}h3{font-size:16px;margin:18px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:170px}
.card b{display:block;font-size:20px}.card span{color:var(--mut);font-size:12px}
table{border-collapse:collapse}td,th{padding:3px 6px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
.status-ok{color:var(--ok);font-weight:600}.status-bad{color:var(--no);font-weight:600}.status-none{color:var(--mut)}
table.matrix{background:#fff;border:1px solid var(--line);margin-bottom:6px}
table.matrix th{font-size:11px;font-weight:600;color:#333}table.matrix thead th{width:92px;text-align:center;vertical-align:bottom}
table.matrix tbody th{font-family:ui-monospace,monospace;font-weight:500;white-space:nowrap}
table.matrix td{padding:3px 4px;border-left:1px solid #eee}
.sq{display:grid;grid-template-columns:repeat(6,13px);gap:1px;margin:1px 0}
.sq i{display:block;width:13px;height:13px;font:bold 9px/13px ui-monospace,monospace;text-align:center;font-style:normal;color:#fff;cursor:pointer;border-radius:2px}
.sq i:hover,.sq i.sel{outline:2px solid #000;outline-offset:0}
.v-allow{background:var(--ok)}.v-allow_obliged{background:var(--obl)}.v-forbidden{background:var(--no)}
.v-not_permitted{background:var(--np);color:#6b2b24!important}.v-invalid{background:var(--bad)}.v-undefined{background:#fff;color:#999!important;border:1px solid #999}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12px;margin:6px 0 10px;align-items:center}
.legend i{display:inline-block;width:13px;height:13px;vertical-align:middle;margin-right:4px;border-radius:2px;font:bold 9px/13px ui-monospace,monospace;color:#fff;text-align:center;font-style:normal}
.mstats{font-size:12px;color:var(--mut);margin:2px 0 4px}
article.clause{background:#fff;border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:4px;padding:8px 12px;margin:8px 0}
article.clause[data-status=not_decidable]{border-left-color:#999}
article.clause header{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}
article.clause code{font-size:12.5px;color:#1f4f82}.src{color:var(--mut);font-size:12px;margin-left:auto}
.badge{font-size:11px;padding:0 6px;border-radius:8px;background:#e3f1e6;color:var(--ok)}.badge.nd{background:#eee;color:#555}.badge.warn{background:#fdecea;color:var(--no)}
.summary{margin:4px 0}blockquote{margin:4px 0;padding:4px 10px;border-left:3px solid #c9b458;background:#fbf8ea;font-style:italic}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0 0;font-size:13px}dl.meta dt{color:var(--mut)}dl.meta dd{margin:0}
ul.refs{margin:0;padding-left:18px;font-size:12.5px}ul.refs code{color:#444}details summary{cursor:pointer;color:#1f4f82}
table.nd td:first-child{white-space:nowrap;font-family:ui-monospace,monospace;font-size:12.5px}
.contra{color:#8a5300;font-weight:600}
#detail{position:fixed;right:14px;bottom:14px;width:440px;max-height:60vh;overflow:auto;background:#fff;border:1px solid #888;border-radius:6px;box-shadow:0 4px 18px rgba(0,0,0,.2);padding:10px 12px;font-size:13px;z-index:10}
#detail h4{margin:0 0 4px}#detail button{float:right}
"""

SCRIPT = """
(function(){
var titles=JSON.parse(document.getElementById('clause-titles').textContent);
var contexts=JSON.parse(document.getElementById('contexts').textContent);
var verdicts=JSON.parse(document.getElementById('verdicts').textContent);
var panel=document.getElementById('detail'),body=document.getElementById('detail-body'),sel=null;
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
function info(i){var td=i.closest('td'),tr=i.closest('tr'),t=i.closest('table');
 return {company:t.dataset.company,kind:td.dataset.kind,use:tr.dataset.use,category:i.dataset.g,context:i.dataset.x,
  verdict:i.dataset.v,clauses:(i.dataset.c||'').split(' ').filter(Boolean),obligations:(i.dataset.o||'').split(' ').filter(Boolean)};}
function text(d){return d.company+' \\u2192 '+d.kind+' for '+d.use+', '+d.category+' ('+contexts[d.context]+'): '+verdicts[d.verdict]+
 (d.clauses.length?' \\u2014 '+d.clauses.join(', '):'')+(d.obligations.length?' \\u2014 obligations: '+d.obligations.join(', '):'');}
document.addEventListener('mouseover',function(e){var i=e.target.closest('.sq i');if(i&&!i.title)i.title=text(info(i));});
document.addEventListener('click',function(e){var i=e.target.closest('.sq i');if(!i)return;var d=info(i);
 if(sel)sel.classList.remove('sel');sel=i;i.classList.add('sel');
 var h='<h4>'+esc(verdicts[d.verdict])+'</h4><div><b>'+esc(d.company)+'</b>: '+esc(d.category)+' to <b>'+esc(d.kind)+'</b> for <code>'+esc(d.use)+'</code></div><div>'+esc(contexts[d.context])+'</div><ul>';
 d.clauses.forEach(function(c){h+='<li><a href="#c-'+esc(c)+'"><code>'+esc(c)+'</code></a> '+esc(titles[c]||'')+'</li>';});
 h+='</ul>';if(d.obligations.length){h+='<div>Obligations:</div><ul>';d.obligations.forEach(function(o){var p=o.split('@');
 h+='<li>'+esc(p[0])+' (<a href="#c-'+esc(p[1])+'"><code>'+esc(p[1])+'</code></a>)</li>';});h+='</ul>';}
 body.innerHTML=h;panel.hidden=false;});
document.getElementById('detail-close').addEventListener('click',function(){panel.hidden=true;});
})();
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def render(data: ReportData) -> str:
    titles = {row.id: str(row.get("title") or "") for c in data.companies for row in c.clauses}
    titles.update({row.id: str(row.get("title") or "") for row in data.general})
    contexts = {c.name: c.label for c in data.axes.contexts}
    verdicts = {k: v[0] for k, v in VERDICTS.items()}
    nav = ['<a href="#results">Results</a>', '<a href="#matrix">Decision matrix</a>']
    nav += [f'<a href="#company-{_e(c.name)}">{_e(c.name)}</a>' for c in data.companies]
    nav += ['<a href="#general">Other clauses</a>'] if data.general else []
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Privacy policy audit: revision {_e(data.source.revision)}</title><style>{CSS}</style></head><body>",
        _header(data),
        f"<nav>{''.join(nav)}</nav><main>",
        _overview(data),
        _results(data),
        _matrix(data),
        *(_company(c) for c in data.companies),
        _general(data.general),
        "</main>",
        '<div id="detail" hidden><button id="detail-close" type="button">close</button><div id="detail-body"></div></div>',
        _json_script("clause-titles", titles),
        _json_script("contexts", contexts),
        _json_script("verdicts", verdicts),
        f"<script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts)


def _json_script(element_id: str, value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False).replace("</", "<\\/")  # no early </script>
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _header(data: ReportData) -> str:
    source = data.source
    rows = [
        ("Revision", source.revision),
        ("SHA-256", source.sha256 or "not a bundle (a policy directory has no archive digest)"),
        ("Signature", source.signature),
        ("Source", f"{source.kind} {source.path}"),
        ("Generated", f"{data.generated} by privacy-pdp {data.tool_version}"),
    ]
    cells = "".join(f"<dt>{_e(k)}</dt><dd data-field=\"{_e(k.lower())}\">{_e(v)}</dd>" for k, v in rows)
    return f'<header class="top"><h1>Privacy policy audit report</h1><dl>{cells}</dl></header>'


def _overview(data: ReportData) -> str:
    rows = []
    for c in data.companies:
        problems = sum(len(r.problems) for r in c.clauses)
        flag = f'<span class="status-bad">{problems}</span>' if problems else '<span class="status-ok">0</span>'
        allowed = sum(1 for cell in data.cells if cell.company == c.name and cell.allow and cell.context == "plain")
        total = sum(1 for cell in data.cells if cell.company == c.name and cell.context == "plain")
        rows.append(f'<tr data-company="{_e(c.name)}"><td><a href="#company-{_e(c.name)}">{_e(c.name)}</a></td>'
                    f"<td>{len(c.clauses)}</td><td>{len(c.with_status('encoded'))}</td>"
                    f"<td>{len(c.with_status('not_decidable'))}</td><td>{flag}</td><td>{allowed} / {total}</td></tr>")
    return ("<h2 id=\"overview\">Overview</h2><table><thead><tr><th>company</th><th>clauses</th><th>encoded</th>"
            "<th>not decidable</th><th>problems</th><th>matrix cells allowed as asked</th></tr></thead><tbody>"
            + "".join(rows) + f"</tbody></table><p>{data.clause_count} clauses in the catalogue.</p>")


def _results(data: ReportData) -> str:
    results = data.results
    where = f" (read from <code>{_e(results.directory)}</code>)" if results.directory else ""

    def suites(items: Iterable[Any], what: str) -> str:
        items = list(items)
        if not items:
            return f'<span class="status-none" data-result="{what}">not run</span>'
        bad = sum(s.failures for s in items)
        total = sum(s.tests for s in items)
        cls = "status-bad" if bad else "status-ok"
        detail = "; ".join(f"{_e(s.name)}: {s.passed} passed, {s.failures} failed" for s in items)
        return f'<span class="{cls}" data-result="{what}">{total - bad} of {total} passed</span> <small>{detail}</small>'

    if results.coverage:
        coverage = "; ".join(f"{c.percent:.1f}%" + (f" ({c.covered}/{c.valid})" if c.valid else "") + f" <small>{_e(c.file)}</small>"
                             for c in results.coverage)
        coverage = f'<span data-result="coverage">{coverage}</span>'
    else:
        coverage = '<span class="status-none" data-result="coverage">not run</span>'
    problems = [*results.problems]
    tested = ""
    if results.tested_revisions:
        when = f" at {_e(results.generated_at[0])}" if results.generated_at else ""
        tested = f" The Rego tests ran on policy revision <code>{_e(results.tested_revisions[0])}</code>{when}."
        if data.source.kind == "directory" and data.source.revision not in results.tested_revisions:
            problems.append(f"the results are of revision {results.tested_revisions[0]}, not of this policy set "
                            f"({data.source.revision}): run the tests again")
    items = "".join(f'<li class="status-bad">{_e(p)}</li>' for p in problems)
    return (f'<h2 id="results">Test, coverage and invariant results</h2><p>Results of the last test run{where}.{tested} '
            f"The tests named under each clause were read from {_e(data.tests_from)}.</p>"
            f"<table><tr><th>tests</th><td>{suites(results.tests, 'tests')}</td></tr>"
            f"<tr><th>coverage</th><td>{coverage}</td></tr>"
            f"<tr><th>invariants</th><td>{suites(results.invariants, 'invariants')}</td></tr></table>"
            + (f"<ul>{items}</ul>" if items else ""))


def _matrix(data: ReportData) -> str:
    axes = data.axes
    legend = "".join(f'<span><i class="v-{k}"></i>{_e(v[0])}: {_e(v[1])}</span>' for k, v in VERDICTS.items()
                     if k != "undefined" or any(c.verdict == "undefined" for c in data.cells))
    letters = "".join(f'<span><i style="background:#555">{_e(REPRESENTATIVE_CATEGORIES.get(c, "?"))}</i><code>{_e(c)}</code></span>'
                      for c in axes.categories)
    rows = "".join(f"<li><b>{'top' if n == 0 else 'bottom'} row</b>: {_e(c.label)}</li>" for n, c in enumerate(axes.contexts))
    out = [
        '<h2 id="matrix">Decision matrix</h2>',
        f"<p>Each cell is one recipient kind and one data use; each square in it one data category, answered by "
        f"evaluating this policy set ({len(data.cells):,} decisions in {data.matrix_seconds:.1f} s). "
        "Hover over a square for its clauses, click it for details.</p>",
        f'<div class="legend">{legend}</div><div class="legend">{letters}</div><ul class="mstats">{rows}</ul>',
    ]
    by_key = {(c.company, c.recipient_kind, c.data_use, c.category, c.context): c for c in data.cells}
    for company in axes.companies:
        out.append(f'<h3 id="matrix-{_e(company)}">{_e(company)}</h3>')
        stats = []
        for context in axes.contexts:
            mine = [c for c in data.cells if c.company == company and c.context == context.name]
            stats.append(f"{_e(context.label)}: {sum(1 for c in mine if c.allow)} of {len(mine)} allowed")
        out.append(f'<p class="mstats">{"; ".join(stats)}</p>')
        head = "".join(f'<th data-kind="{_e(k)}">{_e(k.replace("_", " "))}</th>' for k in axes.recipient_kinds)
        out.append(f'<table class="matrix" data-company="{_e(company)}"><thead><tr><th>data use \\ recipient</th>{head}</tr></thead><tbody>')
        for use in axes.uses:
            tds = []
            for kind in axes.recipient_kinds:
                rows_html = []
                for context in axes.contexts:
                    squares = "".join(_square(by_key[(company, kind, use, category, context.name)]) for category in axes.categories)
                    rows_html.append(f'<div class="sq">{squares}</div>')
                tds.append(f'<td data-kind="{_e(kind)}">{"".join(rows_html)}</td>')
            out.append(f'<tr data-use="{_e(use)}"><th title="{_e(use)}">{_e(use)}</th>{"".join(tds)}</tr>')
        out.append("</tbody></table>")
    return "\n".join(out)


def _square(cell: Cell) -> str:
    wanted = "allow" if cell.allow else "deny"
    clauses = " ".join(cell.clauses(wanted))
    obligations = " ".join(sorted({f"{o.get('code')}@{o.get('clause')}" for o in cell.obligations()}))
    mark = REPRESENTATIVE_CATEGORIES.get(cell.category, "?")
    return (f'<i class="v-{cell.verdict}" data-g="{_e(cell.category)}" data-x="{_e(cell.context)}" '
            f'data-v="{cell.verdict}" data-a="{"1" if cell.allow else "0"}" data-c="{_e(clauses)}"'
            + (f' data-o="{_e(obligations)}"' if obligations else "") + f">{_e(mark)}</i>")


def _company(section: CompanySection) -> str:
    encoded = section.with_status("encoded")
    others = [c for c in section.clauses if c.status != "encoded"]
    out = [f'<section id="company-{_e(section.name)}" data-company="{_e(section.name)}">',
           f"<h2>{_e(section.name)}</h2>",
           f"<p>{len(section.clauses)} clauses: {len(encoded)} encoded, {len(others)} not decidable. "
           f'<a href="#matrix-{_e(section.name)}">Its decision matrix</a>.</p>',
           "<h3>Encoded clauses</h3>", *(_clause(c) for c in encoded)]
    if others:
        rows = "".join(f'<tr data-clause="{_e(c.id)}"><td><a href="#c-{_e(c.id)}">{_e(c.id)}</a></td><td>{_e(c.get("why") or "(no reason given)")}</td></tr>'
                       for c in others)
        out.append(f'<h3>Not decidable</h3><table class="nd"><thead><tr><th>clause</th><th>why no request can trigger it</th></tr></thead><tbody>{rows}</tbody></table>')
        out.extend(_clause(c) for c in others)
    out.append(_readings(section))
    out.append("</section>")
    return "\n".join(out)


def _readings(section: CompanySection) -> str:
    rows = []
    for c in section.clauses:
        reading = c.get("reading")
        if not reading:
            continue
        contra = "contradict" in str(reading).lower() or "ambigu" in str(reading).lower()
        mark = '<span class="contra">contradiction or ambiguity resolved: </span>' if contra else ""
        rows.append(f'<tr><td><a href="#c-{_e(c.id)}">{_e(c.id)}</a></td><td>{mark}{_e(reading)}</td></tr>')
    promises = "".join(f"<tr><td><code>{_e(k)}</code></td><td>{_promise(v)}</td></tr>" for k, v in sorted(section.promises.items()))
    out = ["<h3>Readings taken</h3>"]
    if promises:
        out.append("<p>Readings the invariants hold the company to (<code>promises</code> in its data):</p>"
                   f'<table class="nd">{promises}</table>')
    out.append("<details><summary>The reading each rule takes of its clause "
               f"({len(rows)} clauses)</summary><table class=\"nd\">{''.join(rows)}</table></details>")
    return "\n".join(out)


def _promise(value: Any) -> str:
    """A promise as a line: its reading, the clause behind it, the rest as JSON."""
    items = value if isinstance(value, list) else [value]
    lines = []
    for item in items:
        if not isinstance(item, Mapping):
            lines.append(f"<code>{_e(json.dumps(item, ensure_ascii=False))}</code>")
            continue
        rest = {k: v for k, v in item.items() if k not in ("reading", "clause")}
        parts = [f"reading <b>{_e(item['reading'])}</b>"] if "reading" in item else []
        if "clause" in item:
            parts.append(f'clause <a href="#c-{_e(item["clause"])}"><code>{_e(item["clause"])}</code></a>')
        if rest:
            parts.append(f"<code>{_e(json.dumps(rest, ensure_ascii=False))}</code>")
        lines.append(" · ".join(parts))
    return "<br>".join(lines) or "none"


def _refs(items: list[RuleRef], what: str) -> str:
    if not items:
        return f'<span class="status-none">no {what}</span>'
    lis = "".join(f"<li>{_e(r.title or r.name)} <code>{_e(r.where)}</code></li>" if r.title
                  else f"<li><code>{_e(r.name)}</code> <code>{_e(r.where)}</code></li>" for r in items)
    if len(items) <= 3:
        return f'<ul class="refs">{lis}</ul>'
    return f'<details><summary>{len(items)} {what}</summary><ul class="refs">{lis}</ul></details>'


def _clause(c: ClauseRow) -> str:
    status = c.status
    badge = f'<span class="badge{" nd" if status != "encoded" else ""}">{_e(status.replace("_", " "))}</span>'
    warn = "".join(f'<span class="badge warn">{_e(p)}</span>' for p in c.problems)
    quote = c.get("quote")
    language = c.get("language") or ""
    meta = []
    if c.get("reading"):
        meta.append(f"<dt>Reading</dt><dd>{_e(c.get('reading'))}</dd>")
    if c.get("reviewed"):
        meta.append(f"<dt>Reviewed</dt><dd>{_e(c.get('reviewed'))}</dd>")
    if status == "encoded":
        meta.append(f"<dt>Rules</dt><dd>{_refs(c.rules, 'rules')}</dd>")
        meta.append(f"<dt>Tests</dt><dd>{_refs(c.tests, 'tests')}</dd>")
    return (f'<article class="clause" id="c-{_e(c.id)}" data-clause="{_e(c.id)}" data-status="{_e(status)}" '
            f'data-rules="{len(c.rules)}" data-tests="{len(c.tests)}">'
            f"<header><code>{_e(c.id)}</code><b>{_e(c.get('title'))}</b>{badge}{warn}<span class=\"src\">{_e(c.lines)}</span></header>"
            f'<p class="summary">{_e(c.get("summary"))}</p>'
            + (f'<blockquote lang="{_e(language)}">\u201c{_e(quote)}\u201d <small>({_e(language)})</small></blockquote>' if quote else "")
            + f'<dl class="meta">{"".join(meta)}</dl></article>')


def _general(rows: list[ClauseRow]) -> str:
    if not rows:
        return ""
    return ('<section id="general"><h2>Clauses of the decision contract</h2>'
            + "".join(_clause(c) for c in rows) + "</section>")
