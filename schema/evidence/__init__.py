"""GraphQL: evidence files of achievements."""
