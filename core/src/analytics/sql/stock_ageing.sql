-- Stock ageing: stock rows with quantity > 0 by days since their last movement
-- (the later of the row's last_movement and the product's latest sale, ≤ as_of).
-- Never moved counts as 90+.
-- whole_month: see last_sales (product_sales.sql).
CREATE OR REPLACE MACRO stock_ageing(as_of, whole_month := false) AS TABLE
WITH last_sale AS (SELECT * FROM last_sales(as_of, whole_month := whole_month)), aged AS (
    SELECT s.quantity, cents(s.quantity, p.buy_price) AS value,
           date_diff('day',
               CASE WHEN s.last_movement > as_of OR s.last_movement IS NULL THEN ls.last_sold
                    WHEN ls.last_sold IS NULL THEN s.last_movement
                    ELSE greatest(s.last_movement, ls.last_sold) END,
               as_of) AS age
    FROM stock s
    LEFT JOIN products p USING (product_id)
    LEFT JOIN last_sale ls USING (product_id)
    WHERE s.quantity > 0
), buckets(bucket, lo, hi, ord) AS (VALUES ('0-30', 0, 30, 1), ('31-60', 31, 60, 2), ('61-90', 61, 90, 3), ('90+', 91, NULL, 4))
SELECT b.bucket,
       coalesce(sum(a.quantity), 0) AS units,
       coalesce(sum(a.value), 0) AS value,
       count(a.quantity) AS batches,
       b.ord
FROM buckets b
LEFT JOIN aged a ON (a.age IS NULL AND b.hi IS NULL)
                 OR (a.age >= b.lo AND (b.hi IS NULL OR a.age <= b.hi))
GROUP BY b.bucket, b.ord
ORDER BY b.ord;
