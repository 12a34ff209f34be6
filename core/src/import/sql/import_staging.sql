-- Staging tables for one import (temporary: never in the store file or its WAL).
-- The five kinds' tables live in an in-memory database of the import's own,
-- compressed (layout::STAGE_DB); the others are temporary tables.
DETACH DATABASE IF EXISTS comptoir_stage;
ATTACH ':memory:' AS comptoir_stage (COMPRESS true);
-- src = index of the (file, sheet) a row came from, row_no = its 0-based row;
-- line_digest: see staging::line_digest.
-- flat: a flat sales export (SPEC §2.2), the only kind of sheet that may
-- bring products and clients of its own; set once its file is read.
CREATE OR REPLACE TEMP TABLE stg_sources (src INTEGER, file VARCHAR, sheet VARCHAR, carries_lines BOOLEAN, flat BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP TABLE stg_columns (src INTEGER, name VARCHAR, letter VARCHAR, idx INTEGER);
-- A problem is a code with parameters (messages.rs; params joined by chr(31));
-- its English sentence (message) is rendered from them after the checks.
CREATE OR REPLACE TEMP TABLE stg_problems (src INTEGER, row_no INTEGER, col VARCHAR, val VARCHAR, code VARCHAR, params VARCHAR, severity VARCHAR, message VARCHAR);
-- The staging tables of the five kinds (stg_products … stg_lines) are made
-- from their one description, core/src/import/layout.rs (`SheetKind::staging_sql`).
