#!/usr/bin/env bash
# The device run (issue 17), from a folder made by bench/device/pack.sh, on a machine with or
# without a GPU, no package registry and perhaps no Node. In one go:
#   1. system.txt     what the machine has: OS, glibc, nvidia-smi, /dev/nvidia*, Vulkan ICD files
#   2. probe.json     the adapters Dawn sees and whether gpu.js runs a kernel in each mode, with
#                     the errors; vulkan-loader.log has the Vulkan loader's own account
#   3. parity.txt     the gpu parity tests (bit-identical to the CPU on the reference cases and on
#                     random, tied and offset data) in the mode the probe chose: 'webgpu' on a
#                     device, else gpu.js's WebAssembly fallback
#   4. gpu.json       `bench gpu` (N × batch, gpu vs the CPU path on this machine's cores)
#   5. summary.json   each stage's exit status and time; run.log has everything printed
#
#   bash run.sh [--out DIR] [--sizes 1000,10000,50000] [--batches 16,128,512] [--skip-bench]
#               [--parity-grep PATTERN]   (only the parity tests whose title matches: CI's smoke run)
#   OUT (the device tool's output folder) is the default for --out, else ./device-out.
#   Stage time limits (seconds): PARITY_TIMEOUT (240), BENCH_TIMEOUT (300): with unpacking and the
#   probe, the whole run stays under the device tool's 10 minutes per command.
#   Rehearsal without a GPU (software Vulkan): INFOSHARD_DEVICE_LIBS=<lavapipe's lib folder>
#   VK_ICD_FILENAMES=<lvp_icd.json> INFOSHARD_DEVICE_MODE=webgpu (see bench/device/README.md).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$PWD/device-out}"
sizes=1000,10000,50000
batches=16,128,512
bench=1
parity_grep=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --skip-bench) bench=0; shift ;;
    --parity-grep) parity_grep=(--grep "$2"); shift 2 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
exec > >(tee "$out/run.log") 2>&1
say() { printf '\n== %s\n' "$*"; }
stages=()
# coreutils timeout where there is one (a bare machine may lack it: then no limit)
tmo() { if command -v timeout >/dev/null 2>&1; then timeout "$@"; else shift; "$@"; fi; }
stage() { # name status seconds
  stages+=("{\"stage\":\"$1\",\"status\":$2,\"seconds\":$3}")
}

work="${INFOSHARD_DEVICE_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/infoshard-device.XXXXXX")}"
say "unpacking into $work"
tar -xzf "$here/app.tar.gz" -C "$work" || { echo "run.sh: cannot unpack $here/app.tar.gz"; exit 1; }
app="$work/app"
sys="$work/sysroot/lib"

say "system"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "uname: $(uname -a)"
  grep -h '^PRETTY_NAME=' /etc/os-release 2>/dev/null
  echo "glibc: $(getconf GNU_LIBC_VERSION 2>/dev/null || echo '?')"
  echo "cpus: $(nproc 2>/dev/null || echo '?')"
  echo "--- nvidia-smi"
  if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; else echo "nvidia-smi: not found"; fi
  echo "--- device nodes"
  ls -l /dev/nvidia* /dev/dri 2>&1
  echo "--- Vulkan ICD files"
  for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/share/glvnd/egl_vendor.d /etc/glvnd/egl_vendor.d; do
    [ -d "$d" ] && for f in "$d"/*.json; do [ -f "$f" ] && { echo "$f:"; cat "$f"; }; done
  done
  echo "--- NVIDIA user-space driver libraries"
  (ldconfig -p 2>/dev/null | grep -E 'libGLX_nvidia|libEGL_nvidia|libnvidia-glcore|libnvidia-glvkspirv|libnvidia-gpucomp|libcuda\.so|libvulkan' ) || echo "(none in ldconfig)"
  echo "--- NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-unset} (containers need 'graphics' for the Vulkan ICD)"
} > "$out/system.txt" 2>&1
cat "$out/system.txt"

# The NVIDIA Vulkan ICD is libGLX_nvidia.so.0 named by nvidia_icd.json. A container given the
# GPU for compute only may have the library but not the JSON: then write one for the loader.
icd_json=""
for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d; do
  for f in "$d"/*.json; do [ -f "$f" ] && grep -qi nvidia "$f" && icd_json="$f"; done
done
if [ -z "$icd_json" ]; then
  glx="$( (ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 .*x86-64/ { print $NF; exit }') )"
  [ -z "$glx" ] && glx="$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)"
  if [ -n "$glx" ]; then
    mkdir -p "$work/icd"
    printf '{ "file_format_version": "1.0.1", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" > "$work/icd/nvidia_icd.json"
    export VK_DRIVER_FILES="$work/icd/nvidia_icd.json" VK_ICD_FILENAMES="$work/icd/nvidia_icd.json"
    echo "no nvidia ICD JSON installed; wrote $VK_DRIVER_FILES for $glx"
  else
    echo "no NVIDIA Vulkan ICD (nvidia_icd.json or libGLX_nvidia.so.0) on this machine"
  fi
else
  echo "NVIDIA Vulkan ICD: $icd_json"
fi

say "node"
node_bin=""
# INFOSHARD_DEVICE_BUNDLED_NODE=1 uses the packed Node even where the system has one (to test it)
if [ "${INFOSHARD_DEVICE_BUNDLED_NODE:-0}" != 1 ] && command -v node >/dev/null 2>&1 && node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  node_bin="$(command -v node)"
elif [ -f "$here/node.tar.gz" ]; then
  tar -xzf "$here/node.tar.gz" -C "$work" && node_bin="$work/bin/node"
fi
[ -n "$node_bin" ] || { echo "run.sh: no Node ≥ 20.19 here and no node.tar.gz in $here"; exit 1; }
# Dawn needs glibc ≥ 2.38. With a new enough system glibc, Node runs as is and only the packed
# Vulkan/EGL loaders are added (LD_LIBRARY_PATH); below that, Node runs under the packed glibc's
# own dynamic loader (--library-path), which still finds the machine's driver libraries through
# /etc/ld.so.cache. The two are never mixed: the packed libc.so.6 only goes with its ld.so.
dawn="$app/node_modules/webgpu/dist/linux-x64.dawn.node"
# a rehearsal without a GPU can add a software Vulkan driver's folder (Mesa lavapipe) here
extra_libs="${INFOSHARD_DEVICE_LIBS:+:$INFOSHARD_DEVICE_LIBS}"
vk="$work/vk"
mkdir -p "$vk"
for f in "$sys"/libvulkan.so.1* "$sys"/libEGL.so.1* "$sys"/libGLdispatch.so.0*; do [ -e "$f" ] && ln -sf "$f" "$vk/"; done
RUN=("$node_bin")
if LD_LIBRARY_PATH="$vk$extra_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$node_bin" -e "require('$dawn')" 2> "$out/dawn-load.err"; then
  export LD_LIBRARY_PATH="$vk$extra_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "Node $("$node_bin" -v) ($node_bin) loads dawn.node with the system glibc; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
elif "$sys/ld-linux-x86-64.so.2" --library-path "$sys$extra_libs" "$node_bin" -e "require('$dawn')" 2>> "$out/dawn-load.err"; then
  RUN=("$sys/ld-linux-x86-64.so.2" --library-path "$sys$extra_libs" "$node_bin")
  echo "Node $("$node_bin" -v) ($node_bin) under the packed glibc ($sys): with the system's, $(grep -m1 -oE "[^:]*(GLIBC|GLIBCXX)_[0-9.]+' not found[^)]*\)" "$out/dawn-load.err" || head -1 "$out/dawn-load.err")"
else
  echo "dawn.node does not load, not even under the packed glibc:"; cat "$out/dawn-load.err"
fi

say "adapters (probe.json)"
t0=$SECONDS
VK_LOADER_DEBUG="${VK_LOADER_DEBUG:-error,warn,info,driver}" "${RUN[@]}" "$app/dist/bench/device/probe.js" "$out/probe.json" > "$out/probe.stdout" 2> "$out/vulkan-loader.log"
probe_status=$?
stage probe $probe_status $((SECONDS - t0))
if [ $probe_status -ne 0 ] || [ ! -s "$out/probe.json" ]; then
  echo "probe failed ($probe_status):"; tail -20 "$out/vulkan-loader.log"
  mode=webasm
else
  mode="$("${RUN[@]}" -e "console.log(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).deviceMode)" "$out/probe.json")"
  # a rehearsal on a software adapter (which the probe never picks) can force the mode
  [ -n "${INFOSHARD_DEVICE_MODE:-}" ] && { echo "mode forced by INFOSHARD_DEVICE_MODE: $INFOSHARD_DEVICE_MODE"; mode="$INFOSHARD_DEVICE_MODE"; }
  "${RUN[@]}" -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`Dawn: ${r.dawn.ok ? "loaded" : "not loaded: " + r.dawn.error}`);
    for (const a of r.adapters) console.log(`  requestAdapter(${JSON.stringify(a.request)}) -> ${a.adapter ? [a.adapter.vendor, a.adapter.architecture, a.adapter.device, a.adapter.description].join(" | ") + (a.adapter.isFallbackAdapter ? " (fallback)" : "") : "null"}`);
    for (const g of r.gpujs) console.log(`gpu.js mode ${g.mode}: ${g.ok ? "ok (" + g.actualMode + ")" : g.error}`);
    console.log(`device mode: ${r.deviceMode} (${r.why})`);
  ' "$out/probe.json"
fi

say "parity tests, gpu.js mode '$mode' (parity.txt)"
t0=$SECONDS
(cd "$app" && INFOSHARD_GPU_MODE="$mode" INFOSHARD_CASES_DIR="$app/test/fixtures/cases" tmo "${PARITY_TIMEOUT:-240}" "${RUN[@]}" node_modules/mocha/bin/mocha.js \
  --no-config --timeout 300000 --exit --reporter spec ${parity_grep[@]+"${parity_grep[@]}"} \
  dist/test/gpu/parity.test.js dist/test/gpu/async.test.js dist/test/gpu/chunking.test.js dist/test/gpu/select.test.js) > "$out/parity.txt" 2>&1
parity_status=$?
stage parity $parity_status $((SECONDS - t0))
grep -E 'passing|failing|pending|parity' "$out/parity.txt" | head -20
[ $parity_status -eq 0 ] || { echo "parity FAILED ($parity_status):"; grep -A12 -E '^\s+[0-9]+\) ' "$out/parity.txt" | head -60; }

bench_status=null
if [ "$bench" = 1 ]; then
  say "bench gpu, mode '$mode', N = $sizes, batch = $batches (gpu.json)"
  t0=$SECONDS
  # on the host fallback brute force is ~N² per replicate: larger N are extrapolated, and marked
  (cd "$app" && tmo "${BENCH_TIMEOUT:-300}" "${RUN[@]}" dist/bench/run.js gpu --mode "$mode" --sizes "$sizes" --batches "$batches" \
    --threads "$(nproc 2>/dev/null || echo 1)" --max-host-n 1000 --out "$out")
  bench_status=$?
  stage bench $bench_status $((SECONDS - t0))
fi

printf '{"mode":"%s","out":"%s","stages":[%s]}\n' "$mode" "$out" "$(IFS=,; echo "${stages[*]}")" > "$out/summary.json"
say "summary"
cat "$out/summary.json"
[ "${INFOSHARD_DEVICE_KEEP:-0}" = 1 ] || [ -n "${INFOSHARD_DEVICE_WORK:-}" ] || rm -rf "$work"
[ $parity_status -eq 0 ] && { [ "$bench_status" = null ] || [ "$bench_status" -eq 0 ]; }
