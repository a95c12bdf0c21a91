import type { DataSource } from 'typeorm';

/**
 * A normalised, version-independent text description of the public schema: every column, constraint
 * (with its definition), index (with its definition, including GIN, partial and expression
 * indexes TypeORM's diff cannot see), trigger and function. `npm run migration:check` compares it
 * with the reviewed copy in docs/schema.snapshot.sql, the way Rails keeps structure.sql; it is
 * built from the catalogs rather than pg_dump so PostgreSQL 15 and 18 print the same text.
 */
export async function schemaSnapshot(ds: DataSource): Promise<string> {
  const rows: Array<{ line: string }> = await ds.query(`
    SELECT 'table ' || c.relname || ' column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
           || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND c.relname <> 'migrations'
    UNION ALL
    SELECT 'table ' || c.relname || ' constraint ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relname <> 'migrations'
    UNION ALL
    SELECT 'table ' || tablename || ' index ' || indexdef
      FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations'
    UNION ALL
    SELECT 'table ' || tgrelid::regclass::text || ' trigger ' || pg_get_triggerdef(oid)
      FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL
    SELECT 'function ' || p.proname || ' ' || regexp_replace(pg_get_functiondef(p.oid), '\\s+', ' ', 'g')
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    ORDER BY 1`);
  return rows.map((r) => r.line).join('\n') + '\n';
}
