-- Recomputes sales_product_month for the months from the variable months_from
-- to months_to (dates; NULL: nothing to do) from the daily aggregates, after an
-- import added days to them or an undo removed some. Whole months are
-- recomputed, not added to: a day may hold the sales of several imports.
DELETE FROM sales_product_month
WHERE month BETWEEN CAST(date_trunc('month', getvariable('months_from')) AS DATE) AND getvariable('months_to');
INSERT INTO sales_product_month
SELECT * FROM product_month_figures(CAST(date_trunc('month', getvariable('months_from')) AS DATE),
                                   CAST(date_trunc('month', getvariable('months_to')) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE))
ORDER BY month, product_id;
