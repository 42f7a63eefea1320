#!/bin/sh
# Sample schema and workload on the Vitess keyspace "commerce" (2 shards), through vtgate's MySQL
# port. Creates the tables (VSchema first: a hash vindex on id) unless they exist, marks itself
# ready (the commerce reader waits for that), then writes WORKLOAD_RATE statements a second.
# Runs in the vttestserver image, which has the mysql client.
set -eu
sql() { mysql -h vitess -P 33577 -u root commerce -e "$1"; }
until sql 'SELECT 1' >/dev/null 2>&1; do echo "waiting for vtgate"; sleep 2; done
if ! sql 'SELECT 1 FROM products LIMIT 1' >/dev/null 2>&1; then
  sql 'ALTER VSCHEMA ON products ADD VINDEX hash(id) USING hash'
  sql 'CREATE TABLE products (id BIGINT PRIMARY KEY, sku VARCHAR(32) NOT NULL, price DECIMAL(10,2) NOT NULL, stock INT NOT NULL, updated_at DATETIME(6) NOT NULL)'
  i=1
  while [ "$i" -le 200 ]; do
    sql "INSERT INTO products VALUES ($i, 'sku-$i', $i.99, 100, NOW(6))"
    i=$((i + 1))
  done
fi
touch /tmp/ready
rate="${WORKLOAD_RATE:-5}"
if [ "$rate" -le 0 ]; then echo "WORKLOAD_RATE=0: idle"; exec sleep infinity; fi
echo "writing to commerce at $rate statements/s"
n=1000
while true; do
  n=$((n + 1))
  sql "INSERT INTO products VALUES ($n, 'sku-$n', 9.99, 10, NOW(6)); UPDATE products SET stock = stock - 1, updated_at = NOW(6) WHERE id = $((n % 200 + 1)); DELETE FROM products WHERE id = $((n - 100))"
  sleep "$(awk -v r="$rate" 'BEGIN { printf "%.3f", 3 / r }')"
done
