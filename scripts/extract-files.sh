#!/usr/bin/env bash
# Extract the files a guest printed on its console between
#
#   === VWDDM-FILE-BEGIN <name> size=N sha256=HEX encoding=gzip+base64|base64|plain ===
#   ...
#   === VWDDM-FILE-END <name> ===
#
# into a directory, checking each one's size and SHA-256 (kernel messages
# that slipped between the lines are dropped; a file that still does not
# match is reported and not written).
#
# Usage: scripts/extract-files.sh CONSOLE_LOG OUTDIR
# Prints the path of every file written; exit 1 when none was found or one
# failed its check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

(($# == 2)) || vw_die "usage: $0 CONSOLE_LOG OUTDIR"
log=$1
outdir=$2
[[ -f $log ]] || vw_die "no console log $log"
mkdir -p "$outdir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vwddm-extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Split the log: one body file per BEGIN/END pair, plus its header line.
tr -d '\r' <"$log" | awk -v dir="$tmp" '
	/^=== VWDDM-FILE-BEGIN / {
		n++
		hdr = dir "/" n ".hdr"
		body = dir "/" n ".body"
		print $0 > hdr
		close(hdr)
		printf "" > body
		inside = 1
		next
	}
	/^=== VWDDM-FILE-END / { if (inside) close(body); inside = 0; next }
	inside { print $0 >> body }
'

found=0
failed=0
for hdr in "$tmp"/*.hdr; do
	[[ -e $hdr ]] || break
	found=$((found + 1))
	body=${hdr%.hdr}.body
	line=$(cat "$hdr")
	name=$(sed -n 's/^=== VWDDM-FILE-BEGIN \([^ ]*\) .*/\1/p' <<<"$line")
	size=$(sed -n 's/.* size=\([0-9]*\).*/\1/p' <<<"$line")
	sum=$(sed -n 's/.* sha256=\([0-9a-f]*\).*/\1/p' <<<"$line")
	enc=$(sed -n 's/.* encoding=\([^ ]*\).*/\1/p' <<<"$line")
	if [[ -z $name || $name == */* || $name == .* ]]; then
		vw_warn "extract: bad file name in: $line"
		failed=$((failed + 1))
		continue
	fi
	out=$outdir/$name
	case $enc in
	gzip+base64 | base64)
		# Only base64 lines: a kernel message in between is dropped.
		grep -E '^[A-Za-z0-9+/=]+$' "$body" | base64 -d >"$tmp/$name.dec" 2>/dev/null || true
		if [[ $enc == gzip+base64 ]]; then
			gzip -dc <"$tmp/$name.dec" >"$tmp/$name" 2>/dev/null || true
		else
			mv "$tmp/$name.dec" "$tmp/$name"
		fi
		;;
	plain | "")
		cp "$body" "$tmp/$name"
		;;
	*)
		vw_warn "extract: $name: unknown encoding '$enc'"
		failed=$((failed + 1))
		continue
		;;
	esac
	got_size=$(stat -c %s "$tmp/$name" 2>/dev/null || echo 0)
	got_sum=$(sha256sum "$tmp/$name" 2>/dev/null | cut -d' ' -f1)
	if [[ -n $size && $got_size != "$size" ]] || [[ -n $sum && $got_sum != "$sum" ]]; then
		vw_warn "extract: $name is damaged in the console log ($got_size bytes, expected ${size:-?}; sha256 ${got_sum:0:12}..., expected ${sum:0:12}...)"
		failed=$((failed + 1))
		continue
	fi
	mv "$tmp/$name" "$out"
	echo "$out"
done
((found)) || { vw_warn "extract: no VWDDM-FILE block in $log"; exit 1; }
((failed == 0))
