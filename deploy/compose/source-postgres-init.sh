#!/bin/sh
# Runs once, on the first start of source-postgres (docker-entrypoint-initdb.d): the sample schema
# and the reader's role. The reader needs REPLICATION, CREATE on the database (its publication)
# and ownership of the published tables (through membership in shop_owner).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v cdc_password="$CDC_SOURCE_PASSWORD" <<'SQL'
CREATE ROLE shop_owner NOLOGIN;
CREATE ROLE cdc LOGIN REPLICATION PASSWORD :'cdc_password';
GRANT shop_owner TO cdc;
GRANT CREATE ON DATABASE shop TO cdc;

CREATE TABLE public.customers (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  email text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customers (id),
  amount numeric(12, 2) NOT NULL,
  status text NOT NULL DEFAULT 'new',
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.customers OWNER TO shop_owner;
ALTER TABLE public.orders OWNER TO shop_owner;
INSERT INTO public.customers (name, email)
  SELECT 'customer ' || i, 'c' || i || '@example.com' FROM generate_series(1, 100) AS i;
SQL
