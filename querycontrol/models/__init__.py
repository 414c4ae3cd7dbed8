# Models of the query-and-control app, one module per concept.
from .institutions import Institution  # noqa: F401
