-- v5 (issue 16, a five-year store): per product and month, what the views that
-- read a product's whole history need, so that they read months instead of
-- days. Kept by the store itself (`product_months.sql`) for the months an
-- import or an undo touches; made from the daily aggregates at first open.
CREATE TABLE sales_product_month (
    month      DATE NOT NULL,     -- the month's first day
    product_id VARCHAR NOT NULL,
    last_sold  DATE,              -- the month's latest day with a line of qty > 0
    -- its selling days (markdowns.sql): x = ln(the day's average price), y = ln(the day's units)
    days       BIGINT NOT NULL,
    mean_x     DOUBLE,
    mean_y     DOUBLE,
    sxx        DOUBLE NOT NULL,   -- Σ (x − mean_x)²
    sxy        DOUBLE NOT NULL,   -- Σ (x − mean_x)(y − mean_y)
    prices     DOUBLE[] NOT NULL  -- up to 5 of its distinct daily prices
);
