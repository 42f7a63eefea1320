/**
 * Every source session (replication and snapshot) runs with these settings, so the text the
 * server prints for a value is fixed: ISO dates, UTC offsets, round-trippable floats, hex bytea.
 */
export const SESSION_OPTIONS =
  '-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex -c client_encoding=UTF8';
