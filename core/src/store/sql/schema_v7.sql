-- v7 (issue 16, a five-year store): per client and month, its revenue (its days
-- of sales_client_day summed), so that the client tiers read a row a client and
-- month instead of a day (clients.sql). Kept by the store itself
-- (`product_months.sql`) for the months an import or an undo touches; made here
-- from the daily aggregates.
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
