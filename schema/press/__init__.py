"""GraphQL: press."""
