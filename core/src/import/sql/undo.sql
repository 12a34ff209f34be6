-- Undo import `import_id` (a variable; inside the caller's transaction): its invoices go,
-- master data it created goes, master data it replaced comes back.
DELETE FROM invoice_lines WHERE import_id = getvariable('import_id');
DELETE FROM invoices WHERE import_id = getvariable('import_id');
DELETE FROM products WHERE import_id = getvariable('import_id');
INSERT INTO products SELECT * EXCLUDE (replaced_by) FROM products_prev WHERE replaced_by = getvariable('import_id');
DELETE FROM products_prev WHERE replaced_by = getvariable('import_id');
DELETE FROM stock WHERE import_id = getvariable('import_id');
INSERT INTO stock SELECT * EXCLUDE (replaced_by) FROM stock_prev WHERE replaced_by = getvariable('import_id');
DELETE FROM stock_prev WHERE replaced_by = getvariable('import_id');
DELETE FROM clients WHERE import_id = getvariable('import_id');
INSERT INTO clients SELECT * EXCLUDE (replaced_by) FROM clients_prev WHERE replaced_by = getvariable('import_id');
DELETE FROM clients_prev WHERE replaced_by = getvariable('import_id');
UPDATE imports SET undone_at = now()::TIMESTAMP WHERE import_id = getvariable('import_id');
-- the months and products whose figures change (store/sql/product_months.sql runs next)
SET VARIABLE months_from = (SELECT min(sale_date) FROM sales_product_day WHERE import_id = getvariable('import_id'));
SET VARIABLE months_to = (SELECT max(sale_date) FROM sales_product_day WHERE import_id = getvariable('import_id'));
CREATE OR REPLACE TEMP TABLE changed_products AS
SELECT DISTINCT product_id FROM sales_product_day WHERE import_id = getvariable('import_id');
DELETE FROM sales_product_day WHERE import_id = getvariable('import_id');
DELETE FROM sales_client_day WHERE import_id = getvariable('import_id');
