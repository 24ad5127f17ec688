"""GraphQL: stats."""
