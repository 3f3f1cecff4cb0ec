"""Input files (CSV, XLSX) read into rows for the core to check."""
