"""The web adapter: a FastAPI app with server-rendered pages, one router per domain."""
