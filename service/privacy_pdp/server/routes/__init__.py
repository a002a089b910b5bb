"""HTTP routes, one router per area; they reach the runtime through FastAPI dependencies."""
