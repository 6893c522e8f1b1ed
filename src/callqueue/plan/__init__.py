"""The collection plan (催收计划): arrears at plan start and monthly targets as amounts.

Rates are never trusted as typed: they are derived from the amounts and the arrears at plan
start, and a typed rate that disagrees is flagged (`rates`). A project-wide plan is split to
buildings in proportion to their arrears at plan start, exactly to the fen (`split`,
`resolve`). Files are read in `files`, kept in the store by `saved`.
"""
