-- Recomputes sales_product_month and sales_client_month for the months from the
-- variable months_from to months_to (dates; NULL: nothing to do) from the daily
-- aggregates, after an import added days to them or an undo removed some. Whole
-- months are recomputed, not added to: a day may hold the sales of several
-- imports. (A client's days are days its invoices' lines were sold: the
-- products' days give the months of both.)
-- Only the products whose days changed have their months recomputed: the
-- caller lists them in the temporary table changed_products (a day's import
-- into a five-year store touches one month of some of its products, not that
-- month of every product). Their whole-history fits (sales_product_fit,
-- markdowns.sql `product_fits`) and latest sales (sales_product_last) are made
-- again.
DELETE FROM sales_product_month
WHERE month BETWEEN CAST(date_trunc('month', getvariable('months_from')) AS DATE) AND getvariable('months_to')
  AND product_id IN (SELECT product_id FROM changed_products);
INSERT INTO sales_product_month
SELECT * FROM product_month_figures(CAST(date_trunc('month', getvariable('months_from')) AS DATE),
                                   CAST(date_trunc('month', getvariable('months_to')) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE),
                                   changed_only := true)
ORDER BY month, product_id;
DELETE FROM sales_product_fit WHERE product_id IN (SELECT product_id FROM changed_products);
INSERT INTO sales_product_fit
SELECT * FROM product_fits(DATE '9999-12-01', DATE '9999-12-31', DATE '9999-12-30', changed_only := true);  -- every month, no day
DELETE FROM sales_product_last WHERE product_id IN (SELECT product_id FROM changed_products);
INSERT INTO sales_product_last
SELECT product_id, max(last_sold) FROM sales_product_month
WHERE last_sold IS NOT NULL AND product_id IN (SELECT product_id FROM changed_products)
GROUP BY product_id;
DELETE FROM sales_client_month
WHERE month BETWEEN CAST(date_trunc('month', getvariable('months_from')) AS DATE) AND getvariable('months_to');
INSERT INTO sales_client_month
SELECT CAST(date_trunc('month', sale_date) AS DATE), client_id, sum(revenue)
FROM sales_client_day
WHERE client_id IS NOT NULL
  AND sale_date BETWEEN CAST(date_trunc('month', getvariable('months_from')) AS DATE)
                    AND CAST(date_trunc('month', getvariable('months_to')) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE)
GROUP BY ALL
ORDER BY 1, 2;
