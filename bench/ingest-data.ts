import { quoteLiteral } from '#query/sql.ts';
import type { DuckDb } from '#platform/ports.ts';

/**
 * A transactions CSV of `rows` rows, made by DuckDB (JavaScript would take minutes at 10 M):
 * the demo's columns, two years of dates in file order, 100 k customers, 500 products,
 * money with cents. Deterministic: the same `rows` give the same bytes.
 */
export async function writeTransactionsCsv(duck: DuckDb, rows: number, path: string) {
  await duck.run(
    `COPY (
       WITH base AS (
         SELECT i,
                DATE '2024-01-01' + CAST(floor(i * 731.0 / ${rows}) AS INTEGER) AS transaction_date,
                1 + CAST(hash(i, 1) % 1000003 AS BIGINT) % 100000 AS customer,
                1 + CAST(hash(i, 2) % 1000003 AS BIGINT) % 500 AS product,
                1 + CAST(hash(i, 3) % 1000003 AS BIGINT) % 5 AS quantity,
                (500 + CAST(hash(i, 4) % 1000003 AS BIGINT) % 20000) / 100.0 AS unit_price,
                (CAST(hash(i, 5) % 1000003 AS BIGINT) % 15) / 100.0 AS discount_rate,
                ['web', 'store', 'mobile', 'phone'][1 + CAST(hash(i, 6) % 1000003 AS BIGINT) % 4] AS channel
           FROM range(${rows}) t(i))
       SELECT printf('T%09d', i + 1) AS transaction_id, transaction_date,
              printf('C%06d', customer) AS customer_id, printf('P%04d', product) AS product_id,
              quantity, printf('%.2f', unit_price) AS unit_price,
              printf('%.2f', quantity * unit_price) AS gross_amount,
              printf('%.2f', round(quantity * unit_price * discount_rate, 2)) AS discount_amount,
              printf('%.2f', quantity * unit_price - round(quantity * unit_price * discount_rate, 2)) AS net_amount,
              channel
         FROM base ORDER BY i
     ) TO ${quoteLiteral(path)} (FORMAT csv, HEADER true)`,
  );
}
