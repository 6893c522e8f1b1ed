"""The prioritised call and visit queue: whom to call, visit or write to next, and why.

`records` loads plain per-household records from the store; `facts` works out what is true
of a household on a day (arrears, limitation deadlines, promises, contact caps); `actions`
names the escalation ladder; `build` ranks the actions for one moment and keeps the ranked
queue current when one household changes.
"""
