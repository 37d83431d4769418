/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
const SNOWFLAKE_EPOCH_IN_MS = 1288834974657;

/** An X-style snowflake id (private): `(ms - epoch) << 22 | sequence`, as a decimal string. */
export function snowflake(ms: number, sequence: number): string {
  return ((BigInt(ms - SNOWFLAKE_EPOCH_IN_MS) << 22n) | BigInt(sequence)).toString();
}
