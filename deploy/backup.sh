#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the uploaded files into a new dated folder.
#   DATABASE_URL=postgres://… MEDIA_ROOT=/srv/tracker/media deploy/backup.sh /srv/backups
# Writes <dest>/<YYYYmmdd-HHMMSS>/{database.dump,media.tar.gz,SHA256SUMS} and prints the folder.
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
folder="$dest/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$folder"
pg_dump --dbname="$DATABASE_URL" --format=custom --no-owner --file="$folder/database.dump"
if [ -d "$media" ]; then
  tar -czf "$folder/media.tar.gz" -C "$media" .
else
  tar -czf "$folder/media.tar.gz" --files-from=/dev/null
fi
(cd "$folder" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$folder"
