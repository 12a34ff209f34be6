-- v6 (issue 16, a five-year store): per product, its selling days' fit over the
-- store's whole history (markdowns.sql `product_fits` over every month), so that
-- the markdowns of the latest day read a row a product instead of sixty. Kept
-- by the store itself (`product_months.sql`) for the products whose months an
-- import or an undo changes; made from the month table at first open.
CREATE TABLE sales_product_fit (
    product_id VARCHAR NOT NULL,
    n          BIGINT NOT NULL,   -- selling days
    sxx        DOUBLE NOT NULL,   -- Σ (x − mean x)² over them
    sxy        DOUBLE NOT NULL,   -- Σ (x − mean x)(y − mean y)
    prices     DOUBLE[] NOT NULL  -- up to 5 of its distinct daily prices
);
