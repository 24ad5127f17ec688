"""GraphQL: directory."""
