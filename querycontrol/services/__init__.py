"""Domain operations of the query-and-control app (CONVENTIONS: rules live here, views and tasks stay thin).

queries: submit / fan out / cancel network queries; orders: file / submit / approve / reject control
orders; sending: send orders, apply answers once, expiry watch; rules: the law on orders.
"""
