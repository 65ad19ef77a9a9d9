#!/usr/bin/env bash
# Validates docker/ without a container engine:
#   - the compose file (and the secrets overlay) with `docker-compose config`;
#   - prometheus.yml, the alert rules and their unit tests with promtool;
#   - the Grafana dashboards: valid JSON, the structure Grafana needs, the provisioned datasource uid, and every
#     panel query parsed as PromQL by promtool;
#   - every alert has summary, description and a runbook annotation whose section exists in RUNBOOK.md;
#   - with a file argument (a Prometheus scrape, e.g. `curl -s localhost:9876/observe/metrics > scrape.txt`, or a
#     plain list of metric names, one a line): every metric named in a dashboard or alert expression is in it.
#
# Usage: docker/check.sh [SCRAPE_OR_NAMES_FILE]
# Needs docker-compose (Debian: apt-get install docker-compose; the `docker compose` plugin also works),
# promtool (Debian: apt-get install prometheus) and python3. Installs nothing itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scrape="${1:-}"
if [[ -n "$scrape" && ! -r "$scrape" ]]; then
  echo "check.sh: cannot read the scrape file '$scrape'" >&2
  exit 2
fi

missing=()
if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  missing+=("docker-compose (Debian: apt-get install -y docker-compose)")
fi
command -v promtool >/dev/null 2>&1 || missing+=("promtool (Debian: apt-get install -y prometheus)")
command -v python3 >/dev/null 2>&1 || missing+=("python3")
if ((${#missing[@]})); then
  printf 'check.sh: missing tool: %s\n' "${missing[@]}" >&2
  echo "check.sh: install them first; this script installs nothing." >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
step() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# Compose interpolates ${VAR:-default}; run it with none of our variables set so that the defaults are checked.
compose_env=(env -u STOCKULA_DB_PASSWORD -u STOCKULA_DB_USER -u STOCKULA_JMX_OPTS -u STOCKULA_DB_PASSWORD_SECRET
  -u STOCKULA_REPLICAS -u STOCKULA_METRICS_HOST_PORT -u STOCKULA_JMX_HOST_PORT -u KAFKA_CLUSTER_ID)

step "docker-compose config: docker-compose.yml"
"${compose_env[@]}" "${compose[@]}" -f "$here/docker-compose.yml" config -q || fail "docker-compose.yml does not validate"
step "docker-compose config: docker-compose.yml + docker-compose.secrets.yml"
"${compose_env[@]}" "${compose[@]}" -f "$here/docker-compose.yml" -f "$here/docker-compose.secrets.yml" config -q \
  || fail "docker-compose.secrets.yml overlay does not validate"
# the cluster overlay as docker/README.md runs it: host ports as ranges, one port per replica
step "docker-compose config: docker-compose.yml + docker-compose.cluster.yml (3 replicas)"
if cluster="$("${compose_env[@]}" STOCKULA_REPLICAS=3 STOCKULA_METRICS_HOST_PORT=9876-9878 STOCKULA_JMX_HOST_PORT=9010-9012 \
    "${compose[@]}" -f "$here/docker-compose.yml" -f "$here/docker-compose.cluster.yml" config)"; then
  python3 - "$cluster" <<'PY' || fail "docker-compose.cluster.yml: replicas, ports or Kafka settings"
import re, sys
import yaml   # docker-compose depends on PyYAML
c = yaml.safe_load(sys.argv[1])
etl, kafka = c["services"]["stockula-etl"], c["services"].get("kafka")
errors = []
replicas = int(etl.get("deploy", {}).get("replicas", etl.get("scale", 1)))
if replicas < 2:
    errors.append(f"stockula-etl runs {replicas} replica(s)")
for p in etl.get("ports", []):
    m = re.match(r"127\.0\.0\.1:(\d+)(?:-(\d+))?:", str(p))
    if not m or int(m.group(2) or m.group(1)) - int(m.group(1)) + 1 < replicas:
        errors.append(f"stockula-etl port {p}: not a loopback range of at least {replicas} host ports")
env = etl.get("environment", {})
if env.get("STOCKULA_KAFKA_BOOTSTRAP_SERVERS") != "kafka:9092" or env.get("STOCKULA_CLUSTER_ENABLED") != "true":
    errors.append("stockula-etl: Kafka or clustering not switched on")
if env.get("CAMEL_MANAGEMENT_HOST") != "0.0.0.0":
    errors.append("stockula-etl: the metrics server must listen on the container network")
if not kafka:
    errors.append("no kafka service")
else:
    if kafka.get("ports"):
        errors.append(f"kafka publishes {kafka['ports']} on the host")
    if not kafka["image"].startswith("apache/kafka:"):
        errors.append(f"kafka image {kafka['image']}")
    if not any(str(v).startswith("kafka-data:") for v in kafka.get("volumes", [])):
        errors.append("kafka: no named volume for its log dir")
    if "broker,controller" != kafka.get("environment", {}).get("KAFKA_PROCESS_ROLES"):
        errors.append("kafka: not KRaft combined mode")
for e in errors:
    print("  " + e, file=sys.stderr)
print(f"  {replicas} replicas, ports {etl.get('ports')}, kafka {kafka and kafka.get('image')}")
sys.exit(1 if errors else 0)
PY
else
  fail "docker-compose.cluster.yml overlay does not validate"
fi

step "promtool check config prometheus/prometheus.yml"
promtool check config "$here/prometheus/prometheus.yml" || fail "prometheus.yml"
step "promtool check rules prometheus/alerts.yml"
promtool check rules "$here/prometheus/alerts.yml" || fail "alerts.yml"
step "promtool test rules prometheus/alerts.test.yml prometheus/alerts.long.test.yml"
promtool test rules "$here/prometheus/alerts.test.yml" || fail "alerts.test.yml"
promtool test rules "$here/prometheus/alerts.long.test.yml" || fail "alerts.long.test.yml"

step "json.tool on each dashboard"
shopt -s nullglob
dashboards=("$here"/grafana/dashboards/*.json)
if ((${#dashboards[@]} == 0)); then
  fail "no dashboards in $here/grafana/dashboards"
fi
for d in "${dashboards[@]}"; do
  if python3 -m json.tool "$d" >/dev/null; then
    echo "  ok ${d#"$here"/}"
  else
    fail "$d is not valid JSON"
  fi
done

step "dashboards, alerts and runbook: structure, PromQL, annotations, metric names"
python3 - "$here" "$work/dashboard-queries.rules.yml" "$scrape" <<'PY' || fail "dashboard/alert structure or metric names"
import json, re, sys
from pathlib import Path

here, rules_out, scrape = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
errors = []

# --- the provisioned datasource uid -------------------------------------------------------------------------
ds_text = (here / "grafana/provisioning/datasources/prometheus.yml").read_text()
m = re.search(r"^\s*uid:\s*['\"]?([\w-]+)", ds_text, re.M)
ds_uid = m.group(1) if m else None
if not ds_uid:
    errors.append("grafana/provisioning/datasources/prometheus.yml: no uid")

# --- PromQL identifiers -------------------------------------------------------------------------------------
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset",
            "bool", "inf", "nan", "start", "end"}
LIST_CLAUSE = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
TOKEN = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*|[0-9][0-9A-Za-z_.]*|\S")

def metric_names(expr):
    """Metric names in a PromQL expression: identifiers that are not functions, keywords or label names."""
    s = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', expr)   # strings (label values)
    s = re.sub(r"\$\{[^}]*\}|\$\w+", " ", s)                                       # Grafana variables
    s = re.sub(r"\{[^}]*\}", " ", s)                                                # label matchers
    s = re.sub(r"\[[^\]]*\]", " ", s)                                               # ranges and subqueries
    s = LIST_CLAUSE.sub(" ", s)                                                     # by (...), on (...)...
    names = set()
    tokens = [(t.group(0), t.end()) for t in TOKEN.finditer(s)]
    for tok, end in tokens:
        if not re.match(r"[A-Za-z_:]", tok) or tok.lower() in KEYWORDS:
            continue
        if re.match(r"\s*\(", s[end:]):   # a function or an aggregation
            continue
        names.add(tok)
    return names

# --- dashboards ---------------------------------------------------------------------------------------------
def walk(panels):
    for p in panels:
        yield p
        yield from walk(p.get("panels", []))

grafana_vars = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "${__range}": "1h",
                "${__rate_interval}": "5m", "${__interval}": "1m"}
uses = {}   # metric -> where
rules = []
uids = set()
for path in sorted((here / "grafana/dashboards").glob("*.json")):
    rel = path.relative_to(here)
    d = json.loads(path.read_text())
    for key in ("uid", "title", "schemaVersion", "panels"):
        if key not in d:
            errors.append(f"{rel}: no {key}")
    if d.get("uid") in uids:
        errors.append(f"{rel}: uid {d.get('uid')} used twice")
    uids.add(d.get("uid"))
    if not isinstance(d.get("schemaVersion"), int) or d.get("schemaVersion", 0) < 36:
        errors.append(f"{rel}: schemaVersion {d.get('schemaVersion')} (expected >= 36)")
    ids = set()
    for p in walk(d.get("panels", [])):
        title = p.get("title", "?")
        if p.get("id") in ids:
            errors.append(f"{rel}: panel id {p.get('id')} used twice")
        ids.add(p.get("id"))
        gp = p.get("gridPos", {})
        if not all(k in gp for k in ("x", "y", "w", "h")) or gp.get("x", 0) + gp.get("w", 0) > 24:
            errors.append(f"{rel}: panel '{title}' has a bad gridPos {gp}")
        if p.get("type") == "row":
            continue
        if (p.get("datasource") or {}).get("uid") != ds_uid:
            errors.append(f"{rel}: panel '{title}' datasource uid is not '{ds_uid}'")
        targets = p.get("targets") or []
        if not targets:
            errors.append(f"{rel}: panel '{title}' has no targets")
        for t in targets:
            expr = t.get("expr", "")
            if not expr.strip():
                errors.append(f"{rel}: panel '{title}' target {t.get('refId')} has no expr")
                continue
            if (t.get("datasource") or {}).get("uid", ds_uid) != ds_uid:
                errors.append(f"{rel}: panel '{title}' target {t.get('refId')} datasource uid is not '{ds_uid}'")
            for name in metric_names(expr):
                uses.setdefault(name, []).append(f"{rel} '{title}'")
            promql = expr
            for var, val in grafana_vars.items():
                promql = promql.replace(var, val)
            rules.append((f"dashboard:{d.get('uid', 'x').replace('-', '_')}:panel{p.get('id')}_{t.get('refId', 'A')}",
                          promql, f"{rel} '{title}'"))

# every dashboard expression as a recording rule, so that promtool parses it as PromQL
with open(rules_out, "w") as f:
    f.write("groups:\n  - name: dashboard-queries\n    rules:\n")
    for record, promql, _ in rules:
        f.write(f"      - record: {record}\n        expr: {json.dumps(promql)}\n")

# --- alert rules (a line parser: `- alert:` starts a rule, `expr:` inline or as a block scalar) ----------------
alerts = []
cur = None
lines = (here / "prometheus/alerts.yml").read_text().splitlines()
i = 0
while i < len(lines):
    line = lines[i]
    m = re.match(r"^(\s*)- alert:\s*(\S+)", line)
    if m:
        cur = {"name": m.group(2), "expr": "", "annotations": {}}
        alerts.append(cur)
    elif cur is not None:
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        a = re.match(r"^\s*(summary|description|runbook):\s*(.*)$", line)
        if m:
            indent, rest = len(m.group(1)), m.group(2).strip()
            if rest in ("|", ">", "|-", ">-", "|+", ">+"):
                block = []
                while i + 1 < len(lines) and (not lines[i + 1].strip() or
                                              len(lines[i + 1]) - len(lines[i + 1].lstrip()) > indent):
                    i += 1
                    block.append(lines[i].strip())
                cur["expr"] = " ".join(block)
            else:
                cur["expr"] = rest.strip("'\"") if rest[:1] in "'\"" and rest[-1:] == rest[:1] else rest
        elif a:
            cur["annotations"][a.group(1)] = a.group(2).strip().strip('"')
    i += 1

if not alerts:
    errors.append("prometheus/alerts.yml: no alerts found")

# RUNBOOK.md headings -> GitHub anchors
runbook = (here / "RUNBOOK.md").read_text() if (here / "RUNBOOK.md").exists() else ""
if not runbook:
    errors.append("RUNBOOK.md missing")
anchors = set()
for h in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", runbook, re.M):
    slug = re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
    anchors.add(slug)

for a in alerts:
    for key in ("summary", "description", "runbook"):
        if not a["annotations"].get(key):
            errors.append(f"alerts.yml {a['name']}: no {key} annotation")
    rb = a["annotations"].get("runbook", "")
    if rb and (not rb.startswith("docker/RUNBOOK.md#") or rb.split("#", 1)[1] not in anchors):
        errors.append(f"alerts.yml {a['name']}: runbook '{rb}' is not a section of docker/RUNBOOK.md")
    if not a["expr"]:
        errors.append(f"alerts.yml {a['name']}: no expr found")
    for name in metric_names(a["expr"]):
        uses.setdefault(name, []).append(f"prometheus/alerts.yml {a['name']}")

print(f"  {len(rules)} dashboard queries, {len(alerts)} alerts, {len(uses)} metric names")

# --- metric names against a scrape ---------------------------------------------------------------------------
if scrape:
    exported = {"up"}   # added by Prometheus to every target, never in a scrape
    for line in Path(scrape).read_text(errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        m = re.match(r"#\s*(?:TYPE|HELP)\s+([A-Za-z_:][A-Za-z0-9_:]*)(?:\s+(\w+))?", line)
        if m:
            name, kind = m.group(1), m.group(2)
            exported.add(name)
            if line.lstrip("# ").startswith("TYPE") and kind in ("summary", "histogram"):
                exported.update({name + "_count", name + "_sum"})
                if kind == "histogram":
                    exported.add(name + "_bucket")
            continue
        if line.startswith("#"):
            continue
        m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)", line)
        if m:
            exported.add(m.group(1))
    unknown = sorted(n for n in uses if n not in exported)
    for n in unknown:
        errors.append(f"metric {n} is not in {scrape}; used by: " + "; ".join(sorted(set(uses[n]))))
    print(f"  {len(uses) - len(unknown)} of {len(uses)} metric names found in {scrape}")

for e in errors:
    print("  " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY

if [[ -s "$work/dashboard-queries.rules.yml" ]]; then
  step "promtool parses every dashboard query"
  promtool check rules "$work/dashboard-queries.rules.yml" >/dev/null || fail "a dashboard query is not valid PromQL"
  echo "  ok"
fi

if ((failures)); then
  echo "check.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "check.sh: all checks passed"
