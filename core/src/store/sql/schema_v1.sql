-- Schema v1. No PRIMARY KEY/UNIQUE constraints on purpose: keys are enforced by
-- the importer (validated before writing), which keeps index entries out of the
-- WAL, where DuckDB's known hard-shutdown failures live.
CREATE TABLE products (
    product_id           VARCHAR NOT NULL,
    name                 VARCHAR NOT NULL,
    category             VARCHAR,
    buy_price            DECIMAL(18, 4),
    sell_price           DECIMAL(18, 4),
    min_margin_threshold DECIMAL(9, 4),
    from_sales           BOOLEAN NOT NULL DEFAULT false,  -- known only from a sales export
    import_id            BIGINT NOT NULL
);
CREATE TABLE stock (
    stock_id      VARCHAR NOT NULL,  -- given, or product_id + '#' + batch_no
    product_id    VARCHAR NOT NULL,
    quantity      DECIMAL(18, 3) NOT NULL,
    batch_no      VARCHAR,
    expiry_date   DATE,
    last_movement DATE,
    import_id     BIGINT NOT NULL
);
CREATE TABLE clients (
    client_id               VARCHAR NOT NULL,
    name                    VARCHAR NOT NULL,
    total_revenue_generated DECIMAL(18, 2),
    import_id               BIGINT NOT NULL
);
CREATE TABLE invoices (
    invoice_id   VARCHAR NOT NULL,
    client_id    VARCHAR,            -- NULL = walk-in customer
    ts           TIMESTAMP NOT NULL,
    total_amount DECIMAL(18, 2),
    content_hash VARCHAR NOT NULL,   -- header + lines, to tell "unchanged" from "conflict"
    import_id    BIGINT NOT NULL
);
CREATE TABLE invoice_lines (
    invoice_id VARCHAR NOT NULL,
    line_no    INTEGER NOT NULL,
    product_id VARCHAR NOT NULL,
    qty        DECIMAL(18, 3) NOT NULL,
    unit_price DECIMAL(18, 4) NOT NULL,
    import_id  BIGINT NOT NULL
);
CREATE TABLE imports (
    import_id   BIGINT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    files       VARCHAR NOT NULL,    -- JSON: [{name, sha256, bytes}]
    file_names  VARCHAR NOT NULL,    -- the same names, comma separated, for messages
    counts      VARCHAR NOT NULL,    -- JSON: the import's counts per table
    errors      INTEGER NOT NULL,
    warnings    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,    -- rows set aside (--skip-invalid)
    undone_at   TIMESTAMP            -- set by `undo`
);
-- Every problem of an import (errors of the rows set aside, and warnings).
CREATE TABLE import_problems (
    import_id BIGINT NOT NULL,
    severity  VARCHAR NOT NULL,
    file      VARCHAR NOT NULL,
    sheet     VARCHAR NOT NULL,
    cell      VARCHAR NOT NULL,
    col       VARCHAR NOT NULL,
    val       VARCHAR NOT NULL,
    message   VARCHAR NOT NULL
);
-- Master data as it was before an import replaced it (replaced_by), for undo.
CREATE TABLE products_prev AS SELECT *, 0::BIGINT AS replaced_by FROM products WITH NO DATA;
CREATE TABLE stock_prev AS SELECT *, 0::BIGINT AS replaced_by FROM stock WITH NO DATA;
CREATE TABLE clients_prev AS SELECT *, 0::BIGINT AS replaced_by FROM clients WITH NO DATA;
-- Overrides of the defaults in sql/settings.sql (thresholds, as_of mode, currency).
CREATE TABLE settings (
    key   VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);
-- Sales aggregates the analytics read, kept by each import inside its
-- transaction (rows carry the import that added them; undo deletes them).
-- Cost and profit are not stored: they use the product's buy price at report
-- time, so a later Products file that supplies costs applies to past sales.
CREATE TABLE sales_product_day (
    import_id  BIGINT NOT NULL,
    sale_date  DATE NOT NULL,
    product_id VARCHAR NOT NULL,
    qty        DECIMAL(38, 3) NOT NULL,
    revenue    DECIMAL(38, 7) NOT NULL,
    lines      BIGINT NOT NULL,
    sold       BOOLEAN NOT NULL      -- at least one line with qty > 0 (a sale, not a return)
);
CREATE TABLE sales_client_day (
    import_id  BIGINT NOT NULL,
    sale_date  DATE NOT NULL,
    client_id  VARCHAR,              -- NULL = walk-in customers
    revenue    DECIMAL(38, 7) NOT NULL,
    invoices   BIGINT NOT NULL
);
