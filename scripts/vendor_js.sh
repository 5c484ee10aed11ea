#!/bin/sh
# Refresh the JavaScript libraries of 网格通 (/m/) from npm, by the exact versions in
# app/field/static/vendor/VERSIONS. Only the files the app loads are kept, with their licences:
# the phone app has no build step and downloads nothing at run time.
#   scripts/vendor_js.sh            # after editing a version in VERSIONS
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENDOR="$ROOT/app/field/static/vendor"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

version() { awk -v p="$1" '$1 == p { print $2 }' "$VENDOR/VERSIONS"; }

fetch() {  # fetch <package>: unpack its npm tarball into $TMP/<package>
  (cd "$TMP" && npm pack --silent "$1@$(version "$1")" >/dev/null)
  mkdir -p "$TMP/$1" && tar xzf "$TMP/$1-$(version "$1").tgz" -C "$TMP/$1"
}

for pkg in vue vant leaflet leaflet.markercluster leaflet.heat echarts; do fetch "$pkg"; rm -rf "${VENDOR:?}/$pkg"; mkdir -p "$VENDOR/$pkg"; done

# Vue: the runtime-only build; the CSP forbids eval, so components are render functions.
cp "$TMP/vue/package/dist/vue.runtime.global.prod.js" "$TMP/vue/package/LICENSE" "$VENDOR/vue/"
# Vant: UMD build (expects the global Vue) and its CSS. The icon font is inlined as woff2; the
# fallback woff on at.alicdn.com is dropped (the CSP allows no other origin, and nothing may be
# fetched from a CDN).
cp "$TMP/vant/package/lib/vant.min.js" "$TMP/vant/package/LICENSE" "$VENDOR/vant/"
sed 's#,url(//at\.alicdn\.com/[^)]*) format("woff")##g' "$TMP/vant/package/lib/index.css" \
  >"$VENDOR/vant/index.css"
# Leaflet: loaded only when a map is opened.
cp "$TMP/leaflet/package/dist/leaflet.js" "$TMP/leaflet/package/dist/leaflet.css" \
  "$TMP/leaflet/package/LICENSE" "$VENDOR/leaflet/"
mkdir -p "$VENDOR/leaflet/images"
cp "$TMP/leaflet/package/dist/images/"*.png "$VENDOR/leaflet/images/"

# Leaflet plug-ins for the maps (app/field/static/app/basemap.js): marker clustering (its
# browser build and both stylesheets) and the heat layer (its browser build, simpleheat inside).
cp "$TMP/leaflet.markercluster/package/dist/leaflet.markercluster.js" \
  "$TMP/leaflet.markercluster/package/dist/MarkerCluster.css" \
  "$TMP/leaflet.markercluster/package/dist/MarkerCluster.Default.css" \
  "$TMP/leaflet.markercluster/package/MIT-LICENCE.txt" "$VENDOR/leaflet.markercluster/"
cp "$TMP/leaflet.heat/package/dist/leaflet-heat.js" "$TMP/leaflet.heat/package/LICENSE" \
  "$VENDOR/leaflet.heat/"

# ECharts for the staff dashboards and the 大屏 (app/pages/templates/dashboards/): never in
# /m/'s shell or precache. Its browser build, licence, NOTICE and d3's licence (it embeds d3).
cp "$TMP/echarts/package/dist/echarts.min.js" "$TMP/echarts/package/LICENSE" \
  "$TMP/echarts/package/NOTICE" "$TMP/echarts/package/licenses/LICENSE-d3" "$VENDOR/echarts/"

# Leaflet-Geoman (MIT): drawing and editing grid boundaries with snapping on the staff map
# (app/field/static/pages/maps/atlas.js). A scoped package: its tarball is named without the @.
GEOMAN=@geoman-io/leaflet-geoman-free
(cd "$TMP" && npm pack --silent "$GEOMAN@$(version "$GEOMAN")" >/dev/null)
mkdir -p "$TMP/geoman" && tar xzf "$TMP"/geoman-io-leaflet-geoman-free-*.tgz -C "$TMP/geoman"
rm -rf "${VENDOR:?}/leaflet-geoman" && mkdir -p "$VENDOR/leaflet-geoman"
cp "$TMP/geoman/package/dist/leaflet-geoman.min.js" "$TMP/geoman/package/dist/leaflet-geoman.css" \
  "$TMP/geoman/package/LICENSE" "$VENDOR/leaflet-geoman/"

echo "vendored: $(grep -v '^#' "$VENDOR/VERSIONS" | tr '\n' ' ')"
