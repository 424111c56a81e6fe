"""PDF reports and CRFs (ReportLab) and data exports/imports. No Qt here."""
