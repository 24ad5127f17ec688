"""GraphQL: regions."""
