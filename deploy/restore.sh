#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and an empty media folder.
#   DATABASE_URL=postgres://…/tracker_restored MEDIA_ROOT=/srv/tracker/media deploy/restore.sh /srv/backups/20261129-020000
# Checks the files' checksums first; then run `python manage.py verify_audit` on the restored data.
set -euo pipefail
folder=${1:?usage: restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must point at the (empty) database to restore into}"
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
(cd "$folder" && sha256sum --check --quiet SHA256SUMS)
pg_restore --dbname="$DATABASE_URL" --no-owner --exit-on-error "$folder/database.dump"
mkdir -p "$media"
tar -xzf "$folder/media.tar.gz" -C "$media"
echo "restored $folder"
