"""The seams: embeddings, vector store and chat model, each built by one make_* factory."""
