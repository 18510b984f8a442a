#!/usr/bin/env bash
# Judge a VM console log written by scripts/run-vm.sh.
#
# Usage: scripts/parse-results.sh LOG [--kunit-tool DIR] [--expect-kunit]
#   - every KTAP document between === VWDDM-KUNIT-BEGIN/END <suite> === is
#     parsed with the kernel's own tools/testing/kunit/kunit.py parse; leaf
#     test cases (parameterised sub-cases included) are counted; a suite with
#     no results or a crash counts as one failure
#   - VWDDM-CHECK: ok|not ok <name> lines are counted
#   - the whole console is scanned for kernel splats (each is a failure)
#   - a run that never printed === VWDDM-DONE is a failure
#   --expect-kunit  (implied when the log's mode is kunit) zero suites = failure
#   --kunit-tool DIR  a kernel tree holding tools/testing/kunit (default:
#                   the cached test-kernel tree, without building it)
# Output ends with "VWDDM-RESULT passed=N failed=M"; exit 1 on any failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log="" ktree="" expect_kunit=0
while (($#)); do
	case $1 in
	--kunit-tool) ktree=$2; shift 2 ;;
	--expect-kunit) expect_kunit=1; shift ;;
	-h | --help) sed -n '2,17p' "$0"; exit 0 ;;
	*) [[ -z $log ]] || vw_die "unexpected argument $1"; log=$1; shift ;;
	esac
done
[[ -n $log && -f $log ]] || vw_die "usage: $0 LOG (no such log: '${log}')"

# Private copy of kunit.py (its path must still contain tools/testing/kunit),
# so no __pycache__ lands in the cached kernel tree or in the repo.
if [[ -z $ktree ]]; then
	ktree=$(ls -d "$VWDDM_CACHE"/kernel-*/linux 2>/dev/null | head -n1 || true)
fi
kunit_py=""
if [[ -n $ktree && -f $ktree/tools/testing/kunit/kunit.py ]]; then
	tooldir="$VWDDM_CACHE/kunit-tool"
	if [[ ! -f $tooldir/.from || "$(cat "$tooldir/.from")" != "$ktree" ]]; then
		rm -rf "$tooldir"
		mkdir -p "$tooldir/tools/testing"
		cp -r "$ktree/tools/testing/kunit" "$tooldir/tools/testing/kunit"
		echo "$ktree" >"$tooldir/.from"
	fi
	kunit_py="$tooldir/tools/testing/kunit/kunit.py"
elif grep -q '=== VWDDM-KUNIT-BEGIN' "$log"; then
	vw_warn "no kernel tree with tools/testing/kunit found (run scripts/build-kernel.sh); KTAP checked by a minimal parser only"
fi

export PYTHONDONTWRITEBYTECODE=1
exec python3 - "$log" "$kunit_py" "$expect_kunit" <<'PY'
import json, os, re, subprocess, sys, tempfile

log_path, kunit_py, expect_kunit = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
raw = open(log_path, "rb").read().decode("utf-8", "replace")
lines = [l.rstrip("\r") for l in raw.split("\n")]

TS = re.compile(r"^\s*\[\s*\d+\.\d+\]\s?")   # printk time prefix
def strip_ts(l):
    return TS.sub("", l)

passed = failed = 0
problems = []

def fail(msg):
    global failed
    failed += 1
    problems.append(msg)

# ---- mode ---------------------------------------------------------------
mode = None
for l in lines:
    m = re.search(r"=== VWDDM-INIT-BEGIN mode=(\S+)", l)
    if m:
        mode = m.group(1)
        break
if mode == "kunit":
    expect_kunit = True

# ---- KUnit suites ---------------------------------------------------------
suites = []
cur = None
for l in lines:
    s = strip_ts(l)
    m = re.match(r"=== VWDDM-KUNIT-BEGIN (\S+) ===", s)
    if m:
        cur = (m.group(1), [])
        continue
    m = re.match(r"=== VWDDM-KUNIT-END (\S+) ===", s)
    if m and cur:
        suites.append(cur)
        cur = None
        continue
    if cur is not None:
        cur[1].append(l)
if cur is not None:
    suites.append((cur[0] + " (truncated)", cur[1]))

def count_json(group):
    p = f = s = 0
    for c in group.get("test_cases", []):
        st = c.get("status")
        if st == "PASS": p += 1
        elif st == "SKIP": s += 1
        else: f += 1
    for g in group.get("sub_groups", []):
        a, b, c = count_json(g)
        p += a; f += b; s += c
    return p, f, s

def fallback_count(doc):
    # Minimal KTAP: count leaf result lines (a result line whose following
    # block is not nested).  Used only without kunit.py.
    p = f = s = 0
    res = [strip_ts(x) for x in doc]
    rl = re.compile(r"^(\s*)(ok|not ok) \d+ ?(.*)$")
    for i, x in enumerate(res):
        m = rl.match(x)
        if not m:
            continue
        ind = len(m.group(1))
        # leaf if the previous result-ish line is not more indented
        j = i - 1
        while j >= 0 and not rl.match(res[j]) and not res[j].strip().startswith("KTAP") and not re.match(r"^\s*1\.\.\d+", res[j]):
            j -= 1
        prev = rl.match(res[j]) if j >= 0 else None
        nested = prev is not None and len(prev.group(1)) > ind
        if j >= 0 and re.match(r"^\s*1\.\.\d+", res[j]) and len(res[j]) - len(res[j].lstrip()) > ind:
            nested = True
        if ind == 0 or nested:
            continue
        if "# SKIP" in m.group(3): s += 1
        elif m.group(2) == "ok": p += 1
        else: f += 1
    return p, f, s

ktot = [0, 0, 0]
print("== KUnit ==")
if not suites:
    print("  no KUnit results in the log")
    if expect_kunit:
        fail("no KUnit suite results found (vwddm_kunit.ko not loaded, or the guest died)")
for name, doc in suites:
    body = "\n".join(strip_ts(x) for x in doc).strip()
    if not body or "KTAP version" not in body and "TAP version" not in body:
        print(f"  {name}: EMPTY results")
        fail(f"KUnit suite {name}: empty results")
        continue
    if kunit_py:
        with tempfile.TemporaryDirectory() as td:
            kt = os.path.join(td, "ktap.log"); js = os.path.join(td, "r.json")
            open(kt, "w").write(body + "\n")
            r = subprocess.run([sys.executable, kunit_py, "parse", kt, f"--json={js}"],
                               capture_output=True, text=True)
            out = r.stdout + r.stderr
            try:
                p, f, s = count_json(json.load(open(js)))
            except Exception:
                p, f, s = fallback_count(doc)
            # a crashed/unparsable suite with no failing leaf still fails
            crashed = r.returncode != 0 and f == 0
    else:
        p, f, s = fallback_count(doc)
        out = body
        crashed = (p + f + s) == 0
    if p + f + s == 0 and not crashed:
        crashed = True
    ktot[0] += p; ktot[1] += f; ktot[2] += s
    passed += p
    failed += f
    st = "FAILED" if (f or crashed) else "ok"
    print(f"  {name}: {p} passed, {f} failed, {s} skipped -> {st}")
    if f or crashed:
        problems.append(f"KUnit suite {name}: {f} failed case(s)" + (", crashed/unparsable" if crashed else ""))
        keep = [x for x in out.strip().splitlines() if "Test results stored in" not in x]
        print("    " + "\n    ".join(keep[-40:]))
        if crashed:
            failed += 1
print(f"  KUnit cases: {ktot[0]} passed, {ktot[1]} failed, {ktot[2]} skipped (in {len(suites)} suites)")

# ---- VWDDM-CHECK lines ----------------------------------------------------
print("== checks ==")
nchk = 0
for l in lines:
    m = re.search(r"VWDDM-CHECK: (ok|not ok) (\S+)(.*)$", strip_ts(l))
    if not m:
        continue
    nchk += 1
    if m.group(1) == "ok":
        passed += 1
        print(f"  ok      {m.group(2)}")
    else:
        print(f"  NOT OK  {m.group(2)}{m.group(3)}")
        fail(f"check {m.group(2)} failed{m.group(3)}")
if not nchk:
    print("  no VWDDM-CHECK lines")

# ---- kmemleak report --------------------------------------------------------
kml_lines = set()
km = []
inkm = False
for i, l in enumerate(lines):
    s = strip_ts(l)
    if "=== VWDDM-KMEMLEAK-BEGIN" in s:
        inkm = True; kml_lines.add(i); continue
    if "=== VWDDM-KMEMLEAK-END" in s:
        inkm = False; kml_lines.add(i); continue
    if inkm:
        # A kernel message printed meanwhile (it has a printk time stamp;
        # `cat kmemleak` output has none) is not part of the report, and
        # the splat scan below still sees it.
        if TS.match(l):
            continue
        kml_lines.add(i)
        if s.strip(): km.append(s)
print("== kmemleak ==")
nleaks = sum(1 for s in km if s.startswith("unreferenced object"))
if km:
    print(f"  kmemleak report not empty ({nleaks} unreferenced object(s)):")
    print("    " + "\n    ".join(km[:60]))
    fail(f"kmemleak: {nleaks or 'non-empty'} leak report")
else:
    print("  clean (or kmemleak not enabled)")

# ---- splats -----------------------------------------------------------------
HEAD = re.compile(r"WARNING:|BUG:|possible circular locking|possible recursive locking|"
                  r"inconsistent lock state|ODEBUG|\bKASAN\b|UBSAN|suspected memory leaks|"
                  r"Kernel panic|\bOops\b|general protection fault|blocked for more than")
TRACE = re.compile(r"Call Trace:")
END = re.compile(r"---\[ end (trace|Kernel panic)")
IGNORE = re.compile(r"VWDDM-CHECK:|=== VWDDM-")
print("== splats ==")
nsplat = 0
block_until = -1
for i, l in enumerate(lines):
    if i in kml_lines or IGNORE.search(l):
        continue
    s = strip_ts(l)
    if km and "suspected memory leaks" in s:
        continue   # already counted through the kmemleak report
    is_head = bool(HEAD.search(s))
    is_trace = bool(TRACE.search(s))
    if (is_head and i > block_until) or (is_trace and i > block_until):
        nsplat += 1
        # one splat = header up to its end-trace line (or 150 lines: lockdep
        # reports have no end marker and a Call Trace far below the header)
        block_until = i + 150
        for j in range(i + 1, min(len(lines), i + 151)):
            if END.search(lines[j]):
                block_until = j
                break
        ctx = lines[max(0, i - 3):min(len(lines), block_until + 1, i + 40)]
        print(f"  splat #{nsplat} at console line {i + 1}: {s.strip()}")
        print("    | " + "\n    | ".join(ctx))
        fail(f"kernel splat: {s.strip()[:120]}")
    elif is_head and i <= block_until:
        continue
if not nsplat:
    print("  none")

# ---- completion -------------------------------------------------------------
print("== completion ==")
m = re.search(r"=== VWDDM-INIT-BEGIN mode=\S+ kernel=(\S+) uptime=(\S+) ===", raw)
if m:
    print(f"  kernel {m.group(1)}: /init reached at guest uptime {m.group(2)}")
done = [strip_ts(l) for l in lines if "=== VWDDM-DONE" in l]
if any("VWDDM-HOST-TIMEOUT" in l for l in lines):
    fail("VM timed out (killed by the host)")
    print("  VM TIMED OUT")
if not done:
    fail("guest never reached the end marker (=== VWDDM-DONE): crash, panic or hang")
    print("  guest did NOT reach === VWDDM-DONE ===")
else:
    print("  " + done[-1].strip())
    m = re.search(r"VWDDM-MODE-END \S+ rc=(\d+)", raw)
    if re.search(r"VWDDM-MODE-MISSING", raw):
        print("  mode script missing")

print("== summary ==")
for p in problems:
    print(f"  FAIL: {p}")
print(f"  {os.path.basename(log_path)}: {passed} passed, {failed} failed")
print(f"VWDDM-RESULT passed={passed} failed={failed}")
sys.exit(1 if failed else 0)
PY
