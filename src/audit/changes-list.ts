/**
 * SQL for an apply's stored changes as a JSON list, whatever the row holds:
 * the writer may append an apply row of any changes (sql/roles.sql), and
 * json_array_elements fails on anything but a list, which would fail the
 * whole history or drift. Anything else reads as no changes.
 */
export const changesList = (column: string): string => `CASE WHEN json_typeof(${column}) = 'array' THEN ${column} ELSE '[]' END`;
