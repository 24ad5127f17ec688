"""The HTTP face: the Starlette app, the GraphQL view, middleware, routes for files, exports, Word and the dashboard, and the `juara` command."""
