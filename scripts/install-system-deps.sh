#!/usr/bin/env bash
# Install the Debian packages Grid Command Center needs, and nothing when they are all there.
#
#   scripts/install-system-deps.sh run    Qt runtime libraries, a Chinese font, python3-venv
#   scripts/install-system-deps.sh test   the same, plus the PostgreSQL server, ffmpeg and the
#                                         GStreamer RTSP server (served by Debian's /usr/bin/python3)
#
# Only calls apt-get when dpkg-query reports a package missing; then runs `apt-get update` once
# and installs the missing ones non-interactively.  Uses sudo only when not root.  Installing
# the `postgresql` package does not leave a system cluster behind: the tests start their own
# throw-away server (tests/pg_server.py), so no "main" cluster is created or kept running.
set -euo pipefail

mode="${1:-run}"
case "$mode" in
run | test) ;;
*)
    echo "usage: $0 [run|test]" >&2
    exit 2
    ;;
esac

# What Qt (PySide6 wheels) needs to open a real window via xcb, plus offscreen rendering.
run_packages=(
    libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
    libxcb-render0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libx11-xcb1 libxkbcommon0
    libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
    python3-venv
)
test_packages=(
    postgresql
    ffmpeg
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
    gir1.2-gst-rtsp-server-1.0 python3-gi
    # The field app's tests drive a real browser (selenium).
    chromium chromium-driver
)
# Any one of these gives Qt the Chinese glyphs; the first one apt knows is installed.
cjk_fonts=(fonts-wqy-microhei fonts-noto-cjk)

log() { echo "install-system-deps: $*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    log "no dpkg/apt-get here (not Debian/Ubuntu): skipping system packages."
    log "install yourself: the Qt xcb/EGL/fontconfig libraries, a CJK font$(
        [ "$mode" = test ] && echo ', the PostgreSQL server, ffmpeg, the GStreamer RTSP server'
    )."
    exit 0
fi

wanted=("${run_packages[@]}")
if [ "$mode" = test ]; then
    wanted+=("${test_packages[@]}")
fi

# One dpkg-query call for everything; unknown packages just print nothing.
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" "${cjk_fonts[@]}" 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)"
is_installed() { grep -qxF "$1" <<<"$installed"; }

missing=()
for pkg in "${wanted[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
need_font=1
for font in "${cjk_fonts[@]}"; do
    if is_installed "$font"; then
        need_font=0
    fi
done

if [ "${#missing[@]}" -eq 0 ] && [ "$need_font" -eq 0 ]; then
    exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        [ "$need_font" -eq 1 ] && missing+=("${cjk_fonts[0]}")
        log "missing packages: ${missing[*]}"
        log "not root and no sudo: install them as root, then run this again."
        exit 1
    fi
    sudo_cmd=(sudo)
fi
apt_get() {
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get \
        -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "$@"
}

if [ "$need_font" -eq 1 ]; then
    log "missing: ${missing[*]:-} + a CJK font (${cjk_fonts[*]})"
else
    log "missing: ${missing[*]}"
fi
apt_get update -qq

if [ "$need_font" -eq 1 ]; then
    for font in "${cjk_fonts[@]}"; do
        if apt-cache show "$font" >/dev/null 2>&1; then
            missing+=("$font")
            break
        fi
    done
fi

installing_postgres=0
for pkg in "${missing[@]}"; do
    [ "$pkg" = postgresql ] && installing_postgres=1
done

clusters_online() {
    if command -v pg_lsclusters >/dev/null 2>&1; then
        pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }' || true
    fi
}

online_before=""
if [ "$installing_postgres" -eq 1 ]; then
    online_before="$(clusters_online)"
    # No system cluster: postgresql-common reads createcluster.d/*.conf before creating "main".
    # Only when no cluster exists yet, so an existing setup is left as it is.
    if ! ls /etc/postgresql/*/*/postgresql.conf >/dev/null 2>&1; then
        "${sudo_cmd[@]}" mkdir -p /etc/postgresql-common/createcluster.d
        printf '%s\n' \
            '# Written by Grid Command Center scripts/install-system-deps.sh: its tests start' \
            '# their own PostgreSQL server, so installing the server package creates no' \
            '# "main" cluster. Delete this file to get the Debian default back.' \
            'create_main_cluster = false' |
            "${sudo_cmd[@]}" tee /etc/postgresql-common/createcluster.d/50-grid-command-center.conf \
                >/dev/null
    fi
fi

log "apt-get install ${missing[*]}"
apt_get install -y -q --no-install-recommends "${missing[@]}"

if [ "$installing_postgres" -eq 1 ]; then
    # Stop any cluster the package scripts started (one that was not running before).
    while read -r version cluster; do
        [ -n "$version" ] || continue
        if ! grep -qxF "$version $cluster" <<<"$online_before"; then
            log "stopping the system PostgreSQL cluster $version/$cluster the package started"
            "${sudo_cmd[@]}" pg_ctlcluster "$version" "$cluster" stop || true
        fi
    done <<<"$(clusters_online)"
fi

if [ "$mode" = test ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 &&
    ! command -v initdb >/dev/null 2>&1; then
    log "PostgreSQL server binaries (initdb) still not found after installing postgresql"
    exit 1
fi
log "done"
