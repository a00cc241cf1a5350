"""HTTP API (FastAPI) and the web UI (gradio) mounted on it; no business logic here."""
