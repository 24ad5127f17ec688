"""The GraphQL layer: parse, authorize, call service/, shape the output."""
