-- Bookkeeping tables of the warehouse. Idempotent: run at every connection.
CREATE TABLE IF NOT EXISTS load_log (
    source            VARCHAR NOT NULL,
    file              VARCHAR NOT NULL,   -- path relative to the landing folder
    sha256            VARCHAR NOT NULL,
    rows_read         BIGINT  NOT NULL,
    rows_loaded       BIGINT  NOT NULL,
    rows_quarantined  BIGINT  NOT NULL,
    loaded_at         TIMESTAMP NOT NULL,
    spec_sha256       VARCHAR NOT NULL,
    PRIMARY KEY (source, file)
);
CREATE TABLE IF NOT EXISTS quarantine (
    source      VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    row_number  BIGINT  NOT NULL,        -- record number in the file, header = 1
    "column"    VARCHAR,
    value       VARCHAR,
    rule        VARCHAR NOT NULL,
    message     VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS source_state (
    source       VARCHAR PRIMARY KEY,
    spec_sha256  VARCHAR NOT NULL        -- a changed source spec reloads every file of the source
);
CREATE TABLE IF NOT EXISTS file_stat (
    source       VARCHAR NOT NULL,
    file         VARCHAR NOT NULL,
    size         BIGINT  NOT NULL,
    mtime_ns     BIGINT  NOT NULL,
    sha256       VARCHAR NOT NULL,       -- the content hash when the file had this size and time
    PRIMARY KEY (source, file)           -- so a monthly load hashes the new file, not twenty years
);
-- The change time and inode too: a modification time can be set back (cp -p, touch -r) on a file
-- rewritten at the same size; its change time cannot. Added to warehouses made before them.
ALTER TABLE file_stat ADD COLUMN IF NOT EXISTS ctime_ns BIGINT;
ALTER TABLE file_stat ADD COLUMN IF NOT EXISTS inode BIGINT;
