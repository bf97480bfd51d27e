# Starts the Debian PostgreSQL cluster on 127.0.0.1 only, creates the `passmith` role and
# database, removes databases left by earlier test runs, and exports
# PASSMITH_TEST_POSTGRES_URL so passmith-server's tests also run against PostgreSQL.
# Sourced by .ci/run after `apt-get install postgresql`; safe to source again.
pg_ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$pg_ver main"; then
  pg_createcluster "$pg_ver" main >/dev/null
fi
sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "/etc/postgresql/$pg_ver/main/postgresql.conf"
if ! pg_lsclusters -h | awk -v v="$pg_ver" '$1==v && $2=="main" {print $4}' | grep -qx online; then
  pg_ctlcluster "$pg_ver" main start
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_ver" '$1==v && $2=="main" {print $3}')
pg_sql() { runuser -u postgres -- psql -p "$pg_port" -v ON_ERROR_STOP=1 -qtAc "$1"; }
[ "$(pg_sql "SELECT 1 FROM pg_roles WHERE rolname='passmith'")" = 1 ] ||
  pg_sql "CREATE ROLE passmith LOGIN PASSWORD 'passmith' CREATEDB"
[ "$(pg_sql "SELECT 1 FROM pg_database WHERE datname='passmith'")" = 1 ] ||
  pg_sql "CREATE DATABASE passmith OWNER passmith"
for old in $(pg_sql "SELECT datname FROM pg_database WHERE datname LIKE 'passmith\_t\_%'"); do
  pg_sql "DROP DATABASE $old" || true
done
export PASSMITH_TEST_POSTGRES_URL="postgres://passmith:passmith@127.0.0.1:$pg_port/passmith"
