"""HTTP API (FastAPI) and the two static pages it serves (public chat, staff); no business
logic here."""
