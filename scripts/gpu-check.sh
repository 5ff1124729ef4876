#!/usr/bin/env bash
# gpu-check.sh: does the model core run on this machine's CUDA GPU? For a machine with Python torch (libtorch
# inside the torch package) but no JDK and no network: it uses the bundle scripts/gpu-pack.sh built in .gpu/
# (a jlink'd JRE + a lean classpath without the CPU native jar) and points DJL at the torch package's libraries.
#
#   bash scripts/gpu-check.sh [--big]     --big also times a GPT-2-small training step on the GPU
#
# Nothing stops at the first error: every stage prints what it found, each Java attempt runs in its own JVM with a
# time limit, and the summary at the end says which stages worked. Logs (and any JVM crash report) go to $OUT if set,
# else .gpu/out. Overrides: PYTHON (default python3), TORCH_LIB_DIR (default <torch package>/lib), FLAVORS (DJL JNI
# flavors to try, default "cu128"), JAVA_TIMEOUT (seconds per attempt, default 240).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUNDLE="$ROOT/.gpu"
LOGS="${OUT:-$BUNDLE/out}"
PY="${PYTHON:-python3}"
JAVA_TIMEOUT="${JAVA_TIMEOUT:-240}"
mkdir -p "$LOGS"
exec > >(tee "$LOGS/gpu-check.log") 2>&1

declare -a SUMMARY=()
note() { SUMMARY+=("$1"); }
section() { printf '\n== %s\n' "$*"; }

section "machine"
uname -a
nproc
free -g 2>/dev/null | head -2
ldd --version 2>/dev/null | head -1
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv

section "bundle"
if [ ! -x "$BUNDLE/jre/bin/java" ] || ! ls "$BUNDLE"/lib/*.jar >/dev/null 2>&1; then
  echo "no bundle in $BUNDLE: run scripts/gpu-pack.sh on the build machine and carry .gpu"
  exit 2
fi
du -sh "$BUNDLE/jre" "$BUNDLE/lib"
"$BUNDLE/jre/bin/java" -version && note "jlink JRE starts: yes" || note "jlink JRE starts: NO"

section "python torch"
TORCH_LIB="${TORCH_LIB_DIR:-}"
if [ -z "$TORCH_LIB" ]; then
  TORCH_LIB=$("$PY" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null)
fi
"$PY" - <<'EOF'
import os
try:
    import torch
    print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(),
          "devices", torch.cuda.device_count())
    if torch.cuda.is_available():
        print("device 0:", torch.cuda.get_device_name(0))
        a = torch.randn(1024, 1024, device="cuda")
        print("python matmul on GPU ok:", float((a @ a).sum()) == float((a @ a).sum()))
    print("lib dir", os.path.join(os.path.dirname(torch.__file__), "lib"))
except Exception as e:
    print("python torch failed:", repr(e))
EOF
echo "TORCH_LIB=$TORCH_LIB"
# DJL counts GPUs through JNA's dlopen("cudart"), which does not look inside the pip nvidia-* packages: put every
# nvidia/*/lib folder of the torch install on LD_LIBRARY_PATH and jna.library.path.
CUDA_DIRS=$("$PY" - <<'EOF' 2>/dev/null
import glob, os, site, torch
roots = set(site.getsitepackages() + [site.getusersitepackages(), os.path.dirname(os.path.dirname(torch.__file__))])
dirs = sorted({os.path.dirname(p) for r in roots for p in glob.glob(os.path.join(r, "nvidia", "**", "lib*.so*"), recursive=True)})
print(":".join(dirs))
EOF
)
echo "CUDA library dirs: ${CUDA_DIRS:-none}"
REQUIRE_GPU=$("$PY" -c 'import torch; print("--require-gpu" if torch.cuda.is_available() else "")' 2>/dev/null)
[ -n "$REQUIRE_GPU" ] && note "python torch sees CUDA: yes" || note "python torch sees CUDA: no (GPU checks are skipped)"
[ -n "$TORCH_LIB" ] && ls -la "$TORCH_LIB" | grep -E '\.so' | awk '{print $5, $9}'
[ -d "$TORCH_LIB" ] || { note "torch lib dir: NOT FOUND"; TORCH_LIB=/nonexistent; }

section "symbols the cu128 JNI (built for libtorch 2.7.1) needs, looked up in this libtorch"
if [ -f "$BUNDLE/jni-cu128-undefined.txt" ]; then
  "$PY" - "$TORCH_LIB" "$BUNDLE/jni-cu128-undefined.txt" <<'EOF' && note "JNI symbols: all present" || note "JNI symbols: SOME MISSING (see log)"
import ctypes, os, sys
lib_dir, wanted = sys.argv[1], [s.strip() for s in open(sys.argv[2]) if s.strip()]
for name in ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"]:
    try:
        ctypes.CDLL(os.path.join(lib_dir, name), mode=ctypes.RTLD_GLOBAL)
    except OSError as e:
        print("cannot load", name, e)
proc = ctypes.CDLL(None)
missing = [s for s in wanted if not hasattr(proc, s)]
print(f"{len(wanted) - len(missing)} of {len(wanted)} symbols found, {len(missing)} missing")
for s in missing[:40]:
    print("  missing", s)
sys.exit(1 if missing else 0)
EOF
else
  echo "no symbol list in the bundle (nm was missing when it was packed)"
fi

# One JVM per attempt: flavor (which JNI DJL extracts from pytorch-jni) x binding mode.
attempt() { # name flavor bindnow extra-args...
  local name=$1 flavor=$2 bindnow=$3
  shift 3
  local cache
  cache=$(mktemp -d)
  section "java: $name (PYTORCH_FLAVOR=$flavor, LD_BIND_NOW=${bindnow:-unset})"
  local env=(DJL_OFFLINE=true DJL_CACHE_DIR="$cache" PYTORCH_LIBRARY_PATH="$TORCH_LIB" PYTORCH_VERSION=2.7.1
    PYTORCH_FLAVOR="$flavor")
  [ -n "$bindnow" ] && env+=(LD_BIND_NOW=1)
  [ -n "$CUDA_DIRS" ] && env+=(LD_LIBRARY_PATH="$CUDA_DIRS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
  env "${env[@]}" timeout "$JAVA_TIMEOUT" "$BUNDLE/jre/bin/java" -Dai.djl.offline=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info -XX:ErrorFile="$LOGS/hs_err_${name}_%p.log" \
    ${CUDA_DIRS:+-Djna.library.path="$CUDA_DIRS"} \
    -cp "$BUNDLE/lib/*" org.instructforge.training.bench.GpuCheck $REQUIRE_GPU "$@"
  local rc=$?
  ls "$LOGS"/hs_err_"${name}"_*.log >/dev/null 2>&1 && head -n 40 "$LOGS"/hs_err_"${name}"_*.log
  rm -rf "$cache"
  case $rc in
    0) note "java $name: PASSED" ;;
    124) note "java $name: TIMED OUT after ${JAVA_TIMEOUT}s" ;;
    *) note "java $name: FAILED (exit $rc)" ;;
  esac
  return $rc
}

passed=""
for flavor in ${FLAVORS:-cu128}; do
  # Fail fast on any missing symbol first (platform notes), then lazily: only the symbols actually called matter.
  if attempt "$flavor-bindnow" "$flavor" 1 "$@"; then passed=$flavor; break; fi
  if attempt "$flavor-lazy" "$flavor" "" "$@"; then passed=$flavor; break; fi
done

section "summary"
for line in "${SUMMARY[@]}"; do echo "  $line"; done
[ -n "$passed" ] && echo "GPU CHECK: the model core ran with PYTORCH_FLAVOR=$passed" || echo "GPU CHECK: no attempt passed"
[ -n "$passed" ]
