-- v7 (issue 16, a five-year store): per client and month, its revenue (its days
-- of sales_client_day summed), so that the client tiers read a row a client and
-- month instead of a day (clients.sql); and each product's latest sale over its
-- whole history, so that the report of the latest day reads a row a product
-- instead of sixty (product_sales.sql `last_sales`). Kept by the store itself
-- (`product_months.sql`) for the months and products an import or an undo
-- touches; made here from the daily and monthly aggregates.
CREATE TABLE sales_client_month (
    month     DATE NOT NULL,     -- the month's first day
    client_id VARCHAR NOT NULL,
    revenue   DECIMAL(38, 2) NOT NULL
);
INSERT INTO sales_client_month
SELECT CAST(date_trunc('month', sale_date) AS DATE), client_id, sum(revenue)
FROM sales_client_day
WHERE client_id IS NOT NULL
GROUP BY ALL
ORDER BY 1, 2;
CREATE TABLE sales_product_last (
    product_id VARCHAR NOT NULL,
    last_sold  DATE NOT NULL      -- its latest day with a line of qty > 0
);
INSERT INTO sales_product_last
SELECT product_id, max(last_sold) FROM sales_product_month WHERE last_sold IS NOT NULL GROUP BY product_id ORDER BY product_id;
