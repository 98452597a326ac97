"""The browser face: FastAPI pages (Jinja2, server-rendered, no CDN) and the JSON API."""
