-- Staging tables for one import (temporary: never in the store file or its WAL).
-- src = index of the (file, sheet) a row came from, row_no = its 0-based row;
-- line_digest: see staging::line_digest.
-- flat: a flat sales export (SPEC §2.2), the only kind of sheet that may
-- bring products and clients of its own; set once its file is read.
CREATE OR REPLACE TEMP TABLE stg_sources (src INTEGER, file VARCHAR, sheet VARCHAR, carries_lines BOOLEAN, flat BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP TABLE stg_columns (src INTEGER, name VARCHAR, letter VARCHAR, idx INTEGER);
-- A problem is a code with parameters (messages.rs; params joined by chr(31));
-- its English sentence (message) is rendered from them after the checks.
CREATE OR REPLACE TEMP TABLE stg_problems (src INTEGER, row_no INTEGER, col VARCHAR, val VARCHAR, code VARCHAR, params VARCHAR, severity VARCHAR, message VARCHAR);
CREATE OR REPLACE TEMP TABLE stg_products (
    src INTEGER, row_no INTEGER, ok BOOLEAN,
    product_id VARCHAR, name VARCHAR, category VARCHAR,
    buy_price DECIMAL(18, 4), sell_price DECIMAL(18, 4), min_margin_threshold DECIMAL(9, 4));
CREATE OR REPLACE TEMP TABLE stg_stock (
    src INTEGER, row_no INTEGER, ok BOOLEAN,
    stock_id VARCHAR, product_id VARCHAR, quantity DECIMAL(18, 3), batch_no VARCHAR,
    expiry_date DATE, last_movement DATE);
CREATE OR REPLACE TEMP TABLE stg_clients (
    src INTEGER, row_no INTEGER, ok BOOLEAN,
    client_id VARCHAR, name VARCHAR, total_revenue_generated DECIMAL(18, 2));
CREATE OR REPLACE TEMP TABLE stg_invoices (
    src INTEGER, row_no INTEGER, ok BOOLEAN,
    invoice_id VARCHAR, client_id VARCHAR, ts TIMESTAMP, total_amount DECIMAL(18, 2),
    product_id VARCHAR, qty DECIMAL(18, 3), unit_price DECIMAL(18, 4), description VARCHAR,
    line_digest UBIGINT);
CREATE OR REPLACE TEMP TABLE stg_lines (
    src INTEGER, row_no INTEGER, ok BOOLEAN,
    invoice_id VARCHAR, product_id VARCHAR, qty DECIMAL(18, 3), unit_price DECIMAL(18, 4),
    line_digest UBIGINT);
