// The replicated tables and the destination's audit of every write the applier makes.

/** A replicated table: its name, the column that identifies a row, and whether it has a version. */
export interface ChaosTable {
  readonly name: string;
  readonly key: string;
  /** Rows carry `v`, incremented by every update: a version applied twice or backwards is a defect. */
  readonly versioned: boolean;
}

export const TABLES: readonly ChaosTable[] = [
  { name: 'items', key: 'id', versioned: true },
  // No primary key: the applier matches rows on their whole old image (REPLICA IDENTITY FULL).
  { name: 'nokey', key: 'rid', versioned: true },
  // body is several kB of incompressible text, stored out of line: an update that leaves it
  // alone sends it as "unchanged TOAST", which the destination must keep.
  { name: 'docs', key: 'id', versioned: true },
  // One row per workload transaction: the slot-safety sampler looks transactions up here.
  { name: 'txlog', key: 'k', versioned: false },
];

export const QUALIFIED_TABLES = TABLES.map((t) => `public.${t.name}`);

/** Same definitions on both sides; the destination's exist before the applier starts so they can carry triggers. */
export const TABLES_DDL = `
  CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, qty int NOT NULL, note text, updated_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE nokey (rid bigint NOT NULL, v int NOT NULL, payload text);
  CREATE TABLE docs (id bigint PRIMARY KEY, v int NOT NULL, title text, body text NOT NULL);
  CREATE TABLE txlog (k bigint PRIMARY KEY, ops int NOT NULL);
`;

export const SOURCE_DDL = `${TABLES_DDL}
  ALTER TABLE nokey REPLICA IDENTITY FULL;
  ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
`;

/**
 * Every row the applier writes at the destination, in the order it wrote them (one table lives
 * in one partition, whose batches commit one at a time under the checkpoint row lock, so id
 * order is apply order). A truncate (the snapshot's first op) is recorded too: it resets the table.
 */
export const AUDIT_DDL = `
  CREATE SCHEMA chaos_audit;
  CREATE TABLE chaos_audit.applied (
    id bigserial PRIMARY KEY,
    tbl text NOT NULL,
    rid bigint,
    op text NOT NULL,
    old_v int,
    new_v int,
    at timestamptz NOT NULL DEFAULT clock_timestamp());
  CREATE FUNCTION chaos_audit.record_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO chaos_audit.applied (tbl, rid, op, new_v)
          VALUES (TG_TABLE_NAME, (to_jsonb(NEW) ->> TG_ARGV[0])::bigint, 'I', (to_jsonb(NEW) ->> 'v')::int);
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO chaos_audit.applied (tbl, rid, op, old_v, new_v)
          VALUES (TG_TABLE_NAME, (to_jsonb(NEW) ->> TG_ARGV[0])::bigint, 'U', (to_jsonb(OLD) ->> 'v')::int, (to_jsonb(NEW) ->> 'v')::int);
      ELSE
        INSERT INTO chaos_audit.applied (tbl, rid, op, old_v)
          VALUES (TG_TABLE_NAME, (to_jsonb(OLD) ->> TG_ARGV[0])::bigint, 'D', (to_jsonb(OLD) ->> 'v')::int);
      END IF;
      RETURN NULL;
    END $$;
  CREATE FUNCTION chaos_audit.record_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO chaos_audit.applied (tbl, op) VALUES (TG_TABLE_NAME, 'T');
      RETURN NULL;
    END $$;
`;

/** Row and truncate triggers on each destination table (names are our constants, quoted anyway). */
export function auditTriggersDdl(): string {
  return TABLES.map(
    (t) => `
  CREATE TRIGGER chaos_audit_row AFTER INSERT OR UPDATE OR DELETE ON public."${t.name}"
    FOR EACH ROW EXECUTE FUNCTION chaos_audit.record_row('${t.key}');
  CREATE TRIGGER chaos_audit_truncate AFTER TRUNCATE ON public."${t.name}"
    FOR EACH STATEMENT EXECUTE FUNCTION chaos_audit.record_truncate();`,
  ).join('\n');
}

export const DESTINATION_DDL = `${TABLES_DDL}\n${AUDIT_DDL}\n${auditTriggersDdl()}`;
