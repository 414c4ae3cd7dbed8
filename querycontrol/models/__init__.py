# Models of the query-and-control app, one module per concept.
from .auctions import AuctionLot  # noqa: F401,E402
from .institutions import Institution  # noqa: F401
from .orders import ControlOrder  # noqa: F401,E402
from .queries import FoundAsset, QueryChunk, QueryRequest, QueryResult  # noqa: F401,E402
