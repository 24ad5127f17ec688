"""GraphQL: spreadsheet import of achievements."""
