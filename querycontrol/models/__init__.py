# Models of the query-and-control app, one module per concept.
