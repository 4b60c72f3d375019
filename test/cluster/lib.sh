# shellcheck shell=bash
# Shared by test/cluster/{up,down,build-kubernetes,restart-apiserver}; sourced, not run.
# Everything here writes to stderr: the scripts keep stdout for the one line callers parse.

KUBERNETES_VERSION=1.20.2
HUSH_CACHE_ROOT="${HUSH_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hush}"
KUBERNETES_DIR="$HUSH_CACHE_ROOT/kubernetes/$KUBERNETES_VERSION"
KUBERNETES_BIN="$KUBERNETES_DIR/bin"
KUBERNETES_BINARIES=(kube-apiserver kube-controller-manager kubectl)

log() { echo "hush-cluster: $*" >&2; }
die() {
  echo "hush-cluster: error: $*" >&2
  exit 1
}

kubernetes_built() {
  local name
  for name in "${KUBERNETES_BINARIES[@]}"; do
    [ -x "$KUBERNETES_BIN/$name" ] || return 1
  done
}

# The default directory of a cluster's files, when `up`/`down` get no --dir.
default_cluster_dir() { echo "$HUSH_CACHE_ROOT/cluster"; }

# Parses `--dir DIR` (the only option the scripts share); sets CLUSTER_DIR to an absolute path.
parse_dir_option() {
  CLUSTER_DIR="$(default_cluster_dir)"
  while [ $# -gt 0 ]; do
    case "$1" in
    --dir)
      [ $# -ge 2 ] || die "--dir needs a directory"
      CLUSTER_DIR="$2"
      shift 2
      ;;
    --dir=*)
      CLUSTER_DIR="${1#--dir=}"
      shift
      ;;
    -h | --help)
      sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
      exit 0
      ;;
    *) die "unknown argument '$1'; usage: $(basename "$0") [--dir DIR]" ;;
    esac
  done
  case "$CLUSTER_DIR" in
  /*) ;;
  *) CLUSTER_DIR="$PWD/$CLUSTER_DIR" ;;
  esac
}

package_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

have_package_lists() { compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; }
have_source_lists() { compgen -G "/var/lib/apt/lists/*_Sources*" >/dev/null; }

# apt waits for another apt (e.g. a concurrent `up`) instead of failing on its lock.
apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

# Installs the Debian packages that are missing, or says which to install when it cannot.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing Debian packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]}) or run this script as root"
  fi
  if ! have_package_lists; then
    log "fetching the package lists (apt-get update)"
    apt_get update -qq >&2 || die "apt-get update failed; check the machine's network and /etc/apt/sources.list.d"
  fi
  log "installing ${missing[*]}"
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed (see above)"
}

# `apt-get source` needs a deb-src entry; a fresh Debian machine has only deb entries.
has_deb_src_entry() {
  grep -qsE '^[[:space:]]*Types:.*\bdeb-src\b' /etc/apt/sources.list.d/*.sources ||
    grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list
}

ensure_deb_src() {
  if ! has_deb_src_entry; then
    [ "$(id -u)" = 0 ] ||
      die "apt has no deb-src entry, needed to fetch Debian's kubernetes source package; add one (see docs/testing.md) or run this script as root"
    # Debian's kubernetes 1.20.2 source package is in bookworm, whatever release this machine runs.
    local file=/etc/apt/sources.list.d/hush-debian-src.sources
    log "adding a deb-src entry for bookworm main: $file"
    cat >"$file" <<'EOF'
# Added by Hush's test/cluster scripts: Debian's kubernetes source package (1.20.2) for the test cluster.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    log "fetching the package lists (apt-get update)"
    apt_get update -qq >&2 || die "apt-get update failed after adding $file"
  elif ! have_source_lists; then
    [ "$(id -u)" = 0 ] || die "apt has a deb-src entry but no source lists; run apt-get update as root"
    log "fetching the package lists (apt-get update)"
    apt_get update -qq >&2 || die "apt-get update failed; check the machine's network"
  fi
}

# A port on 127.0.0.1 nothing listens on, below Linux's ephemeral range (32768+) so that no
# outgoing connection holds it. Racy by nature: callers retry when a server cannot bind.
free_port() {
  local port i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "found no free port on 127.0.0.1 between 20000 and 32000"
}

# The program a process runs (its argv[0]); empty when it is gone or a zombie. No pipe: with
# pipefail, `tr | head` fails when head stops reading a long command line early.
program_of() {
  local argv0=
  IFS= read -r -d '' argv0 <"/proc/$1/cmdline" 2>/dev/null || true
  echo "$argv0"
}

# True when the pid in FILE is alive and runs the program NAME (a pid may be reused).
recorded_process_alive() {
  local file="$1" name="$2" pid program
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  [ -n "$pid" ] || return 1
  program="$(program_of "$pid")"
  [ "$program" = "$name" ] || [ "${program##*/}" = "$name" ]
}

# Stops the process recorded in FILE: SIGTERM, then SIGKILL after TIMEOUT seconds.
stop_recorded_process() {
  local file="$1" name="$2" timeout="${3:-15}" pid i
  if recorded_process_alive "$file" "$name"; then
    pid="$(cat "$file")"
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      recorded_process_alive "$file" "$name" || break
      sleep 0.1
    done
    if recorded_process_alive "$file" "$name"; then
      log "$name (pid $pid) has not exited ${timeout}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        recorded_process_alive "$file" "$name" || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$file"
}

# Starts a server detached from the caller (its own session, output to LOG) and records its pid.
# With job control off, setsid execs the program in the background child, so $! is its pid.
start_recorded_process() {
  local pidfile="$1" logfile="$2" pid i program
  shift 2
  setsid "$@" >>"$logfile" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  # Until the exec, /proc shows the forked shell: wait for it, so that callers checking whether
  # the server runs do not take the fork for a server that already exited.
  for ((i = 0; i < 400; i++)); do
    program="$(program_of "$pid")"
    [ -n "$program" ] || return 0 # gone, or a zombie
    [ "$program" = "$1" ] && return 0
    sleep 0.025
  done
}

# Waits until the API server of KUBECONFIG answers /readyz with ok; fails early when the process
# recorded in PIDFILE exits.
wait_ready() {
  local kubeconfig="$1" pidfile="$2" timeout="$3" i
  for ((i = 0; i < timeout * 4; i++)); do
    if "$KUBERNETES_BIN/kubectl" --kubeconfig "$kubeconfig" --request-timeout=2s get --raw /readyz >/dev/null 2>&1; then
      return 0
    fi
    recorded_process_alive "$pidfile" kube-apiserver || return 1
    sleep 0.25
  done
  return 1
}
