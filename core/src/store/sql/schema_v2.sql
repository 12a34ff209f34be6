-- v2: column mappings the user confirmed, per header signature (mappings.rs).
CREATE TABLE column_mappings (
    signature VARCHAR PRIMARY KEY,   -- the header row, normalised, in column order
    sheet_kind VARCHAR NOT NULL,     -- Products, Stock, Clients, Invoices, InvoiceLines
    columns VARCHAR NOT NULL,        -- JSON [[header as written, field or null], …]
    saved_at TIMESTAMP NOT NULL
);
