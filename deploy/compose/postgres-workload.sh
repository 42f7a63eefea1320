#!/bin/sh
# Sample workload on source-postgres: inserts, updates and deletes, WORKLOAD_RATE statements a
# second, forever. Runs in the postgres image (psql) as service postgres-workload.
set -eu
export PGHOST=source-postgres PGUSER=postgres PGDATABASE=shop PGPASSWORD="$SOURCE_PG_PASSWORD"
rate="${WORKLOAD_RATE:-5}"
if [ "$rate" -le 0 ]; then echo "WORKLOAD_RATE=0: idle"; exec sleep infinity; fi
echo "writing to shop at $rate statements/s"
touch /tmp/ready
while true; do
  psql -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO orders (customer_id, amount) SELECT 1 + floor(random() * 100)::int, round((random() * 500)::numeric, 2);
UPDATE orders SET status = 'paid', updated_at = now() WHERE id = (SELECT max(id) - 3 FROM orders);
DELETE FROM orders WHERE id = (SELECT max(id) - 50 FROM orders) AND status = 'new';
SQL
  sleep "$(awk -v r="$rate" 'BEGIN { printf "%.3f", 3 / r }')"
done
