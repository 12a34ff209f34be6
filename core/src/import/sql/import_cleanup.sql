DROP VIEW IF EXISTS fin_lines; DROP VIEW IF EXISTS stg_heads; DROP TABLE IF EXISTS stg_head_rows;
DROP TABLE IF EXISTS stg_sources; DROP TABLE IF EXISTS stg_columns; DROP TABLE IF EXISTS stg_problems;
DROP TABLE IF EXISTS stg_products; DROP TABLE IF EXISTS stg_stock; DROP TABLE IF EXISTS stg_clients;
DROP TABLE IF EXISTS known_products; DROP TABLE IF EXISTS known_clients;
DROP TABLE IF EXISTS bad_invoices; DROP TABLE IF EXISTS inv_content;
DROP TABLE IF EXISTS fin_products; DROP TABLE IF EXISTS fin_stock; DROP TABLE IF EXISTS fin_clients;
DROP TABLE IF EXISTS fin_invoices; DROP TABLE IF EXISTS line_sums; DROP TABLE IF EXISTS import_counts;
DETACH DATABASE IF EXISTS comptoir_stage;
RESET threads; -- (import_write.sql sets one thread for a statement)
