#!/bin/sh
# Reference clumps: plink 1.9 --clump on the shipped 1000 Genomes EUR panel and assoc.tsv
# (made by make_fixture.py). Writes plink_<name>.clumped here and settings.tsv.
# Run from the repository root: sh tests/reference/clump/run_plink.sh
set -eu
here=tests/reference/clump
panel=tests/genetics/data/ld_ref_1kg_eur/eur
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plink1.9 --version > "$here/plink_version.txt"
printf 'name\tp1\tp2\tr2\tkb\n' > "$here/settings.tsv"
while read -r name p1 p2 r2 kb; do
  plink1.9 --bfile "$panel" --clump "$here/assoc.tsv" --clump-p1 "$p1" --clump-p2 "$p2" \
    --clump-r2 "$r2" --clump-kb "$kb" --out "$tmp/$name" > /dev/null
  cp "$tmp/$name.clumped" "$here/plink_$name.clumped"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$p1" "$p2" "$r2" "$kb" >> "$here/settings.tsv"
done <<SETTINGS
mr_5e-8_r2_0.001_kb_10000 5e-8 5e-8 0.001 10000
gw_r2_0.1_kb_250 5e-8 5e-8 0.1 250
plink_defaults 1e-4 0.01 0.5 250
p1e-3_r2_0.5_kb_100 1e-3 1e-3 0.5 100
p0.05_r2_0.8_kb_50 0.05 0.05 0.8 50
p0.5_r2_0.05_kb_20 0.5 0.5 0.05 20
p1_r2_0.2_kb_1000 1 1 0.2 1000
SETTINGS
