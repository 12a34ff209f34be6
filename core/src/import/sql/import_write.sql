-- Writes the validated rows of one import (inside the caller's transaction).
-- The variable `import_id` holds the new import's number.
INSERT INTO products_prev
SELECT p.*, getvariable('import_id') FROM products p JOIN fin_products f USING (product_id) WHERE f.change = 'updated';
UPDATE products p
SET name = f.name, category = f.category, buy_price = f.buy_price, sell_price = f.sell_price,
    min_margin_threshold = f.min_margin_threshold, from_sales = false, import_id = getvariable('import_id')
FROM fin_products f WHERE p.product_id = f.product_id AND f.change = 'updated';
INSERT INTO products
SELECT product_id, name, category, buy_price, sell_price, min_margin_threshold, from_sales, getvariable('import_id')
FROM fin_products WHERE change = 'new';

INSERT INTO stock_prev
SELECT p.*, getvariable('import_id') FROM stock p JOIN fin_stock f USING (stock_id) WHERE f.change = 'updated';
UPDATE stock p
SET product_id = f.product_id, quantity = f.quantity, batch_no = f.batch_no,
    expiry_date = f.expiry_date, last_movement = f.last_movement, import_id = getvariable('import_id')
FROM fin_stock f WHERE p.stock_id = f.stock_id AND f.change = 'updated';
INSERT INTO stock
SELECT stock_id, product_id, quantity, batch_no, expiry_date, last_movement, getvariable('import_id')
FROM fin_stock WHERE change = 'new';

INSERT INTO clients_prev
SELECT p.*, getvariable('import_id') FROM clients p JOIN fin_clients f USING (client_id) WHERE f.change = 'updated';
UPDATE clients p
SET name = f.name, total_revenue_generated = f.total_revenue_generated, import_id = getvariable('import_id')
FROM fin_clients f WHERE p.client_id = f.client_id AND f.change = 'updated';
INSERT INTO clients
SELECT client_id, name, total_revenue_generated, getvariable('import_id')
FROM fin_clients WHERE change = 'new';

-- The invoices on one DuckDB thread: inserted on two, each thread leaves a
-- row group partly filled, which the checkpoint after the import merges and
-- compresses again (~110 ms for 286,000 invoices, in most runs; their content
-- hashes compress slowly). Failing here, the import's cleanup resets it.
SET threads = 1;
INSERT INTO invoices
SELECT invoice_id, client_id, ts, total_amount, content_hash, getvariable('import_id')
FROM fin_invoices WHERE change = 'new';
RESET threads;
INSERT INTO invoice_lines
SELECT l.invoice_id, l.line_no, l.product_id, l.qty, l.unit_price, getvariable('import_id')
FROM fin_lines l JOIN fin_invoices f USING (inv_key) WHERE f.change = 'new';

INSERT INTO import_problems
-- (a problem in a column the sheet lacks is placed in column A of its row)
SELECT getvariable('import_id'), p.severity, o.file, o.sheet, coalesce(c.letter, 'A') || (p.row_no + 1), p.col, p.val, p.message
FROM stg_problems p
JOIN stg_sources o USING (src)
LEFT JOIN stg_columns c ON c.src = p.src AND c.name = p.col;

