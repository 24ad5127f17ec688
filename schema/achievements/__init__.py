"""GraphQL: achievements."""
