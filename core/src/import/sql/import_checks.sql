-- Cross-row validation of staged rows (SPEC §3), then the final rows to write
-- and their counts. Runs on temporary tables only; writes nothing to the store.
-- Each check adds to stg_problems; rows with an error get ok = false.
-- A row missing from a large set is found with ANTI JOIN, not NOT IN: DuckDB
-- runs NOT IN as a mark join that keeps SQL's rule for NULL (one NULL in the
-- set and nothing is missing), which is slower and never what a check means.
-- (bad_invoices, most often empty, stays a NOT IN: as an anti join it moves
-- the joins around it, slower.)

-- The head of an invoice: its row in an Invoices sheet, or the first of its
-- rows in a sheet that carries one row per line. Which rows are heads never
-- changes, so they are found once; the view reads their current `ok`.
CREATE OR REPLACE TEMP TABLE stg_head_rows AS
SELECT i.src, i.row_no
FROM stg_invoices i JOIN stg_sources o USING (src)
WHERE i.invoice_id IS NOT NULL AND NOT o.carries_lines
UNION ALL
SELECT i.src, min(i.row_no)
FROM stg_invoices i JOIN stg_sources o USING (src)
WHERE i.invoice_id IS NOT NULL AND o.carries_lines
GROUP BY i.src, i.inv_key;
CREATE OR REPLACE TEMP VIEW stg_heads AS
SELECT i.*, o.carries_lines, o.sheet
FROM stg_invoices i JOIN stg_head_rows USING (src, row_no) JOIN stg_sources o USING (src);

-- A key listed twice in this import: every later occurrence is an error.
-- (The keys listed more than once are found first: the ranking reads only them.
-- An invoice's heads are counted while reading: staging::InvoiceKeys::head.)
INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
WITH keys AS NOT MATERIALIZED (
    SELECT 'product' AS what, 'product_id' AS col, src, row_no, product_id AS key FROM stg_products
    UNION ALL
    SELECT 'stock', CASE WHEN stock_id IS NULL THEN 'batch_no' ELSE 'stock_id' END, src, row_no,
           coalesce(stock_id, product_id || '#' || batch_no) FROM stg_stock
    UNION ALL
    SELECT 'client', 'client_id', src, row_no, client_id FROM stg_clients
),
repeated AS (SELECT what, key FROM keys WHERE key IS NOT NULL GROUP BY what, key HAVING count(*) > 1)
SELECT src, row_no, col, key,
       'duplicate_' || what, concat_ws(chr(31), key, first_sheet, (first_row + 1)::VARCHAR), 'error'
FROM (SELECT k.*, row_number() OVER w AS n, first_value(k.row_no) OVER w AS first_row,
             first_value(o.sheet) OVER w AS first_sheet
      FROM keys k SEMI JOIN repeated r ON r.what = k.what AND r.key = k.key
      JOIN stg_sources o USING (src)
      WINDOW w AS (PARTITION BY k.what, k.key ORDER BY k.src, k.row_no))
WHERE n > 1;

-- ── Products ────────────────────────────────────────────────────────────────
INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT src, row_no, 'sell_price', money(sell_price),
       'sell_below_buy', concat_ws(chr(31), money(sell_price), money(buy_price)), 'warning'
FROM stg_products WHERE ok AND sell_price < buy_price;

UPDATE stg_products s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';

-- Products sold in a flat sales export but known nowhere else are created from
-- it: name = their most frequent description, no cost (SPEC §2.2); between
-- equally frequent descriptions, the one met first (file, then row), so that
-- the same files always give the same names. A normalised workbook never
-- creates one: a typo there is an error (SPEC §3).
CREATE OR REPLACE TEMP TABLE known_products AS
SELECT s.product_id, coalesce(s.sell_price, p.sell_price) AS sell_price, false AS derived, NULL::VARCHAR AS name
FROM stg_products s LEFT JOIN products p USING (product_id)  -- blank = no change
WHERE s.ok
UNION ALL
SELECT product_id, sell_price, false, NULL FROM products
WHERE product_id NOT IN (SELECT product_id FROM stg_products WHERE ok);

INSERT INTO known_products
SELECT product_id, NULL, true,
       -- the most frequent description, then the first met: the largest (uses, −first position)
       coalesce(arg_max(description, CAST(uses AS HUGEINT) * 18446744073709551616 - first_seen)
                    FILTER (WHERE description IS NOT NULL),
                product_id)
FROM (SELECT i.product_id, nullif(trim(i.description), '') AS description, count(*) AS uses,
             min(CAST(i.src AS BIGINT) * 4294967296 + i.row_no) AS first_seen
      FROM stg_invoices i JOIN stg_sources o USING (src)
      WHERE o.flat AND i.product_id IS NOT NULL
        AND i.product_id NOT IN (SELECT product_id FROM known_products)
      GROUP BY ALL)
GROUP BY product_id;

-- ── Stock ───────────────────────────────────────────────────────────────────
INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT src, row_no, 'batch_no', '', 'stock_without_key', '', 'error'
FROM stg_stock WHERE ok AND stock_id IS NULL AND batch_no IS NULL;


INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT src, row_no, 'product_id', product_id, 'unknown_product', product_id, 'error'
FROM stg_stock
WHERE ok AND product_id IS NOT NULL
  AND product_id NOT IN (SELECT product_id FROM known_products WHERE NOT derived);

UPDATE stg_stock s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';

-- ── Clients ─────────────────────────────────────────────────────────────────

UPDATE stg_clients s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';

CREATE OR REPLACE TEMP TABLE known_clients AS
SELECT client_id, false AS derived FROM stg_clients WHERE ok
UNION ALL
SELECT client_id, false FROM clients WHERE client_id NOT IN (SELECT client_id FROM stg_clients WHERE ok);

-- Customers of a flat sales export are created from it (name = their number).
INSERT INTO known_clients
SELECT DISTINCT i.client_id, true
FROM stg_invoices i JOIN stg_sources o USING (src)
WHERE o.flat AND i.client_id IS NOT NULL
  AND i.client_id NOT IN (SELECT client_id FROM known_clients);

-- ── Invoices ────────────────────────────────────────────────────────────────


-- In a sheet with one row per line, every row of an invoice names the same customer.
INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT i.src, i.row_no, 'client_id', coalesce(i.client_id, ''),
       CASE WHEN h.client_id IS NULL THEN 'invoice_other_client_walk_in' ELSE 'invoice_other_client' END,
       concat_ws(chr(31), i.invoice_id, h.client_id), 'error'
FROM stg_invoices i JOIN stg_heads h ON h.src = i.src AND h.inv_key = i.inv_key
WHERE h.carries_lines AND i.row_no <> h.row_no AND i.client_id IS DISTINCT FROM h.client_id;

INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT src, row_no, 'client_id', client_id, 'unknown_client', client_id, 'error'
FROM stg_invoices ANTI JOIN known_clients USING (client_id)
WHERE ok AND client_id IS NOT NULL;

-- Lines carried by an Invoices sheet (one row per line) join the other lines.
INSERT INTO stg_lines
SELECT i.src, i.row_no, i.ok, i.invoice_id, i.product_id, i.qty, i.unit_price, i.line_digest, i.inv_key, i.line_no
FROM stg_invoices i JOIN stg_sources o USING (src)
WHERE o.carries_lines;

INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT src, row_no, 'product_id', '', 'line_product_required', '', 'error'
FROM stg_lines WHERE ok AND product_id IS NULL
UNION ALL
SELECT src, row_no, 'qty', '', 'line_qty_required', '', 'error'
FROM stg_lines WHERE ok AND qty IS NULL;

UPDATE stg_invoices s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';

-- ── Lines ───────────────────────────────────────────────────────────────────
INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT l.src, l.row_no, 'invoice_id', l.invoice_id, 'line_invoice_missing', l.invoice_id, 'error'
FROM stg_lines l JOIN stg_sources o USING (src)
ANTI JOIN (SELECT DISTINCT inv_key FROM stg_invoices) i USING (inv_key)
-- (only a lines sheet's line can miss its invoice: a line carried by an Invoices
-- sheet is its own invoice's row; and every invoice id staged in an Invoices
-- sheet has a head row, so the heads' keys are its distinct keys)
WHERE NOT o.carries_lines AND l.ok AND l.inv_key IS NOT NULL;

INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT l.src, l.row_no, 'product_id', l.product_id, 'unknown_product', l.product_id, 'error'
FROM stg_lines l ANTI JOIN known_products k USING (product_id)
WHERE l.ok AND l.product_id IS NOT NULL;

INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT l.src, l.row_no, 'unit_price', '', 'line_no_price', l.product_id, 'error'
FROM stg_lines l JOIN known_products k USING (product_id)
WHERE l.ok AND l.unit_price IS NULL AND k.sell_price IS NULL;

UPDATE stg_lines s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';

-- Each invoice's lines in one pass: whether all are acceptable, their total
-- (unit price resolved), their revenue (each line's rounded to cents, as the
-- sales aggregates count it) and the order-independent digest of their
-- content (staging::line_digest).
CREATE OR REPLACE TEMP TABLE line_sums AS
SELECT l.inv_key, bool_and(l.ok) AS all_ok, count(*) AS lines,
       sum(l.qty * coalesce(l.unit_price, k.sell_price)::DECIMAL(18, 4)) AS lines_total,
       sum(cents(l.qty, coalesce(l.unit_price, k.sell_price)::DECIMAL(18, 4))) AS revenue,
       (sum(l.line_digest::HUGEINT) % 18446744073709551616)::UBIGINT AS lines_digest
FROM stg_lines l LEFT JOIN known_products k USING (product_id)
WHERE l.inv_key IS NOT NULL
GROUP BY l.inv_key;

INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT h.src, h.row_no, 'invoice_id', h.invoice_id, 'invoice_no_lines', h.invoice_id, 'error'
FROM stg_heads h ANTI JOIN line_sums c USING (inv_key)
WHERE h.ok;

UPDATE stg_invoices s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';

-- An invoice is taken whole or not at all: one bad line rejects it, and a
-- rejected invoice rejects its lines.
CREATE OR REPLACE TEMP TABLE bad_invoices AS
SELECT inv_key FROM line_sums WHERE NOT all_ok
UNION
SELECT DISTINCT inv_key FROM stg_invoices WHERE NOT ok AND inv_key IS NOT NULL;

-- Content of each acceptable invoice: header and lines.
CREATE OR REPLACE TEMP TABLE inv_content AS
SELECT h.invoice_id, h.inv_key, h.client_id, h.ts, h.total_amount, h.src, h.row_no, c.lines, c.lines_total,
       md5(concat_ws('|', coalesce(h.client_id, ''), strftime(h.ts, '%Y-%m-%d %H:%M:%S'),
                     coalesce(h.total_amount::VARCHAR, ''), c.lines_digest::VARCHAR)) AS content_hash
FROM stg_heads h JOIN line_sums c USING (inv_key)
WHERE h.ok AND c.all_ok AND h.inv_key NOT IN (SELECT inv_key FROM bad_invoices);

-- Re-importing an invoice is fine only with the same content.
INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT c.src, c.row_no, 'invoice_id', c.invoice_id,
       'invoice_changed', concat_ws(chr(31), c.invoice_id, s.import_id::VARCHAR, coalesce(m.file_names, '?')), 'error'
FROM inv_content c
JOIN invoices s USING (invoice_id)
LEFT JOIN imports m ON m.import_id = s.import_id
WHERE s.content_hash <> c.content_hash;

INSERT INTO bad_invoices
SELECT c.inv_key FROM inv_content c JOIN invoices s USING (invoice_id) WHERE s.content_hash <> c.content_hash;
UPDATE stg_invoices s SET ok = false
FROM stg_problems p WHERE p.src = s.src AND p.row_no = s.row_no AND p.severity = 'error';
UPDATE stg_lines SET ok = false WHERE ok AND inv_key IN (SELECT inv_key FROM bad_invoices);
-- …and an invoice set aside for a line is set aside itself (its row goes to
-- the errors workbook with its lines).
UPDATE stg_invoices SET ok = false WHERE ok AND inv_key IN (SELECT inv_key FROM bad_invoices);

INSERT INTO stg_problems (src, row_no, col, val, code, params, severity)
SELECT src, row_no, 'total_amount', money(total_amount),
       'total_differs', concat_ws(chr(31), money(total_amount), money(lines_total)), 'warning'
FROM inv_content
WHERE total_amount IS NOT NULL AND abs(total_amount - lines_total) > 0.01
  AND inv_key NOT IN (SELECT inv_key FROM bad_invoices);

-- ── What would be written ───────────────────────────────────────────────────
CREATE OR REPLACE TEMP TABLE fin_invoices AS
SELECT c.invoice_id, c.inv_key, c.client_id, c.ts, c.total_amount, c.content_hash,
       CASE WHEN s.invoice_id IS NULL THEN 'new' ELSE 'unchanged' END AS change
FROM inv_content c LEFT JOIN invoices s USING (invoice_id)
WHERE c.inv_key NOT IN (SELECT inv_key FROM bad_invoices);

-- The lines of the invoices written or found unchanged (every line of such an
-- invoice is acceptable, its product known), numbered as staged.
CREATE OR REPLACE TEMP VIEW fin_lines AS
SELECT f.invoice_id, l.inv_key, l.line_no, l.product_id, l.qty, coalesce(l.unit_price, k.sell_price)::DECIMAL(18, 4) AS unit_price
FROM stg_lines l JOIN fin_invoices f USING (inv_key) JOIN known_products k USING (product_id);

-- Master data: an empty cell keeps what the store has (blank = no change).
CREATE OR REPLACE TEMP TABLE fin_products AS
SELECT s.product_id, s.name,
       coalesce(s.category, p.category) AS category,
       coalesce(s.buy_price, p.buy_price) AS buy_price,
       coalesce(s.sell_price, p.sell_price) AS sell_price,
       coalesce(s.min_margin_threshold, p.min_margin_threshold) AS min_margin_threshold,
       s.from_sales,
       CASE WHEN p.product_id IS NULL THEN 'new'
            WHEN p.name IS DISTINCT FROM s.name
              OR p.category IS DISTINCT FROM coalesce(s.category, p.category)
              OR p.buy_price IS DISTINCT FROM coalesce(s.buy_price, p.buy_price)
              OR p.sell_price IS DISTINCT FROM coalesce(s.sell_price, p.sell_price)
              OR p.min_margin_threshold IS DISTINCT FROM coalesce(s.min_margin_threshold, p.min_margin_threshold)
            THEN 'updated' ELSE 'unchanged' END AS change
FROM (SELECT product_id, name, category, buy_price, sell_price, min_margin_threshold, false AS from_sales
      FROM stg_products WHERE ok
      UNION ALL
      SELECT product_id, name, NULL, NULL, NULL, NULL, true FROM known_products
      WHERE derived AND product_id IN (SELECT l.product_id FROM fin_lines l SEMI JOIN known_products k ON k.product_id = l.product_id AND k.derived)) s
LEFT JOIN products p USING (product_id);

-- A row without stock_id is the stored batch of the same product and batch_no,
-- whatever stock_id that batch was given.
CREATE OR REPLACE TEMP TABLE fin_stock AS
SELECT coalesce(p.stock_id, s.stock_key) AS stock_id, s.product_id, s.quantity, s.batch_no,
       coalesce(s.expiry_date, p.expiry_date) AS expiry_date,
       coalesce(s.last_movement, p.last_movement) AS last_movement,
       CASE WHEN p.stock_id IS NULL THEN 'new'
            WHEN p.product_id IS DISTINCT FROM s.product_id
              OR p.quantity IS DISTINCT FROM s.quantity
              OR p.batch_no IS DISTINCT FROM coalesce(s.batch_no, p.batch_no)
              OR p.expiry_date IS DISTINCT FROM coalesce(s.expiry_date, p.expiry_date)
              OR p.last_movement IS DISTINCT FROM coalesce(s.last_movement, p.last_movement)
            THEN 'updated' ELSE 'unchanged' END AS change
FROM (SELECT *, coalesce(stock_id, product_id || '#' || batch_no) AS stock_key FROM stg_stock WHERE ok) s
LEFT JOIN stock p ON p.stock_id = s.stock_key
                  OR (s.stock_id IS NULL AND p.product_id = s.product_id AND p.batch_no = s.batch_no);

CREATE OR REPLACE TEMP TABLE fin_clients AS
SELECT s.client_id, s.name,
       coalesce(s.total_revenue_generated, p.total_revenue_generated) AS total_revenue_generated,
       CASE WHEN p.client_id IS NULL THEN 'new'
            WHEN p.name IS DISTINCT FROM s.name
              OR p.total_revenue_generated IS DISTINCT FROM coalesce(s.total_revenue_generated, p.total_revenue_generated)
            THEN 'updated' ELSE 'unchanged' END AS change
FROM (SELECT client_id, name, total_revenue_generated FROM stg_clients WHERE ok
      UNION ALL
      SELECT client_id, client_id, NULL FROM known_clients
      WHERE derived AND client_id IN (SELECT client_id FROM fin_invoices)) s
LEFT JOIN clients p USING (client_id);

CREATE OR REPLACE TEMP TABLE import_counts AS
SELECT 'products' AS tbl,
       count(*) FILTER (WHERE change = 'new') AS new,
       count(*) FILTER (WHERE change = 'updated') AS updated,
       count(*) FILTER (WHERE change = 'unchanged') AS unchanged,
       (SELECT count(*) FROM stg_products WHERE NOT ok) AS rejected
FROM fin_products
UNION ALL
SELECT 'stock', count(*) FILTER (WHERE change = 'new'), count(*) FILTER (WHERE change = 'updated'),
       count(*) FILTER (WHERE change = 'unchanged'), (SELECT count(*) FROM stg_stock WHERE NOT ok)
FROM fin_stock
UNION ALL
SELECT 'clients', count(*) FILTER (WHERE change = 'new'), count(*) FILTER (WHERE change = 'updated'),
       count(*) FILTER (WHERE change = 'unchanged'), (SELECT count(*) FROM stg_clients WHERE NOT ok)
FROM fin_clients
UNION ALL
SELECT 'invoices', count(*) FILTER (WHERE change = 'new'), 0,
       count(*) FILTER (WHERE change = 'unchanged'), (SELECT count(*) FROM bad_invoices)
FROM fin_invoices
UNION ALL
SELECT 'lines', coalesce(sum(c.lines) FILTER (WHERE f.change = 'new'), 0), 0,
       coalesce(sum(c.lines) FILTER (WHERE f.change = 'unchanged'), 0), (SELECT count(*) FROM stg_lines WHERE NOT ok)
FROM inv_content c JOIN fin_invoices f USING (inv_key);
