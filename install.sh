#!/bin/sh
# Installs Bunker as a systemd service: the binary (or a release .tar.gz) to /usr/local/bin, a
# `bunker` system user, /etc/default/bunker and bunker.service; can take over minio.service
# (same EnvironmentFile, volumes and user); --uninstall undoes what the manifest recorded.
set -eu

PROG=install.sh
ROOT=""
PREFIX=/usr/local/bin
SVC_USER=bunker
VOLUMES=/var/lib/bunker/data
TAKEOVER=ask
USE_SYSTEMCTL=auto
SYSTEMCTL=systemctl
UNINSTALL=0
SOURCE=""

usage() {
  cat <<EOF
Usage: $PROG [options] path/to/bunker | path/to/bunker-VERSION-linux-ARCH.tar.gz
       $PROG --uninstall [--root DIR]

Installs the binary to $PREFIX, the '$SVC_USER' system user, /etc/default/bunker (kept if it
exists) and the systemd unit bunker.service, then enables and starts it.

Options:
  --root DIR          install under DIR instead of / (a scratch root: no systemctl calls,
                      the user is written to DIR/etc/passwd and DIR/etc/group)
  --prefix DIR        where the binary goes (default /usr/local/bin)
  --user NAME         service user and group (default bunker)
  --volumes "SPEC"    BUNKER_VOLUMES for a new /etc/default/bunker (default $VOLUMES)
  --takeover-minio    replace an existing minio.service: keep its EnvironmentFile, volumes,
                      flags and user; stop and disable it (--uninstall turns it back on)
  --no-takeover       leave an existing minio.service alone without asking
  --no-systemctl      write the files but call systemctl for nothing
  --systemctl CMD     the systemctl command to call (default systemctl)
  --uninstall         stop and remove what an earlier run installed (the data stays)
  -h, --help          this help
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT=${2:?--root needs a directory}; shift ;;
    --root=*) ROOT=${1#*=} ;;
    --prefix) PREFIX=${2:?--prefix needs a directory}; shift ;;
    --user) SVC_USER=${2:?--user needs a name}; shift ;;
    --volumes) VOLUMES=${2:?--volumes needs a value}; shift ;;
    --takeover-minio) TAKEOVER=yes ;;
    --no-takeover) TAKEOVER=no ;;
    --no-systemctl) USE_SYSTEMCTL=no ;;
    --systemctl) SYSTEMCTL=${2:?--systemctl needs a command}; USE_SYSTEMCTL=yes; shift ;;
    --uninstall) UNINSTALL=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$SOURCE" ] || die "only one binary or archive, please"; SOURCE=$1 ;;
  esac
  shift
done

if [ -n "$ROOT" ]; then
  ROOT=$(cd "$ROOT" && pwd) || die "cannot use --root '$ROOT'"
  [ "$USE_SYSTEMCTL" = auto ] && USE_SYSTEMCTL=no
fi
if [ "$USE_SYSTEMCTL" = auto ]; then
  # Only talk to systemd when it runs this machine (not in containers or chroots without it).
  if [ -d /run/systemd/system ] && command -v "$SYSTEMCTL" >/dev/null 2>&1; then USE_SYSTEMCTL=yes; else USE_SYSTEMCTL=no; fi
fi

BIN="$PREFIX/bunker"
ENV_FILE=/etc/default/bunker
UNIT_DIR=/etc/systemd/system
UNIT="$UNIT_DIR/bunker.service"
STATE_DIR=/var/lib/bunker-install
MANIFEST="$STATE_DIR/manifest"
NOTES=""

r() { printf '%s%s' "$ROOT" "$1"; }
note() { NOTES="$NOTES
  - $*"; }
record() { printf '%s\n' "$*" >>"$(r "$MANIFEST")"; }
recorded() { [ -f "$(r "$MANIFEST")" ] && grep -qx "$*" "$(r "$MANIFEST")"; }

systemd_do() { if [ "$USE_SYSTEMCTL" = yes ]; then "$SYSTEMCTL" "$@"; else note "run: systemctl $*"; fi; }

checksum() { cksum <"$1" | awk '{print $1 "-" $2}'; }

# ---- the user ------------------------------------------------------------------------------

user_exists() {
  if [ -n "$ROOT" ]; then grep -q "^$1:" "$(r /etc/passwd)" 2>/dev/null; else id -u "$1" >/dev/null 2>&1; fi
}

create_user() {
  user_exists "$SVC_USER" && return 0
  if [ -n "$ROOT" ]; then
    # A scratch root has no user database tools: write the entries the way useradd would.
    mkdir -p "$(r /etc)"
    uid=999
    while cut -d: -f3 "$(r /etc/passwd)" 2>/dev/null | grep -qx "$uid"; do uid=$((uid - 1)); done
    echo "$SVC_USER:x:$uid:$uid:Bunker object storage:/var/lib/bunker:/usr/sbin/nologin" >>"$(r /etc/passwd)"
    echo "$SVC_USER:x:$uid:" >>"$(r /etc/group)"
  else
    useradd --system --user-group --home-dir /var/lib/bunker --no-create-home --shell /usr/sbin/nologin \
      --comment "Bunker object storage" "$SVC_USER" || die "cannot create the '$SVC_USER' user (useradd)"
  fi
  record "user $SVC_USER"
  say "created system user '$SVC_USER'"
}

remove_user() {
  if [ -n "$ROOT" ]; then
    for f in /etc/passwd /etc/group; do
      [ -f "$(r $f)" ] || continue
      grep -v "^$1:" "$(r $f)" >"$(r $f).bunker-tmp" || true
      mv "$(r $f).bunker-tmp" "$(r $f)"
    done
  else
    userdel "$1" || note "could not remove user '$1'"
  fi
}

chown_user() { if [ -z "$ROOT" ]; then chown "$@"; fi; }

# ---- files ---------------------------------------------------------------------------------

fetch_binary() {
  [ -n "$SOURCE" ] || die "give the bunker binary or a release .tar.gz to install (see --help)"
  [ -f "$SOURCE" ] || die "'$SOURCE' is not a file"
  case "$SOURCE" in
    *.tar.gz | *.tgz)
      TMP=$(mktemp -d)
      trap 'rm -rf "$TMP"' EXIT
      tar -xzf "$SOURCE" -C "$TMP" bunker 2>/dev/null || die "'$SOURCE' holds no file named bunker"
      NEW_BIN="$TMP/bunker"
      ;;
    *) NEW_BIN=$SOURCE ;;
  esac
  chmod 0755 "$NEW_BIN" 2>/dev/null || true
  VERSION=$("$NEW_BIN" --version 2>/dev/null) || die "'$SOURCE' does not run here (another CPU architecture?)"
}

install_binary() {
  mkdir -p "$(r "$PREFIX")"
  if [ -e "$(r "$BIN")" ] && ! recorded "file $BIN"; then
    cp -p "$(r "$BIN")" "$(r "$BIN").bunker-backup"
    record "backup $BIN"
  fi
  # Copy then rename, so a running bunker keeps its old file until it restarts.
  cp "$NEW_BIN" "$(r "$BIN").new"
  chmod 0755 "$(r "$BIN").new"
  mv -f "$(r "$BIN").new" "$(r "$BIN")"
  recorded "file $BIN" || record "file $BIN"
  say "installed $BIN ($VERSION)"
}

write_env() {
  f=$(r "$ENV_FILE")
  if [ -e "$f" ]; then note "kept the existing $ENV_FILE" && return 0; fi
  mkdir -p "$(dirname "$f")"
  password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
  cat >"$f" <<CONF
# Bunker settings, read by bunker.service. Every MINIO_* variable works too (BUNKER_* wins).
# After editing: systemctl restart bunker

# Drives: directories, or ranges such as /mnt/disk{1...4}; see "bunker server --help".
BUNKER_VOLUMES="$VOLUMES"

# Extra flags for "bunker server", e.g. --address :9000 --console-address :9001
BUNKER_OPTS="--address :9000"

# Root credentials (access key at least 3 characters, secret key at least 8). The password
# below was generated at install time: replace both with your own before storing data.
BUNKER_ROOT_USER="bunkeradmin"
BUNKER_ROOT_PASSWORD="$password"
CONF
  chmod 0640 "$f"
  chown_user "root:$SVC_USER" "$f"
  record "config $ENV_FILE $(checksum "$f")"
  say "wrote $ENV_FILE (root password generated; change it there)"
}

make_data_dirs() {
  set -f # volume specs are words, not file patterns
  for v in $VOLUMES; do
    case "$v" in
      *://* | *'{'* | /) continue ;; # remote drives and ranges are the operator's to prepare
    esac
    [ -d "$(r "$v")" ] && continue
    mkdir -p "$(r "$v")"
    chown_user "$SVC_USER:$SVC_USER" "$(r "$v")"
    note "created the data directory $v (an uninstall leaves it and its data in place)"
  done
  set +f
}

# ---- taking over minio.service -------------------------------------------------------------

find_minio_unit() {
  for d in /etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
    if [ -f "$(r "$d/minio.service")" ]; then echo "$d/minio.service" && return 0; fi
  done
  return 1
}

# Value of the last `Key=` line of a unit file.
unit_value() { sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | tail -n 1; }

# ---- the unit ------------------------------------------------------------------------------

# write_unit USER GROUP ENVFILES EXEC_ARGS CHECK: ENVFILES one per line; CHECK 1 = refuse to
# start without volumes (fresh installs; a taken-over unit may name its drives in EXEC_ARGS).
write_unit() {
  mkdir -p "$(r "$UNIT_DIR")"
  envs=$(echo "$3" | sed -n 's/^\(..*\)$/EnvironmentFile=\1/p')
  [ -n "$envs" ] || envs=@@
  check=@@
  if [ "$5" = 1 ]; then
    check="ExecStartPre=/bin/sh -c 'if [ -z \"\$\${BUNKER_VOLUMES}\$\${MINIO_VOLUMES}\" ]; then echo \"Set BUNKER_VOLUMES in $ENV_FILE\" >&2; exit 1; fi'"
  fi
  # Type=simple: the server does not speak sd_notify; it is ready once it listens.
  sed -e '/^User=$/d' -e '/^Group=$/d' -e '/^@@$/d' >"$(r "$UNIT")" <<UNIT
# Written by Bunker's install.sh; a reinstall rewrites it. Settings: $ENV_FILE,
# or "systemctl edit bunker" for unit overrides.
[Unit]
Description=Bunker S3-compatible object storage
Wants=network-online.target
After=network-online.target
AssertFileIsExecutable=$BIN

[Service]
Type=simple
User=$1
Group=$2
$envs
$check
ExecStart=$BIN $4
Restart=on-failure
RestartSec=5s
LimitNOFILE=1048576
TasksMax=infinity
# On SIGTERM the server finishes requests in flight for up to 30 s.
KillSignal=SIGTERM
TimeoutStopSec=60s
SendSIGKILL=yes
NoNewPrivileges=yes
PrivateTmp=yes

[Install]
WantedBy=multi-user.target
UNIT
  recorded "unit $UNIT" || record "unit $UNIT"
  say "wrote $UNIT"
}

install_fresh() {
  create_user
  write_env
  make_data_dirs
  write_unit "$SVC_USER" "$SVC_USER" "-$ENV_FILE" 'server $BUNKER_OPTS $BUNKER_VOLUMES' 1
}

install_takeover() {
  m=$(r "$1")
  mu=$(unit_value "$m" User)
  mg=$(unit_value "$m" Group)
  envs=$(sed -n 's/^[[:space:]]*EnvironmentFile[[:space:]]*=[[:space:]]*//p' "$m")
  exec_line=$(unit_value "$m" ExecStart)
  [ -n "$exec_line" ] || die "$1 has no ExecStart line to take over"
  # Keep every argument minio was started with; only the program changes.
  args=$(echo "$exec_line" | sed 's/^[-@:+!]*[^[:space:]]*[[:space:]]*//')
  write_unit "$mu" "$mg" "$envs
-$ENV_FILE" "$args" 0
  recorded "takeover minio.service" || record "takeover minio.service"
  say "bunker.service takes over minio.service (user ${mu:-root}, its EnvironmentFile and arguments: $args)"
}

# ---- install and uninstall -----------------------------------------------------------------

install() {
  fetch_binary
  minio_unit=""
  if recorded "takeover minio.service"; then TAKEOVER=yes; fi
  if [ "$TAKEOVER" != no ] && minio_unit=$(find_minio_unit); then
    if [ "$TAKEOVER" = ask ]; then
      if [ -t 0 ]; then
        printf '%s: found %s. Replace it with bunker.service, keeping its settings, drives and user? [y/N] ' "$PROG" "$minio_unit"
        read -r answer || answer=n
        case "$answer" in y | Y | yes | YES) TAKEOVER=yes ;; *) TAKEOVER=no ;; esac
      else
        note "found $minio_unit: rerun with --takeover-minio to replace it (or --no-takeover)"
        TAKEOVER=no
      fi
    fi
  fi
  if [ "$TAKEOVER" = yes ] && [ -z "$minio_unit" ]; then die "--takeover-minio: no minio.service found"; fi

  mkdir -p "$(r "$STATE_DIR")"
  touch "$(r "$MANIFEST")"
  install_binary
  if [ "$TAKEOVER" = yes ]; then install_takeover "$minio_unit"; else install_fresh; fi

  systemd_do daemon-reload
  if [ "$TAKEOVER" = yes ]; then systemd_do disable --now minio.service; fi
  systemd_do enable bunker.service
  systemd_do restart bunker.service
  say "done. Status: systemctl status bunker; logs: journalctl -u bunker"
}

uninstall() {
  m=$(r "$MANIFEST")
  [ -f "$m" ] || die "nothing to uninstall: $MANIFEST is missing"
  if grep -q '^unit ' "$m"; then systemd_do disable --now bunker.service || note "bunker.service was not running"; fi
  while IFS=' ' read -r kind path sum; do
    case "$kind" in
      unit) rm -f "$(r "$path")" && say "removed $path" ;;
      file) rm -f "$(r "$path")" && say "removed $path" ;;
      config)
        if [ -f "$(r "$path")" ] && [ "$(checksum "$(r "$path")")" = "$sum" ]; then
          rm -f "$(r "$path")" && say "removed $path"
        elif [ -f "$(r "$path")" ]; then
          note "kept $path: it was edited after installation"
        fi
        ;;
      user) remove_user "$path" && say "removed user '$path'" ;;
    esac
  done <"$m"
  # Backups go back last, after the installed files they replaced are gone.
  sed -n 's/^backup //p' "$m" | while IFS= read -r path; do
    if [ -e "$(r "$path").bunker-backup" ]; then mv -f "$(r "$path").bunker-backup" "$(r "$path")" && say "restored the earlier $path"; fi
  done
  systemd_do daemon-reload
  if grep -qx 'takeover minio.service' "$m"; then
    systemd_do enable --now minio.service
    say "minio.service is enabled again"
  fi
  rm -f "$m"
  rmdir "$(r "$STATE_DIR")" 2>/dev/null || true
  note "data directories were left as they are"
}

if [ "$UNINSTALL" = 1 ]; then uninstall; else install; fi
if [ -n "$NOTES" ]; then echo "$PROG: notes:$NOTES"; fi
