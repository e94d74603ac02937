"""Image generation: the backend interface, the backends, and the worker thread."""
